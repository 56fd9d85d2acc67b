import {
  CreateLoginProfileCommand,
  DeleteAccessKeyCommand,
  DeleteLoginProfileCommand,
  GetAccessKeyLastUsedCommand,
  GetAccountSummaryCommand,
  GetLoginProfileCommand,
  IAMClient,
  IAMServiceException,
  ListAccessKeysCommand,
  ListMFADevicesCommand,
  ListSigningCertificatesCommand,
} from "@aws-sdk/client-iam";
import { DescribeOrganizationCommand, ListAccountsCommand, OrganizationsClient } from "@aws-sdk/client-organizations";
import { AssumeRootCommand, GetCallerIdentityCommand, STSClient, STSServiceException } from "@aws-sdk/client-sts";
import { mockClient } from "aws-sdk-client-mock";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { rootCredentials } from "../../../scripts/root-credentials/command";
import { NO_ROOT_CREDENTIALS } from "./no-root-credentials";

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

/** A configuration whose stack keeps `kept`'s root credentials (a break-glass account). */
function keeping(kept: string): NodeJS.ProcessEnv {
  const file = path.join(projectRoot, "keep.config.json");
  fs.writeFileSync(
    file,
    JSON.stringify({
      stacks: [
        {
          name: "root-access",
          features: ["RootCredentialsManagement"],
          rootCredentials: { remove: "all", keep: [kept] },
        },
      ],
    }),
  );
  return { ROOT_ACCESS_CONFIG: file };
}

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
  // The audit's own credentials are the management account's, whose root user has MFA and no access key.
  sts.on(GetCallerIdentityCommand).resolves({ Account: MANAGEMENT });
  iam.on(GetAccountSummaryCommand).resolves({ SummaryMap: { AccountAccessKeysPresent: 0, AccountMFAEnabled: 1 } });
}

async function run(argv: string[], env: NodeJS.ProcessEnv = {}) {
  const stdout: string[] = [];
  const stderr: string[] = [];
  const code = await rootCredentials(
    {
      argv,
      env: { AWS_REGION: "us-east-1", ...env },
      io: { stdout: (t) => stdout.push(t), stderr: (t) => stderr.push(t) },
    },
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
          kept: false,
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
          kept: false,
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
          kept: false,
          reason: "the account is SUSPENDED, not ACTIVE: AWS opens no root session in it",
        },
      ],
      summary: {
        memberAccounts: 3,
        audited: 2,
        fromEarlierRun: 0,
        withRootCredentials: 1,
        keptWithRootCredentials: 0,
        skipped: 1,
        failed: 0,
      },
      auditedAt: expect.stringMatching(/^\d{4}-\d\d-\d\dT/),
      // AND the management account's root user was read with the audit's own credentials
      managementAccount: { accountId: MANAGEMENT, accessKeysPresent: false, mfaEnabled: true },
      // AND the evidence names the account that fails each control, and what was read
      controls: [
        expect.objectContaining({ id: "org-root-access member-root-credentials", status: "fail" }),
        expect.objectContaining({ id: "AWS Config iam-root-access-key-check", status: "fail" }),
        expect.objectContaining({ id: "AWS Config root-account-mfa-enabled", status: "fail" }),
        expect.objectContaining({ id: "AWS Config root-account-hardware-mfa-enabled", status: "fail" }),
      ],
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
    expect(stdout).toContain("### With root credentials: 1");
    expect(stdout).toContain(`| ${WITH_PASSWORD} | name-${WITH_PASSWORD} | password |`);
    expect(stdout).toMatch(
      new RegExp(
        `### Failed: 1[\\s\\S]*\\| ${CLEAN} \\| name-${CLEAN} \\| sts\\\\:AssumeRoot into ${CLEAN} with IAMAuditRootUserCredentials was refused`,
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
    [["audit", "--json", "--markdown"], "root-credentials: one of --json, --markdown and --csv"],
    // A rate this slow would wait longer than a timer can (it would fire at once: no cap at all).
    [["audit", "--rate", "0.0000001"], 'root-credentials: --rate "0.0000001" is not a number of calls a second from 0.01'],
    [["audit", "--rate", "0"], 'root-credentials: --rate "0" is not a number of calls a second from 0.01'],
    [["remove", "--account", "111122223333", "--rate", "1001"], 'root-credentials: --rate "1001" is not a number of calls'],
  ])("refuses %p with one line and the usage", async (argv, message) => {
    const { code, stderr } = await run(argv);
    expect(code).toBe(1);
    expect(stderr.split("\n")[0]).toContain(message);
    expect(stderr.replace(/^[^\n]*\n/, "")).toBe(
      `Usage: npm run root-credentials -- <audit|remove|recover> [<stack>] [flags] (--help for more)`,
    );
    expect(organizations.calls()).toHaveLength(0);
  });

  it("refuses to remove an account in rootCredentials.keep, before any read or session, naming the setting", async () => {
    organizationWith([{ id: WITH_PASSWORD, password: true }]);
    const { code, stderr } = await run(["remove", "--account", WITH_PASSWORD], keeping(WITH_PASSWORD));
    expect(code).toBe(1);
    expect(stderr).toBe(
      `root-credentials: error: Account ${WITH_PASSWORD} is in rootCredentials.keep of stack "root-access": its root ` +
        "credentials are never removed, by the stack or by hand. Nothing was done. To remove them, take it out of keep first.",
    );
    expect(sts.calls()).toHaveLength(0);
    expect(organizations.calls()).toHaveLength(0);
  });

  it.each([["audit"], ["remove", "--account", CLEAN], ["recover", "--account", CLEAN]])(
    "refuses %s for a stack whose keep names an account that is not a member, before any session",
    async (...argv) => {
      // GIVEN the break-glass account 222222222222, kept as 222222222223 (a typo)
      organizationWith([
        { id: WITH_PASSWORD, password: true },
        { id: CLEAN, password: true },
      ]);
      // WHEN any verb runs on the stack
      const { code, stdout, stderr } = await run(argv, keeping("222222222223"));
      // THEN it refuses, naming the id, and opens no session
      expect(code).toBe(1);
      expect(stderr).toBe(
        'root-credentials: error: Stack "root-access": rootCredentials.keep lists 222222222223, not a member account of ' +
          `${ORGANIZATION}. A mistyped id keeps nothing, and the account meant to be kept would lose its root credentials. ` +
          "Nothing was done. Correct the id in the configuration.",
      );
      expect(stdout).toBe("");
      expect(sts.calls()).toHaveLength(0);
    },
  );

  it("reports a kept account's credentials as kept, and exits 0 when only kept accounts have any", async () => {
    // GIVEN a break-glass account with a password, kept by the stack, and a clean account
    organizationWith([{ id: WITH_PASSWORD, password: true }, { id: CLEAN }]);
    // WHEN the scheduled audit runs
    const { code, stdout, stderr } = await run(["audit", "--json"], keeping(WITH_PASSWORD));
    // THEN it passes, and the report says the credentials are kept on purpose
    expect(code).toBe(0);
    const report = JSON.parse(stdout);
    expect(report.accounts.find((account: { accountId: string }) => account.accountId === WITH_PASSWORD)).toMatchObject({
      kept: true,
      rootCredentials: { password: true },
    });
    expect(report.summary).toMatchObject({ withRootCredentials: 0, keptWithRootCredentials: 1 });
    expect(stderr).toContain("0 with root credentials (and 1 kept with them on purpose)");
    const table = await run(["audit"], keeping(WITH_PASSWORD));
    expect(table.stdout).toContain(`${WITH_PASSWORD}  name-${WITH_PASSWORD}  kept (rootCredentials.keep)`);
  });

  it("with --json, says what a removal that stopped partway removed, what is left and which call failed", async () => {
    // GIVEN an account with a password and two keys, where an SCP denies DeleteAccessKey to root sessions
    organizationWith([{ id: WITH_PASSWORD, password: true, keys: 2 }]);
    iam.on(DeleteLoginProfileCommand).resolves({});
    iam
      .on(DeleteAccessKeyCommand)
      .rejects(
        new IAMServiceException({ name: "AccessDenied", $fault: "client", $metadata: { httpStatusCode: 403 }, message: "SCP" }),
      );
    // WHEN it is removed by hand
    const { code, stdout, stderr } = await run(["remove", "--account", WITH_PASSWORD, "--json"]);
    // THEN it fails, and the JSON and the error line account for the irreversible part exactly
    expect(code).toBe(1);
    expect(JSON.parse(stdout)).toEqual({
      accountId: WITH_PASSWORD,
      status: "failed",
      removed: { DeleteLoginProfile: 1 },
      left: "2 access keys",
      failedAction: "iam:DeleteAccessKey",
      reason: expect.stringContaining(
        "a service control policy most likely denies it to central root sessions there: npm run doctor",
      ),
    });
    expect(stderr).toMatch(
      new RegExp(
        `^root-credentials: error: ${WITH_PASSWORD}: removed the password; left: 2 access keys; iam:DeleteAccessKey failed: denied in`,
      ),
    );
  });

  it("refuses a single-value flag given twice: it would decide which account loses its credentials", async () => {
    const { code, stderr } = await run(["remove", "--account", WITH_PASSWORD, "--account", CLEAN]);
    expect(code).toBe(1);
    expect(stderr).toBe(
      "root-credentials: --account is given twice; give it once\n" +
        "Usage: npm run root-credentials -- <audit|remove|recover> [<stack>] [flags] (--help for more)",
    );
    expect(sts.calls()).toHaveLength(0);
  });
});

describe("journals: nothing claimed about an account this run did not read", () => {
  const journalDir = fs.mkdtempSync(path.join(os.tmpdir(), "journals-"));
  afterAll(() => fs.rmSync(journalDir, { recursive: true, force: true }));
  const assumed = () => sts.commandCalls(AssumeRootCommand).map((call) => call.args[0].input.TargetPrincipal);

  it("removes a finished removal's journal, so the same command later reads the account again", async () => {
    // GIVEN an account with a password, removed by hand with a journal
    organizationWith([{ id: WITH_PASSWORD, password: true }]);
    iam.on(DeleteLoginProfileCommand).callsFake(() => organizationWith([{ id: WITH_PASSWORD }]));
    const journal = path.join(journalDir, "remove.journal");
    const first = await run(["remove", "--account", WITH_PASSWORD, "--journal", journal]);
    expect(first.code).toBe(0);
    expect(first.stdout).toContain("verified clean");
    // THEN the journal is gone
    expect(fs.existsSync(journal)).toBe(false);
    // WHEN the password is recovered meanwhile and the same command runs again
    sts.resetHistory();
    organizationWith([{ id: WITH_PASSWORD, password: true }]);
    iam.on(DeleteLoginProfileCommand).callsFake(() => organizationWith([{ id: WITH_PASSWORD }]));
    const again = await run(["remove", "--account", WITH_PASSWORD, "--journal", journal, "--json"]);
    // THEN it opened a session, found the password and removed it: what it says, it read in this run
    expect(assumed()).toEqual([WITH_PASSWORD]);
    expect(JSON.parse(again.stdout)).toMatchObject({
      status: "done",
      before: { password: true },
      removed: { DeleteLoginProfile: 1 },
    });
  });

  it("says an account an earlier run finished was not read again, and when it was finished, never 'verified clean'", async () => {
    // GIVEN the journal of a run that finished the account and died before it removed its journal, an hour ago
    organizationWith([{ id: WITH_PASSWORD, password: true }]);
    const journal = path.join(journalDir, "crashed.journal");
    const hourAgo = new Date(Date.now() - 3600_000).toISOString();
    fs.writeFileSync(
      journal,
      `${JSON.stringify({ journal: "org-root-access", verb: "remove", scope: ORGANIZATION, started: hourAgo })}\n` +
        `${JSON.stringify({ accountId: WITH_PASSWORD, before: { password: true }, removed: { DeleteLoginProfile: 1 }, at: hourAgo })}\n`,
    );
    // WHEN the same command runs with it
    const text = await run(["remove", "--account", WITH_PASSWORD, "--journal", journal]);
    // THEN no session was opened, and the output says so, with when, and how to read the account now
    expect(assumed()).toEqual([]);
    expect(text.code).toBe(0);
    expect(text.stdout).toBe(
      `${WITH_PASSWORD}: finished by an earlier run at ${hourAgo} (60 min ago), which removed the password. Not read again ` +
        "in this run: run the command again (without --journal) to read and verify the account now.",
    );
    expect(text.stdout).not.toContain("verified clean");
    expect(fs.existsSync(journal)).toBe(false);
  });

  it("refuses an audit journal older than --journal-max-age (24 h by default), and gives each reused result's age", async () => {
    // GIVEN the journal of an audit that failed on one account three days ago, and read another
    organizationWith([{ id: WITH_PASSWORD }, { id: CLEAN }]);
    const journal = path.join(journalDir, "audit.journal");
    const threeDaysAgo = new Date(Date.now() - 3 * 86_400_000).toISOString();
    const header = {
      journal: "org-root-access",
      verb: "audit",
      scope: `${ORGANIZATION} (stack root-access)`,
      started: threeDaysAgo,
    };
    const entry = {
      accountId: CLEAN,
      name: `name-${CLEAN}`,
      status: "audited",
      kept: false,
      rootCredentials: NO_ROOT_CREDENTIALS,
      at: threeDaysAgo,
    };
    fs.writeFileSync(journal, `${JSON.stringify(header)}\n${JSON.stringify(entry)}\n`);
    // WHEN the audit resumes it days later
    const stale = await run(["audit", "--journal", journal]);
    // THEN it refuses, saying how old it is and what to do, and opens no session
    expect(stale.code).toBe(1);
    expect(stale.stderr).toBe(
      `root-credentials: error: The journal ${journal} was started 3 days ago (${threeDaysAgo}), longer ago than ` +
        "--journal-max-age 24 h allows: its results are not today's. Delete it to start over, or give a longer --journal-max-age.",
    );
    expect(assumed()).toEqual([]);
    // WHEN it is given a longer limit
    const resumed = await run(["audit", "--journal", journal, "--journal-max-age", "100"]);
    // THEN the reused result says it is the earlier run's, and how old
    expect(resumed.code).toBe(0);
    expect(assumed()).toEqual([WITH_PASSWORD]);
    expect(resumed.stdout).toMatch(new RegExp(`${CLEAN}  name-${CLEAN}\\s+clean \\(read 3 days ago, by an earlier run\\)`));
    expect(resumed.stderr).toContain("resuming the audit started");
  });

  it("takes --journal relative to the folder npm was run from", async () => {
    organizationWith([{ id: CLEAN }]);
    const operatorDir = fs.mkdtempSync(path.join(journalDir, "operator-"));
    iam.on(ListAccessKeysCommand).callsFake(() => {
      // (the journal is there while the audit runs)
      expect(fs.existsSync(path.join(operatorDir, "audit.journal"))).toBe(true);
      return { AccessKeyMetadata: [] };
    });
    const result = await run(["audit", "--journal", "audit.journal"], { INIT_CWD: operatorDir });
    expect(result.code).toBe(0);
  });
});
