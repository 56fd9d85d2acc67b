import { DisableOrganizationsRootSessionsCommand, ListOrganizationsFeaturesCommand } from "@aws-sdk/client-iam";
import { iam, iamError, listed, runScript, sentToIam } from "./harness";

describe("disable", () => {
  it("disables an enabled feature, verifies it and prints the result", async () => {
    // GIVEN both features are enabled
    iam
      .on(ListOrganizationsFeaturesCommand)
      .resolvesOnce(listed("RootCredentialsManagement", "RootSessions"))
      .resolves(listed("RootCredentialsManagement"));
    iam.on(DisableOrganizationsRootSessionsCommand).resolves(listed("RootCredentialsManagement"));
    // WHEN RootSessions is disabled
    const { code, result } = await runScript(["disable", "RootSessions"]);
    // THEN only its Disable operation is sent, between two reads
    expect(code).toBe(0);
    expect(sentToIam()).toEqual(["ListOrganizationsFeatures", "DisableOrganizationsRootSessions", "ListOrganizationsFeatures"]);
    expect(result).toEqual({
      action: "disable",
      feature: "RootSessions",
      organizationId: "o-a1b2c3d4e5",
      before: ["RootCredentialsManagement", "RootSessions"],
      after: ["RootCredentialsManagement"],
      changed: true,
    });
  });

  it("sends no write when the feature is already disabled", async () => {
    iam.on(ListOrganizationsFeaturesCommand).resolves(listed("RootCredentialsManagement"));
    const { code, result, stderr } = await runScript(["disable", "RootSessions"]);
    expect(code).toBe(0);
    expect(sentToIam()).toEqual(["ListOrganizationsFeatures"]);
    expect(result).toMatchObject({ before: ["RootCredentialsManagement"], after: ["RootCredentialsManagement"], changed: false });
    expect(stderr).toBe("root-access: RootSessions is already disabled in o-a1b2c3d4e5; nothing to change.");
  });

  it.each([
    "OrganizationNotFoundException",
    "OrganizationNotFound",
    "ServiceAccessNotEnabledException",
    "ServiceAccessNotEnabled",
  ])("succeeds with nothing to disable when IAM answers %s, without waiting or writing", async (code) => {
    iam.on(ListOrganizationsFeaturesCommand).rejects(iamError(code));
    const run = await runScript(["disable", "RootSessions"]);
    expect(run.code).toBe(0);
    expect(sentToIam()).toEqual(["ListOrganizationsFeatures"]);
    expect(run.result).toEqual({
      action: "disable",
      feature: "RootSessions",
      organizationId: "o-a1b2c3d4e5",
      before: [],
      after: [],
      changed: false,
    });
    expect(run.stderr).toContain(
      `answered ${code.replace(/Exception$/, "")}: no root access feature can be enabled; nothing to disable.`,
    );
  });

  it("fails with 'wrong organization' before any write", async () => {
    iam.on(ListOrganizationsFeaturesCommand).resolves({ OrganizationId: "o-zzzzzzzzzz", EnabledFeatures: ["RootSessions"] });
    const { code, stderr } = await runScript(["disable", "RootSessions"]);
    expect(code).toBe(1);
    expect(sentToIam()).toEqual(["ListOrganizationsFeatures"]);
    expect(stderr).toContain(
      "Wrong organization: IAM reports organization o-zzzzzzzzzz for these credentials, but this stack manages o-a1b2c3d4e5.",
    );
  });

  it("fails when the feature is still listed after IAM accepted the write", async () => {
    iam.on(ListOrganizationsFeaturesCommand).resolves(listed("RootSessions"));
    iam.on(DisableOrganizationsRootSessionsCommand).resolves(listed("RootSessions"));
    const { code, stderr } = await runScript(["disable", "RootSessions"]);
    expect(code).toBe(1);
    expect(stderr).toContain(
      "IAM accepted the request to disable RootSessions, but ListOrganizationsFeatures then listed [RootSessions].",
    );
  });
});
