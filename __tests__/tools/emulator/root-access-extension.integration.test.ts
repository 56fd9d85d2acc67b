import {
  DisableOrganizationsRootSessionsCommand,
  EnableOrganizationsRootCredentialsManagementCommand,
  EnableOrganizationsRootSessionsCommand,
  ListOrganizationsFeaturesCommand,
} from "@aws-sdk/client-iam";
import {
  CreateOrganizationCommand,
  DescribeOrganizationCommand,
  DisableAWSServiceAccessCommand,
  EnableAWSServiceAccessCommand,
  ListDelegatedAdministratorsCommand,
  OrganizationsClient,
  RegisterDelegatedAdministratorCommand,
} from "@aws-sdk/client-organizations";
import { Emulator } from "../../../tools/emulator/emulator";
import { clientConfig } from "../../../tools/emulator/organization-state";
import { credentialsOf as baseCredentialsOf, createMemberAccount, iamAs, organizationsAs } from "../../support/aws";

let emulator: Emulator;
let management: NodeJS.ProcessEnv;

beforeAll(async () => {
  emulator = await Emulator.start();
  management = emulator.environment();
});
afterAll(() => emulator?.stop());
beforeEach(() => emulator.reset());

const credentialsOf = async (accountId: string) => ({ ...management, ...(await baseCredentialsOf(management, accountId)) });
const memberAccount = () => createMemberAccount(management);

async function organizationWithIamAccess(env = management): Promise<string> {
  const { Organization } = await organizationsAs(env).send(new CreateOrganizationCommand({ FeatureSet: "ALL" }));
  await organizationsAs(env).send(new EnableAWSServiceAccessCommand({ ServicePrincipal: "iam.amazonaws.com" }));
  return Organization!.Id!;
}

function rejectsWith(promise: Promise<unknown>, code: string) {
  return expect(promise).rejects.toMatchObject({ name: code });
}

describe("preconditions, with AWS's wire error codes", () => {
  it("answers OrganizationNotFoundException when the caller is in no organization", async () => {
    await rejectsWith(iamAs(management).send(new ListOrganizationsFeaturesCommand({})), "OrganizationNotFoundException");
    await rejectsWith(iamAs(management).send(new EnableOrganizationsRootSessionsCommand({})), "OrganizationNotFoundException");
    await rejectsWith(iamAs(management).send(new DisableOrganizationsRootSessionsCommand({})), "OrganizationNotFoundException");
  });

  it("answers OrganizationNotInAllFeaturesModeException for a consolidated-billing organization", async () => {
    await organizationsAs(management).send(new CreateOrganizationCommand({ FeatureSet: "CONSOLIDATED_BILLING" }));
    await rejectsWith(
      iamAs(management).send(new ListOrganizationsFeaturesCommand({})),
      "OrganizationNotInAllFeaturesModeException",
    );
  });

  it("answers ServiceAccessNotEnabledException until IAM trusted access is enabled", async () => {
    await organizationsAs(management).send(new CreateOrganizationCommand({ FeatureSet: "ALL" }));
    await rejectsWith(iamAs(management).send(new EnableOrganizationsRootSessionsCommand({})), "ServiceAccessNotEnabledException");
    await organizationsAs(management).send(new EnableAWSServiceAccessCommand({ ServicePrincipal: "iam.amazonaws.com" }));
    await expect(iamAs(management).send(new EnableOrganizationsRootSessionsCommand({}))).resolves.toMatchObject({
      EnabledFeatures: ["RootSessions"],
    });
  });

  it("refuses a member account: List and Disable need the management account or IAM's delegated administrator, Enable the management account", async () => {
    await organizationWithIamAccess();
    const member = await credentialsOf(await memberAccount());
    await rejectsWith(
      iamAs(member).send(new ListOrganizationsFeaturesCommand({})),
      "AccountNotManagementOrDelegatedAdministratorException",
    );
    await rejectsWith(
      iamAs(member).send(new DisableOrganizationsRootSessionsCommand({})),
      "AccountNotManagementOrDelegatedAdministratorException",
    );
    await rejectsWith(
      iamAs(member).send(new EnableOrganizationsRootSessionsCommand({})),
      "CallerIsNotManagementAccountException",
    );
  });

  it("answers a plain member's Enable with the other code AWS may use, when the knob says so", async () => {
    // AWS may answer a member that is not the delegated administrator either way; the script explains both.
    await emulator.configure({ memberEnableError: "AccountNotManagementOrDelegatedAdministrator" });
    await organizationWithIamAccess();
    const member = await credentialsOf(await memberAccount());
    await rejectsWith(
      iamAs(member).send(new EnableOrganizationsRootSessionsCommand({})),
      "AccountNotManagementOrDelegatedAdministratorException",
    );
  });

  it("lets IAM's delegated administrator list and disable, but not enable", async () => {
    const organizationId = await organizationWithIamAccess();
    await iamAs(management).send(new EnableOrganizationsRootSessionsCommand({}));
    const accountId = await memberAccount();
    await organizationsAs(management).send(
      new RegisterDelegatedAdministratorCommand({ AccountId: accountId, ServicePrincipal: "iam.amazonaws.com" }),
    );
    const admin = await credentialsOf(accountId);
    await expect(iamAs(admin).send(new ListOrganizationsFeaturesCommand({}))).resolves.toMatchObject({
      OrganizationId: organizationId,
      EnabledFeatures: ["RootSessions"],
    });
    await rejectsWith(
      iamAs(admin).send(new EnableOrganizationsRootCredentialsManagementCommand({})),
      "CallerIsNotManagementAccountException",
    );
    await expect(iamAs(admin).send(new DisableOrganizationsRootSessionsCommand({}))).resolves.toMatchObject({
      EnabledFeatures: [],
    });
  });
});

describe("state", () => {
  it("refuses a delegated administrator before trusted access for its service, as AWS does", async () => {
    await organizationsAs(management).send(new CreateOrganizationCommand({ FeatureSet: "ALL" }));
    const accountId = await memberAccount();
    await expect(
      organizationsAs(management).send(
        new RegisterDelegatedAdministratorCommand({ AccountId: accountId, ServicePrincipal: "iam.amazonaws.com" }),
      ),
    ).rejects.toMatchObject({ name: "ConstraintViolationException", Reason: "SERVICE_ACCESS_NOT_ENABLED" });
  });

  it("refuses trusted access and delegated administrators in an organization without all features", async () => {
    await organizationsAs(management).send(new CreateOrganizationCommand({ FeatureSet: "CONSOLIDATED_BILLING" }));
    await expect(
      organizationsAs(management).send(new EnableAWSServiceAccessCommand({ ServicePrincipal: "iam.amazonaws.com" })),
    ).rejects.toMatchObject({ name: "ConstraintViolationException", Reason: "ORGANIZATION_NOT_IN_ALL_FEATURES_MODE" });
    const accountId = await memberAccount();
    await expect(
      organizationsAs(management).send(
        new RegisterDelegatedAdministratorCommand({ AccountId: accountId, ServicePrincipal: "iam.amazonaws.com" }),
      ),
    ).rejects.toMatchObject({ name: "ConstraintViolationException", Reason: "ORGANIZATION_NOT_IN_ALL_FEATURES_MODE" });
  });

  it("accepts iam.amazonaws.com as a delegated administrator service", async () => {
    await organizationWithIamAccess();
    const accountId = await memberAccount();
    await organizationsAs(management).send(
      new RegisterDelegatedAdministratorCommand({ AccountId: accountId, ServicePrincipal: "iam.amazonaws.com" }),
    );
    const { DelegatedAdministrators } = await organizationsAs(management).send(
      new ListDelegatedAdministratorsCommand({ ServicePrincipal: "iam.amazonaws.com" }),
    );
    expect(DelegatedAdministrators?.map((admin) => admin.Id)).toEqual([accountId]);
  });

  it("keeps features per organization", async () => {
    // GIVEN two organizations, managed from two standalone accounts
    const first = await organizationWithIamAccess();
    const otherManagement = await credentialsOf("210987654321");
    const second = await organizationWithIamAccess(otherManagement);
    // WHEN each enables a different feature
    await iamAs(management).send(new EnableOrganizationsRootSessionsCommand({}));
    await iamAs(otherManagement).send(new EnableOrganizationsRootCredentialsManagementCommand({}));
    // THEN each lists only its own
    await expect(iamAs(management).send(new ListOrganizationsFeaturesCommand({}))).resolves.toMatchObject({
      OrganizationId: first,
      EnabledFeatures: ["RootSessions"],
    });
    await expect(iamAs(otherManagement).send(new ListOrganizationsFeaturesCommand({}))).resolves.toMatchObject({
      OrganizationId: second,
      EnabledFeatures: ["RootCredentialsManagement"],
    });
  });

  it.each([
    ["kept", ["RootSessions"]],
    ["forgotten", []],
  ] as const)(
    "with IAM trusted access disabled, answers nothing about the features, which are %s when it returns",
    async (knob, afterwards) => {
      // GIVEN RootSessions enabled, and the assumption the knob makes (AWS does not document it)
      await emulator.configure({ featuresWhenTrustedAccessDisabled: knob });
      await organizationWithIamAccess();
      await iamAs(management).send(new EnableOrganizationsRootSessionsCommand({}));
      // WHEN IAM trusted access is disabled THEN IAM refuses to say anything about the features
      await organizationsAs(management).send(new DisableAWSServiceAccessCommand({ ServicePrincipal: "iam.amazonaws.com" }));
      await rejectsWith(iamAs(management).send(new ListOrganizationsFeaturesCommand({})), "ServiceAccessNotEnabledException");
      // AND when it is enabled again the features are back, or gone, as assumed
      await organizationsAs(management).send(new EnableAWSServiceAccessCommand({ ServicePrincipal: "iam.amazonaws.com" }));
      await expect(iamAs(management).send(new ListOrganizationsFeaturesCommand({}))).resolves.toMatchObject({
        EnabledFeatures: afterwards,
      });
    },
  );

  it("forgets which accounts belonged to an organization on reset, which moto's own reset keeps", async () => {
    // GIVEN a member account of an organization, before a reset
    await organizationWithIamAccess();
    const member = await memberAccount();
    await emulator.reset();
    // WHEN that account creates an organization of its own after the reset THEN it is not a member of anything
    const asMember = await credentialsOf(member);
    await expect(organizationsAs(asMember).send(new CreateOrganizationCommand({ FeatureSet: "ALL" }))).resolves.toMatchObject({
      Organization: { MasterAccountId: member },
    });
  });

  it("forgets everything, counters and knobs included, on moto's reset", async () => {
    await organizationWithIamAccess();
    await iamAs(management).send(new EnableOrganizationsRootSessionsCommand({}));
    await emulator.configure({ fault: "server-error", serviceAccessLagSeconds: 30 });
    await emulator.reset();
    expect(await emulator.calls()).toEqual({});
    await organizationWithIamAccess();
    await expect(iamAs(management).send(new ListOrganizationsFeaturesCommand({}))).resolves.toMatchObject({
      EnabledFeatures: [],
    });
  });
});

describe("test knobs", () => {
  it("counts calls per service and action", async () => {
    await organizationWithIamAccess();
    await iamAs(management).send(new ListOrganizationsFeaturesCommand({}));
    await iamAs(management).send(new ListOrganizationsFeaturesCommand({}));
    await iamAs(management).send(new EnableOrganizationsRootSessionsCommand({}));
    expect(await emulator.calls()).toEqual({
      "organizations:CreateOrganization": 1,
      "organizations:EnableAWSServiceAccess": 1,
      "iam:ListOrganizationsFeatures": 2,
      "iam:EnableOrganizationsRootSessions": 1,
    });
  });

  it("answers ServiceAccessNotEnabledException for the configured lag after IAM trusted access is enabled", async () => {
    await emulator.configure({ serviceAccessLagSeconds: 1.5 });
    await organizationWithIamAccess();
    await rejectsWith(iamAs(management).send(new ListOrganizationsFeaturesCommand({})), "ServiceAccessNotEnabledException");
    await new Promise((resolve) => setTimeout(resolve, 1600));
    await expect(iamAs(management).send(new ListOrganizationsFeaturesCommand({}))).resolves.toMatchObject({
      EnabledFeatures: [],
    });
  });

  it("fails root access calls with HTTP 500 ServiceFailure, which the SDK retries and then raises", async () => {
    await organizationWithIamAccess();
    await emulator.configure({ fault: "server-error" });
    await expect(iamAs(management, 2).send(new ListOrganizationsFeaturesCommand({}))).rejects.toMatchObject({
      name: "ServiceFailureException",
      $fault: "server",
      $metadata: { httpStatusCode: 500, attempts: 2 },
    });
    expect((await emulator.calls())["iam:ListOrganizationsFeatures"]).toBe(2);
    await emulator.configure({ fault: "none" });
    await expect(iamAs(management).send(new ListOrganizationsFeaturesCommand({}))).resolves.toBeDefined();
  });

  it("loses the reply of the next N calls of an action after handling them: the change is made, the caller cannot tell", async () => {
    // GIVEN the next CreateOrganization reply is lost
    await emulator.configure({ dropReplies: { "organizations:CreateOrganization": 1 } });
    // WHEN a client without retries creates an organization THEN it sees a broken connection...
    const once = new OrganizationsClient({ ...clientConfig(management), maxAttempts: 1 });
    await expect(once.send(new CreateOrganizationCommand({ FeatureSet: "ALL" }))).rejects.toThrow(/socket hang up|ECONNRESET/);
    // ...while the organization exists, and a retry is told so, as the AWS SDKs' retry of a lost reply would be
    await expect(organizationsAs(management).send(new DescribeOrganizationCommand({}))).resolves.toMatchObject({
      Organization: { MasterAccountId: "123456789012" },
    });
    await rejectsWith(
      organizationsAs(management).send(new CreateOrganizationCommand({ FeatureSet: "ALL" })),
      "AlreadyInOrganizationException",
    );
    expect((await emulator.calls())["organizations:CreateOrganization"]).toBe(2);
  });

  it("holds the reply of the next N calls of an action until released, after handling them", async () => {
    // GIVEN the next CreateOrganization reply is held
    await emulator.configure({ holdReplies: { "organizations:CreateOrganization": 1 } });
    // WHEN an organization is created
    let answered = false;
    const creating = organizationsAs(management)
      .send(new CreateOrganizationCommand({ FeatureSet: "ALL" }))
      .finally(() => (answered = true));
    for (let held = 0; held === 0; held = (await emulator.held()).held) await new Promise((resolve) => setTimeout(resolve, 20));
    // THEN the organization exists while its creator still waits for the reply, which comes on release
    await expect(organizationsAs(management).send(new DescribeOrganizationCommand({}))).resolves.toBeDefined();
    expect(answered).toBe(false);
    await emulator.release();
    await expect(creating).resolves.toMatchObject({ Organization: { MasterAccountId: "123456789012" } });
    expect(await emulator.held()).toEqual({ held: 0, conditionalWritesRefused: 0 });
  });

  it("throttles the next N calls of an action with the service's own error, which the SDK retries", async () => {
    await organizationWithIamAccess();
    await emulator.configure({ throttleCalls: { "iam:ListOrganizationsFeatures": 2 } });
    // A client with 3 attempts gets through on the third; the emulator saw all three.
    await expect(iamAs(management, 3).send(new ListOrganizationsFeaturesCommand({}))).resolves.toMatchObject({
      $metadata: { attempts: 3 },
    });
    expect((await emulator.calls())["iam:ListOrganizationsFeatures"]).toBe(3);
    await emulator.configure({ throttleCalls: { "iam:ListOrganizationsFeatures": 1 } });
    await expect(iamAs(management, 1).send(new ListOrganizationsFeaturesCommand({}))).rejects.toMatchObject({
      name: "Throttling",
    });
  });

  it("shows an Enable in ListOrganizationsFeatures only after the configured propagation lag", async () => {
    await organizationWithIamAccess();
    await emulator.configure({ featureLagSeconds: 1.5 });
    await expect(iamAs(management).send(new EnableOrganizationsRootSessionsCommand({}))).resolves.toMatchObject({
      EnabledFeatures: ["RootSessions"],
    });
    await expect(iamAs(management).send(new ListOrganizationsFeaturesCommand({}))).resolves.toMatchObject({
      EnabledFeatures: [],
    });
    await new Promise((resolve) => setTimeout(resolve, 1600));
    await expect(iamAs(management).send(new ListOrganizationsFeaturesCommand({}))).resolves.toMatchObject({
      EnabledFeatures: ["RootSessions"],
    });
  });

  it("delays the reply of an action after handling it", async () => {
    await emulator.configure({ replyDelaySeconds: { "organizations:CreateOrganization": 1.5 } });
    const started = Date.now();
    await organizationsAs(management).send(new CreateOrganizationCommand({ FeatureSet: "ALL" }));
    expect(Date.now() - started).toBeGreaterThanOrEqual(1400);
  });

  it("refuses malformed reply faults, saying what they must be", async () => {
    await expect(emulator.configure({ dropReplies: { "organizations:CreateOrganization": -1 } })).rejects.toThrow(
      "dropReplies must map service:Action to a count",
    );
  });

  it("drops the connection of root access calls, leaving other services alone", async () => {
    await organizationWithIamAccess();
    await emulator.configure({ fault: "drop" });
    await expect(iamAs(management, 1).send(new ListOrganizationsFeaturesCommand({}))).rejects.toThrow(/socket hang up/);
    await expect(
      organizationsAs(management).send(new EnableAWSServiceAccessCommand({ ServicePrincipal: "sso.amazonaws.com" })),
    ).resolves.toBeDefined();
  });
});

describe("process lifecycle", () => {
  it("stops when its parent's pipe closes, so a crashed test leaves no server behind", async () => {
    const other = await Emulator.start();
    await other.stop();
    await expect(fetch(`${other.endpoint}/_org-root-access/calls`)).rejects.toThrow();
  });
});
