import {
  EnableOrganizationsRootSessionsCommand,
  IAMServiceException,
  ListOrganizationsFeaturesCommand,
} from "@aws-sdk/client-iam";
import { iam, iamError, listed, runScript, sentToIam } from "./harness";

const PREFIX = "root-access: error: ";

/** The five codes IAM documents for these operations, with the full explanation each one gets. */
const DOCUMENTED: { code: string; failing: "List" | "Enable"; message: string }[] = [
  {
    code: "ServiceAccessNotEnabled",
    failing: "List",
    message:
      "IAM trusted access is not enabled for the organization: ListOrganizationsFeatures answered ServiceAccessNotEnabledException " +
      "for 0 s. If trusted access for iam.amazonaws.com was just enabled, IAM may need longer to see it: run again with a longer " +
      "--wait-seconds (or ROOT_ACCESS_WAIT_SECONDS; now 0). Otherwise enable it (aws organizations enable-aws-service-access " +
      "--service-principal iam.amazonaws.com, which this stack's organization resource does) and run again.",
  },
  {
    code: "OrganizationNotFound",
    failing: "List",
    message:
      "ListOrganizationsFeatures failed: the account these credentials belong to is not in an AWS Organization " +
      "(OrganizationNotFoundException). Run with credentials of the organization's management account, or apply the stack " +
      "so that it creates the organization first.",
  },
  {
    code: "OrganizationNotInAllFeaturesMode",
    failing: "List",
    message:
      "ListOrganizationsFeatures failed: the organization has only consolidated billing enabled " +
      "(OrganizationNotInAllFeaturesModeException); centralized root access needs all features. Enabling all features needs " +
      "the approval of every member account: start it in the Organizations console or with aws organizations " +
      "enable-all-features, then run again.",
  },
  {
    code: "CallerIsNotManagementAccount",
    failing: "Enable",
    message:
      "EnableOrganizationsRootSessions failed: it must be called from the organization's management account, and these " +
      "credentials belong to a member account (CallerIsNotManagementAccountException). Nothing was changed. IAM's " +
      "delegated administrator may check and disable root access features, but only the management account can enable " +
      "them: run with management account credentials, or set the stack's assumeRoleArn to a role in the management account.",
  },
  {
    code: "AccountNotManagementOrDelegatedAdministrator",
    failing: "List",
    message:
      "ListOrganizationsFeatures failed: these credentials belong to an account that is neither the organization's " +
      "management account nor IAM's delegated administrator (AccountNotManagementOrDelegatedAdministratorException). Run " +
      "with credentials of one of those accounts.",
  },
  // AWS may answer a plain member's Enable with either code (the emulator's memberEnableError knob): both are explained.
  {
    code: "AccountNotManagementOrDelegatedAdministrator",
    failing: "Enable",
    message:
      "EnableOrganizationsRootSessions failed: these credentials belong to an account that is neither the organization's " +
      "management account nor IAM's delegated administrator (AccountNotManagementOrDelegatedAdministratorException). Run " +
      "with credentials of one of those accounts.",
  },
];

const SPELLINGS = DOCUMENTED.flatMap((c) => [
  { ...c, wire: `${c.code}Exception` },
  { ...c, wire: c.code },
]);

async function enableFailingWith(failing: "List" | "Enable", error: Error) {
  if (failing === "List") {
    iam.on(ListOrganizationsFeaturesCommand).rejects(error);
  } else {
    iam.on(ListOrganizationsFeaturesCommand).resolves(listed());
    iam.on(EnableOrganizationsRootSessionsCommand).rejects(error);
  }
  return runScript(["enable", "RootSessions"], { ROOT_ACCESS_WAIT_SECONDS: "0" });
}

function expectOneParagraph(stderr: string, message: string) {
  const lines = stderr.split("\n");
  expect(lines[lines.length - 1]).toBe(PREFIX + message);
  expect(stderr).not.toMatch(/\n\s+at /);
}

describe("documented IAM errors", () => {
  it.each(SPELLINGS)("fails on $wire with the explanation and no stack trace", async ({ failing, wire, message }) => {
    const { code, stdout, stderr } = await enableFailingWith(failing, iamError(wire));
    expect(code).toBe(1);
    expect(stdout).toEqual([]);
    expectOneParagraph(stderr, message);
  });
});

describe("other errors", () => {
  it("fails on AccessDenied naming the operation, the permissions to grant and the role", async () => {
    iam.on(ListOrganizationsFeaturesCommand).resolves(listed());
    iam.on(EnableOrganizationsRootSessionsCommand).rejects(iamError("AccessDenied"));
    const { code, stderr } = await runScript(["enable", "RootSessions"], {
      ROOT_ACCESS_ROLE_ARN: "arn:aws:iam::111122223333:role/Deployer",
    });
    expect(code).toBe(1);
    expectOneParagraph(
      stderr,
      "EnableOrganizationsRootSessions failed: the credentials are not allowed to call it (AccessDenied). Grant the caller " +
        "iam:ListOrganizationsFeatures and the iam:Enable*/Disable* action for the feature in the policy of " +
        "arn:aws:iam::111122223333:role/Deployer (npm run policy prints the stack's), and check that no service control policy denies it.",
    );
  });

  it("fails on an unreachable endpoint naming it, after the SDK's own retries", async () => {
    const refused = Object.assign(new Error("connect ECONNREFUSED 127.0.0.1:9"), { code: "ECONNREFUSED" });
    iam.on(ListOrganizationsFeaturesCommand).rejects(refused);
    const { code, stderr } = await runScript(["enable", "RootSessions"], {
      ROOT_ACCESS_WAIT_SECONDS: "0",
      AWS_ENDPOINT_URL: "http://127.0.0.1:9",
    });
    expect(code).toBe(1);
    expect(sentToIam()).toEqual(["ListOrganizationsFeatures"]);
    expect(stderr).toMatch(
      /^root-access: error: ListOrganizationsFeatures failed: the connection to http:\/\/127\.0\.0\.1:9 failed \(ECONNREFUSED\), even after the SDK's retries\./,
    );
  });

  it("fails on a dropped connection, in the form the SDK wraps it", async () => {
    iam.on(ListOrganizationsFeaturesCommand).rejects(new Error("AWS SDK error wrapper for TimeoutError: socket hang up"));
    const { code, stderr } = await runScript(["check", "RootSessions"]);
    expect(code).toBe(1);
    expect(stderr).toMatch(
      /^root-access: error: ListOrganizationsFeatures failed: the connection to .* failed \(TimeoutError: socket hang up\), even after the SDK's retries\./,
    );
  });

  it("fails on a server error that outlasted the SDK's retries, saying a re-run is safe", async () => {
    iam.on(ListOrganizationsFeaturesCommand).resolves(listed());
    iam.on(EnableOrganizationsRootSessionsCommand).rejects(
      new IAMServiceException({
        name: "ServiceFailure",
        $fault: "server",
        $metadata: { httpStatusCode: 500 },
        message: "oops",
      }),
    );
    const { code, stderr } = await runScript(["enable", "RootSessions"]);
    expect(code).toBe(1);
    expect(sentToIam()).toEqual(["ListOrganizationsFeatures", "EnableOrganizationsRootSessions"]);
    expectOneParagraph(
      stderr,
      "EnableOrganizationsRootSessions failed: IAM answered a server error (ServiceFailure, HTTP 500) even after the SDK's " +
        "retries. The fault is on AWS's side: run again later (terraform re-runs a failed step on the next apply); the script " +
        "only writes what is missing, so a re-run is safe.",
    );
  });

  it("fails when no credentials can be found, saying which variables to set", async () => {
    iam
      .on(ListOrganizationsFeaturesCommand)
      .rejects(Object.assign(new Error("Could not load credentials from any providers"), { name: "CredentialsProviderError" }));
    const { code, stderr } = await runScript(["check", "RootSessions"]);
    expect(code).toBe(1);
    expectOneParagraph(
      stderr,
      "ListOrganizationsFeatures failed: no AWS credentials were found (Could not load credentials from any providers). Set " +
        "AWS_PROFILE, or AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, for the organization's management account.",
    );
  });

  it("fails when no region is set, saying how to set one", async () => {
    iam.on(ListOrganizationsFeaturesCommand).rejects(new Error("Region is missing"));
    const { stderr } = await runScript(["check", "RootSessions"]);
    expectOneParagraph(
      stderr,
      "ListOrganizationsFeatures failed: no AWS region is set. Pass --region, or set ROOT_ACCESS_REGION or AWS_REGION.",
    );
  });

  it("prints the stack of an unexpected error, so it can be reported", async () => {
    iam.on(ListOrganizationsFeaturesCommand).rejects(new TypeError("something nobody expected"));
    const { code, stderr } = await runScript(["check", "RootSessions"]);
    expect(code).toBe(1);
    expect(stderr).toMatch(/^root-access: unexpected error: TypeError: something nobody expected\n\s+at /);
  });
});
