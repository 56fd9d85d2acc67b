import {
  CreateLoginProfileCommand,
  DeactivateMFADeviceCommand,
  DeleteAccessKeyCommand,
  DeleteLoginProfileCommand,
  DeleteVirtualMFADeviceCommand,
  EnableOrganizationsRootCredentialsManagementCommand,
  EnableOrganizationsRootSessionsCommand,
  GetAccountSummaryCommand,
  GetLoginProfileCommand,
  IAMClient,
  ListAccessKeysCommand,
  ListMFADevicesCommand,
  ListSigningCertificatesCommand,
} from "@aws-sdk/client-iam";
import { CloseAccountCommand, CreateOrganizationCommand, EnableAWSServiceAccessCommand } from "@aws-sdk/client-organizations";
import { AssumeRootCommand, GetCallerIdentityCommand, STSClient } from "@aws-sdk/client-sts";
import { EMULATOR_ACCOUNT_ID, Emulator } from "../../../tools/emulator/emulator";
import { clientConfig } from "../../../tools/emulator/organization-state";
import { createMemberAccount, credentialsOf, iamAs, organizationsAs } from "../../support/aws";

let emulator: Emulator;
let management: NodeJS.ProcessEnv;

beforeAll(async () => {
  emulator = await Emulator.start();
  management = emulator.environment();
});
afterAll(() => emulator?.stop());
beforeEach(() => emulator.reset());

const AUDIT = "arn:aws:iam::aws:policy/root-task/IAMAuditRootUserCredentials";
const DELETE = "arn:aws:iam::aws:policy/root-task/IAMDeleteRootUserCredentials";
const CREATE_PASSWORD = "arn:aws:iam::aws:policy/root-task/IAMCreateRootUserPassword";

const sts = (env: NodeJS.ProcessEnv = management) => new STSClient({ ...clientConfig(env), maxAttempts: 1 });

/** An organization with IAM trusted access and `features` enabled; returns a member account with seeded root credentials. */
async function organizationWithMember(
  features: ("RootCredentialsManagement" | "RootSessions")[] = ["RootCredentialsManagement"],
) {
  await organizationsAs(management).send(new CreateOrganizationCommand({ FeatureSet: "ALL" }));
  await organizationsAs(management).send(new EnableAWSServiceAccessCommand({ ServicePrincipal: "iam.amazonaws.com" }));
  if (features.includes("RootCredentialsManagement"))
    await iamAs(management).send(new EnableOrganizationsRootCredentialsManagementCommand({}));
  if (features.includes("RootSessions")) await iamAs(management).send(new EnableOrganizationsRootSessionsCommand({}));
  const member = await createMemberAccount(management);
  await emulator.seedRootUser({
    accountId: member,
    password: true,
    accessKeys: [{ status: "Active", lastUsed: true }],
    mfaDevices: [{ type: "virtual" }],
    signingCertificates: [{ status: "Active" }],
  });
  return member;
}

/** An IAM client acting in a root session of `accountId` for `task`. */
async function rootSession(accountId: string, task: string, caller: NodeJS.ProcessEnv = management): Promise<IAMClient> {
  const { Credentials } = await sts(caller).send(
    new AssumeRootCommand({ TargetPrincipal: accountId, TaskPolicyArn: { arn: task }, DurationSeconds: 900 }),
  );
  return new IAMClient({
    ...clientConfig(management),
    maxAttempts: 1,
    credentials: {
      accessKeyId: Credentials!.AccessKeyId!,
      secretAccessKey: Credentials!.SecretAccessKey!,
      sessionToken: Credentials!.SessionToken,
    },
  });
}

function rejectsWith(promise: Promise<unknown>, code: string) {
  return expect(promise).rejects.toMatchObject({ name: code });
}

describe("sts:AssumeRoot", () => {
  it("issues credentials that act as the member account's root user", async () => {
    const member = await organizationWithMember();
    const { Credentials } = await sts().send(new AssumeRootCommand({ TargetPrincipal: member, TaskPolicyArn: { arn: AUDIT } }));
    const identity = await sts({
      ...management,
      AWS_ACCESS_KEY_ID: Credentials!.AccessKeyId,
      AWS_SECRET_ACCESS_KEY: Credentials!.SecretAccessKey,
      AWS_SESSION_TOKEN: Credentials!.SessionToken,
    }).send(new GetCallerIdentityCommand({}));
    expect(identity).toMatchObject({ Account: member, Arn: `arn:aws:iam::${member}:root` });
    expect(Credentials!.Expiration!.getTime() - Date.now()).toBeGreaterThan(800_000);
  });

  it("accepts the member's root user ARN as the target", async () => {
    const member = await organizationWithMember();
    const iam = await rootSession(`arn:aws:iam::${member}:root`, AUDIT);
    expect((await iam.send(new ListAccessKeysCommand({}))).AccessKeyMetadata).toHaveLength(1);
  });

  it("refuses the management account, accounts outside the organization and suspended ones", async () => {
    const member = await organizationWithMember();
    await rejectsWith(rootSession(EMULATOR_ACCOUNT_ID, AUDIT), "AccessDenied");
    await rejectsWith(rootSession("999999999999", AUDIT), "AccessDenied");
    await organizationsAs(management).send(new CloseAccountCommand({ AccountId: member }));
    await rejectsWith(rootSession(member, AUDIT), "AccessDenied");
  });

  it("refuses a caller that is neither the management account nor IAM's delegated administrator", async () => {
    const member = await organizationWithMember();
    const other = await createMemberAccount(management, "other");
    const memberCredentials = { ...management, ...(await credentialsOf(management, other)) };
    await rejectsWith(rootSession(member, AUDIT, memberCredentials), "AccessDenied");
  });

  it("needs RootCredentialsManagement for the credential tasks by default, and both features with the knob", async () => {
    const member = await organizationWithMember(["RootSessions"]);
    await rejectsWith(rootSession(member, AUDIT), "AccessDenied");
    await iamAs(management).send(new EnableOrganizationsRootCredentialsManagementCommand({}));
    await expect(rootSession(member, AUDIT)).resolves.toBeDefined();

    await emulator.reset();
    const second = await organizationWithMember(["RootCredentialsManagement"]);
    await emulator.configure({ assumeRootFeatures: "both" });
    await rejectsWith(rootSession(second, AUDIT), "AccessDenied");
  });

  it("validates the task policy and the duration", async () => {
    const member = await organizationWithMember();
    await rejectsWith(rootSession(member, "arn:aws:iam::aws:policy/AdministratorAccess"), "ValidationError");
    await rejectsWith(
      sts().send(new AssumeRootCommand({ TargetPrincipal: member, TaskPolicyArn: { arn: AUDIT }, DurationSeconds: 901 })),
      "ValidationError",
    );
  });

  it("throttles past the configured rate, and expires sessions when told to", async () => {
    const member = await organizationWithMember();
    await emulator.configure({ assumeRootCallsPerSecond: 2 });
    const attempts = await Promise.allSettled([1, 2, 3, 4].map(() => rootSession(member, AUDIT)));
    expect(attempts.filter((attempt) => attempt.status === "rejected").map((attempt) => attempt.reason.name)).toEqual([
      "Throttling",
      "Throttling",
    ]);

    await emulator.configure({ assumeRootCallsPerSecond: 0, rootSessionSeconds: 0 });
    const expired = await rootSession(member, AUDIT);
    await rejectsWith(expired.send(new ListAccessKeysCommand({})), "ExpiredToken");
  });
});

describe("a root session", () => {
  it("reads the root user's credentials with the audit task, and cannot delete any", async () => {
    // GIVEN a member whose root user has a password, an access key, a virtual MFA device and a certificate
    const member = await organizationWithMember();
    // WHEN an audit session reads and then tries to delete
    const audit = await rootSession(member, AUDIT);
    const { SummaryMap } = await audit.send(new GetAccountSummaryCommand({}));
    const [key] = (await audit.send(new ListAccessKeysCommand({}))).AccessKeyMetadata!;
    // THEN it sees everything, every write is denied, and the credentials are still there
    expect(SummaryMap).toMatchObject({
      AccountPasswordPresent: 1,
      AccountAccessKeysPresent: 1,
      AccountMFAEnabled: 1,
      AccountSigningCertificatesPresent: 1,
    });
    await rejectsWith(audit.send(new DeleteAccessKeyCommand({ AccessKeyId: key.AccessKeyId })), "AccessDenied");
    await rejectsWith(audit.send(new DeleteLoginProfileCommand({})), "AccessDenied");
    await expect(audit.send(new GetLoginProfileCommand({}))).resolves.toBeDefined();
    expect((await audit.send(new ListAccessKeysCommand({}))).AccessKeyMetadata).toHaveLength(1);
    const [session] = await emulator.rootSessions();
    expect(session).toMatchObject({ caller: EMULATOR_ACCOUNT_ID, accountId: member, task: "IAMAuditRootUserCredentials" });
    expect(session.actions).toContainEqual(["iam:DeleteAccessKey", "denied"]);
  });

  it("deletes every credential with the delete task, a virtual MFA device only once deactivated", async () => {
    const member = await organizationWithMember();
    const remove = await rootSession(member, DELETE);
    await rejectsWith(remove.send(new GetAccountSummaryCommand({})), "AccessDenied");
    const [device] = (await remove.send(new ListMFADevicesCommand({}))).MFADevices!;
    await rejectsWith(
      remove.send(new DeleteVirtualMFADeviceCommand({ SerialNumber: device.SerialNumber })),
      "DeleteConflictException",
    );
    await remove.send(new DeactivateMFADeviceCommand({ SerialNumber: device.SerialNumber }));
    await remove.send(new DeleteVirtualMFADeviceCommand({ SerialNumber: device.SerialNumber }));
    for (const key of (await remove.send(new ListAccessKeysCommand({}))).AccessKeyMetadata!)
      await remove.send(new DeleteAccessKeyCommand({ AccessKeyId: key.AccessKeyId }));
    await remove.send(new DeleteLoginProfileCommand({}));
    const { SummaryMap } = await (await rootSession(member, AUDIT)).send(new GetAccountSummaryCommand({}));
    expect(SummaryMap).toMatchObject({ AccountPasswordPresent: 0, AccountAccessKeysPresent: 0, AccountMFAEnabled: 0 });
    await rejectsWith(remove.send(new GetLoginProfileCommand({})), "NoSuchEntityException");
    expect((await remove.send(new ListSigningCertificatesCommand({}))).Certificates).toHaveLength(1);
  });

  it("recovers the password with the create-password task: a login profile without a password", async () => {
    const member = await createMemberAccountWithoutPassword();
    const recover = await rootSession(member, CREATE_PASSWORD);
    await recover.send(new CreateLoginProfileCommand({}));
    await expect(recover.send(new GetLoginProfileCommand({}))).resolves.toMatchObject({
      LoginProfile: { PasswordResetRequired: true },
    });
    await rejectsWith(recover.send(new CreateLoginProfileCommand({})), "EntityAlreadyExistsException");
    await rejectsWith(recover.send(new ListAccessKeysCommand({})), "AccessDenied");
  });
});

async function createMemberAccountWithoutPassword(): Promise<string> {
  await organizationsAs(management).send(new CreateOrganizationCommand({ FeatureSet: "ALL" }));
  await organizationsAs(management).send(new EnableAWSServiceAccessCommand({ ServicePrincipal: "iam.amazonaws.com" }));
  await iamAs(management).send(new EnableOrganizationsRootCredentialsManagementCommand({}));
  return createMemberAccount(management);
}
