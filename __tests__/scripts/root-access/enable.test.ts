import {
  EnableOrganizationsRootCredentialsManagementCommand,
  EnableOrganizationsRootSessionsCommand,
  ListOrganizationsFeaturesCommand,
} from "@aws-sdk/client-iam";
import { iam, listed, runScript, sentToIam } from "./harness";

describe("enable", () => {
  it("enables a missing feature, verifies it and prints one JSON result line", async () => {
    // GIVEN RootSessions is not enabled
    iam.on(ListOrganizationsFeaturesCommand).resolvesOnce(listed()).resolves(listed("RootSessions"));
    iam.on(EnableOrganizationsRootSessionsCommand).resolves(listed("RootSessions"));
    // WHEN it is enabled
    const { code, stdout, result, stderr } = await runScript(["enable", "RootSessions"]);
    // THEN: read, write, read again; the result says what changed
    expect(code).toBe(0);
    expect(sentToIam()).toEqual(["ListOrganizationsFeatures", "EnableOrganizationsRootSessions", "ListOrganizationsFeatures"]);
    expect(stdout).toHaveLength(1);
    expect(result).toEqual({
      action: "enable",
      feature: "RootSessions",
      organizationId: "o-a1b2c3d4e5",
      before: [],
      after: ["RootSessions"],
      changed: true,
    });
    expect(stderr).toContain("root-access: RootSessions is enabled in o-a1b2c3d4e5.");
  });

  it("sends no write when the feature is already enabled, and prints the same shape of result", async () => {
    iam.on(ListOrganizationsFeaturesCommand).resolves(listed("RootCredentialsManagement", "RootSessions"));
    const { code, result, stderr } = await runScript(["enable", "RootSessions"]);
    expect(code).toBe(0);
    expect(sentToIam()).toEqual(["ListOrganizationsFeatures"]);
    expect(result).toEqual({
      action: "enable",
      feature: "RootSessions",
      organizationId: "o-a1b2c3d4e5",
      before: ["RootCredentialsManagement", "RootSessions"],
      after: ["RootCredentialsManagement", "RootSessions"],
      changed: false,
    });
    expect(stderr).toBe("root-access: RootSessions is already enabled in o-a1b2c3d4e5; nothing to change.");
  });

  it("calls the operation of the feature it was given and leaves the other feature alone", async () => {
    iam
      .on(ListOrganizationsFeaturesCommand)
      .resolvesOnce(listed("RootSessions"))
      .resolves(listed("RootCredentialsManagement", "RootSessions"));
    const { code, result } = await runScript(["enable", "RootCredentialsManagement"]);
    expect(code).toBe(0);
    expect(iam).toHaveReceivedCommandTimes(EnableOrganizationsRootCredentialsManagementCommand, 1);
    expect(iam).not.toHaveReceivedCommand(EnableOrganizationsRootSessionsCommand);
    expect(result).toMatchObject({
      before: ["RootSessions"],
      after: ["RootCredentialsManagement", "RootSessions"],
      changed: true,
    });
  });

  it("fails with 'wrong organization' before any write when the credentials belong to another organization", async () => {
    iam.on(ListOrganizationsFeaturesCommand).resolves({ OrganizationId: "o-zzzzzzzzzz", EnabledFeatures: [] });
    const { code, stdout, stderr } = await runScript(["enable", "RootSessions"]);
    expect(code).toBe(1);
    expect(sentToIam()).toEqual(["ListOrganizationsFeatures"]);
    expect(stdout).toEqual([]);
    expect(stderr).toBe(
      "root-access: error: Wrong organization: IAM reports organization o-zzzzzzzzzz for these credentials, but this stack " +
        "manages o-a1b2c3d4e5. Nothing was changed. Run with credentials of o-a1b2c3d4e5's management account (or set the " +
        "stack's assumeRoleArn to a role in it).",
    );
  });

  it("acts on whatever organization the credentials belong to when no organization id is given", async () => {
    iam.on(ListOrganizationsFeaturesCommand).resolves({ OrganizationId: "o-zzzzzzzzzz", EnabledFeatures: ["RootSessions"] });
    const { code, result } = await runScript(["enable", "RootSessions"], { ROOT_ACCESS_ORGANIZATION_ID: "" });
    expect(code).toBe(0);
    expect(result.organizationId).toBe("o-zzzzzzzzzz");
  });

  it("fails when IAM accepts the write but no read within the wait lists the feature", async () => {
    iam.on(ListOrganizationsFeaturesCommand).resolves(listed());
    iam.on(EnableOrganizationsRootSessionsCommand).resolves(listed());
    const { code, stderr } = await runScript(["enable", "RootSessions"], { ROOT_ACCESS_WAIT_SECONDS: "0" });
    expect(code).toBe(1);
    expect(sentToIam()).toEqual(["ListOrganizationsFeatures", "EnableOrganizationsRootSessions", "ListOrganizationsFeatures"]);
    expect(stderr).toContain(
      "root-access: error: IAM accepted the request to enable RootSessions, but ListOrganizationsFeatures still listed [] after 0 s. " +
        "The change may still be propagating: run again with a longer --wait-seconds (or ROOT_ACCESS_WAIT_SECONDS; now 0); " +
        "the script only writes what is missing, so a re-run is safe.",
    );
  });

  it("re-runs safely after a partial failure: a second run finds the feature enabled and writes nothing", async () => {
    // GIVEN a first run whose verification read failed after the write went through
    iam
      .on(ListOrganizationsFeaturesCommand)
      .resolvesOnce(listed())
      .rejectsOnce(Object.assign(new Error("socket hang up"), { code: "ECONNRESET" }));
    iam.on(EnableOrganizationsRootSessionsCommand).resolves(listed("RootSessions"));
    expect((await runScript(["enable", "RootSessions"])).code).toBe(1);
    // WHEN terraform re-runs the tainted resource's provisioner
    iam.reset();
    iam.on(ListOrganizationsFeaturesCommand).resolves(listed("RootSessions"));
    const rerun = await runScript(["enable", "RootSessions"]);
    // THEN it succeeds with zero writes
    expect(rerun.code).toBe(0);
    expect(sentToIam()).toEqual(["ListOrganizationsFeatures"]);
    expect(rerun.result.changed).toBe(false);
  });
});
