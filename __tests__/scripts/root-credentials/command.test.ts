import {
  CreateLoginProfileCommand,
  GetAccessKeyLastUsedCommand,
  GetLoginProfileCommand,
  IAMClient,
  IAMServiceException,
  ListAccessKeysCommand,
  ListMFADevicesCommand,
  ListSigningCertificatesCommand,
} from "@aws-sdk/client-iam";
import { DescribeOrganizationCommand, ListAccountsCommand, OrganizationsClient } from "@aws-sdk/client-organizations";
import { AssumeRootCommand, STSClient, STSServiceException } from "@aws-sdk/client-sts";
import { mockClient } from "aws-sdk-client-mock";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { rootCredentials } from "../../../scripts/root-credentials/command";

const iam = mockClient(IAMClient);
const organizations = mockClient(OrganizationsClient);
const sts = mockClient(STSClient);

const ORGANIZATION = "o-a1b2c3d4e5";
const MANAGEMENT = "111111111111";
const WITH_PASSWORD = "222222222222";
const CLEAN = "333333333333";
const SUSPENDED = "444444444444";
const AUDIT_TASK = "arn:aws:iam::aws:policy/root-task/IAMAuditRootUserCredentials";

// No configuration file: the built-in default stack (create mode, us-east-1).
const projectRoot = fs.mkdtempSync(path.join(os.tmpdir(), "root-credentials-"));
afterAll(() => fs.rmSync(projectRoot, { recursive: true, force: true }));

function notFound(): IAMServiceException {
  return new IAMServiceException({
    name: "NoSuchEntityException",
    $fault: "client",
    $metadata: { httpStatusCode: 404 },
    message: "none",
  });
}

/** Each session's credentials name their account, so the IAM mock can answer per account. */
function organizationWith(accounts: { id: string; status?: string; password?: boolean; keys?: number }[]) {
  organizations.on(DescribeOrganizationCommand).resolves({ Organization: { Id: ORGANIZATION, MasterAccountId: MANAGEMENT } });
  organizations.on(ListAccountsCommand).resolves({
    Accounts: [{ Id: MANAGEMENT, Name: "management", Status: "ACTIVE" }].concat(
      accounts.map((account) => ({ Id: account.id, Name: `name-${account.id}`, Status: account.status ?? "ACTIVE" })),
    ) as never,
  });
  sts.on(AssumeRootCommand).callsFake((input: { TargetPrincipal: string }) =>
    Promise.resolve({
      Credentials: {
        AccessKeyId: `ASIA${input.TargetPrincipal}`,
        SecretAccessKey: "s",
        SessionToken: "t",
        Expiration: new Date(),
      },
    }),
  );
  const byAccount = new Map(accounts.map((account) => [account.id, account]));
  const accountOf = async (client: IAMClient) => {
    const credentials = await (client.config.credentials as () => Promise<{ accessKeyId: string }>)();
    return byAccount.get(credentials.accessKeyId.replace("ASIA", ""))!;
  };
  iam.on(GetLoginProfileCommand).callsFake(async (_input, getClient) => {
    if ((await accountOf(getClient())).password) return { LoginProfile: {} };
    throw notFound();
  });
  iam.on(ListAccessKeysCommand).callsFake(async (_input, getClient) => ({
    AccessKeyMetadata: Array.from({ length: (await accountOf(getClient())).keys ?? 0 }, (_, i) => ({
      AccessKeyId: `AKIA${i}`,
      Status: i === 0 ? "Active" : "Inactive",
    })),
  }));
  iam
    .on(GetAccessKeyLastUsedCommand)
    .resolves({ AccessKeyLastUsed: { LastUsedDate: new Date("2026-11-28T10:00:00Z") } as never });
  iam.on(ListMFADevicesCommand).resolves({ MFADevices: [] });
  iam.on(ListSigningCertificatesCommand).resolves({ Certificates: [] });
}

async function run(argv: string[]) {
  const stdout: string[] = [];
  const stderr: string[] = [];
  const code = await rootCredentials(
    { argv, env: { AWS_REGION: "us-east-1" }, io: { stdout: (t) => stdout.push(t), stderr: (t) => stderr.push(t) } },
    projectRoot,
  );
  return { code, stdout: stdout.join("\n"), stderr: stderr.join("\n") };
}

beforeEach(() => {
  iam.reset();
  organizations.reset();
  sts.reset();
});

describe("root-credentials audit", () => {
  it("audits every active member in an audit-task session, skips the others, and exits 2 when one has root credentials", async () => {
    // GIVEN a member with a password and two keys, a clean one and a suspended one
    organizationWith([{ id: WITH_PASSWORD, password: true, keys: 2 }, { id: CLEAN }, { id: SUSPENDED, status: "SUSPENDED" }]);
    // WHEN the organization is audited as JSON
    const { code, stdout } = await run(["audit", "--json"]);
    // THEN the two active members were audited with the audit task only, and the document says what each has
    expect(code).toBe(2);
    expect(
      sts
        .commandCalls(AssumeRootCommand)
        .map((call) => [call.args[0].input.TargetPrincipal, call.args[0].input.TaskPolicyArn?.arn]),
    ).toEqual([
      [WITH_PASSWORD, AUDIT_TASK],
      [CLEAN, AUDIT_TASK],
    ]);
    expect(JSON.parse(stdout)).toEqual({
      organizationId: ORGANIZATION,
      accounts: [
        {
          accountId: WITH_PASSWORD,
          name: `name-${WITH_PASSWORD}`,
          status: "audited",
          rootCredentials: {
            password: true,
            accessKeys: 2,
            activeAccessKeys: 1,
            accessKeysLastUsed: "2026-11-28T10:00:00.000Z",
            mfaDevices: 0,
            signingCertificates: 0,
          },
        },
        {
          accountId: CLEAN,
          name: `name-${CLEAN}`,
          status: "audited",
          rootCredentials: {
            password: false,
            accessKeys: 0,
            activeAccessKeys: 0,
            accessKeysLastUsed: null,
            mfaDevices: 0,
            signingCertificates: 0,
          },
        },
        {
          accountId: SUSPENDED,
          name: `name-${SUSPENDED}`,
          status: "skipped",
          reason: "the account is SUSPENDED, not ACTIVE: AWS opens no root session in it",
        },
      ],
      summary: { memberAccounts: 3, audited: 2, withRootCredentials: 1, skipped: 1, failed: 0 },
    });
  });

  it("exits 0 with a table when every audited account is clean", async () => {
    organizationWith([{ id: CLEAN }]);
    const { code, stdout } = await run(["audit"]);
    expect(code).toBe(0);
    expect(stdout).toContain(`${CLEAN}  name-${CLEAN}  clean`);
    expect(stdout).toContain(`${ORGANIZATION}: 1 member accounts, 1 audited, 0 with root credentials, 0 skipped, 0 failed`);
  });

  it("reports an account whose session is refused, audits the others, and exits 1", async () => {
    organizationWith([{ id: WITH_PASSWORD, password: true }, { id: CLEAN }]);
    sts
      .on(AssumeRootCommand, { TargetPrincipal: CLEAN })
      .rejects(new STSServiceException({ name: "AccessDenied", $fault: "client", $metadata: {}, message: "no" }));
    const { code, stdout } = await run(["audit", "--markdown"]);
    expect(code).toBe(1);
    expect(stdout).toContain(`| ${WITH_PASSWORD} | name-${WITH_PASSWORD} | HAS ROOT CREDENTIALS | password |`);
    expect(stdout).toMatch(
      new RegExp(
        `\\| ${CLEAN} \\| name-${CLEAN} \\| failed \\| sts:AssumeRoot into ${CLEAN} with IAMAuditRootUserCredentials was refused`,
      ),
    );
  });
});

describe("root-credentials remove and recover", () => {
  it("with --dry-run only reads, in an audit session", async () => {
    organizationWith([{ id: WITH_PASSWORD, password: true, keys: 1 }]);
    const { code, stdout } = await run(["remove", "--account", WITH_PASSWORD, "--dry-run"]);
    expect(code).toBe(0);
    expect(stdout).toBe(`${WITH_PASSWORD}: would remove a password and 1 access key (dry run: nothing was changed)`);
    expect(sts.commandCalls(AssumeRootCommand)[0].args[0].input.TaskPolicyArn?.arn).toBe(AUDIT_TASK);
  });

  it("refuses an account that is not an active member, before opening a session", async () => {
    organizationWith([{ id: SUSPENDED, status: "SUSPENDED" }]);
    expect(await run(["remove", "--account", MANAGEMENT])).toMatchObject({ code: 1 });
    const suspended = await run(["recover", "--account", SUSPENDED]);
    expect(suspended.stderr).toBe(
      `root-credentials: error: Account ${SUSPENDED} is SUSPENDED, not ACTIVE: AWS opens no root session in it.`,
    );
    expect(sts.calls()).toHaveLength(0);
  });

  it("recovers a password by creating a login profile without one, and does nothing when there is a password", async () => {
    organizationWith([{ id: CLEAN }, { id: WITH_PASSWORD, password: true }]);
    iam.on(CreateLoginProfileCommand).resolves({});
    expect((await run(["recover", "--account", CLEAN])).stdout).toMatch(/created a login profile without a password/);
    expect(iam.commandCalls(CreateLoginProfileCommand).map((call) => call.args[0].input)).toEqual([{}]);
    expect((await run(["recover", "--account", WITH_PASSWORD])).stdout).toBe(
      `${WITH_PASSWORD}: the root user has a password already; nothing was created`,
    );
    expect(iam.commandCalls(CreateLoginProfileCommand)).toHaveLength(1);
  });

  it.each([
    [["remove"], "root-credentials: remove needs --account <id>"],
    [["audit", "--dry-run"], "root-credentials: --dry-run is not for audit"],
    [["audit", "--concurrency", "0"], 'root-credentials: --concurrency "0" is not a number from 1 to 32'],
    [["recover", "--account", "12"], 'root-credentials: --account "12" is not a 12-digit account id'],
    [["audit", "--json", "--markdown"], "root-credentials: --json or --markdown, not both"],
  ])("refuses %p with one line and the usage", async (argv, message) => {
    const { code, stderr } = await run(argv);
    expect(code).toBe(1);
    expect(stderr).toBe(
      `${message}\nUsage: npm run root-credentials -- <audit|remove|recover> [<stack>] [flags] (--help for more)`,
    );
    expect(organizations.calls()).toHaveLength(0);
  });
});
