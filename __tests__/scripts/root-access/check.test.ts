import { ListOrganizationsFeaturesCommand } from "@aws-sdk/client-iam";
import { iam, iamError, listed, runScript, sentToIam } from "./harness";

describe("check", () => {
  it("exits 0 when every expected feature is enabled, reporting the enabled set", async () => {
    iam.on(ListOrganizationsFeaturesCommand).resolves(listed("RootCredentialsManagement", "RootSessions"));
    const { code, result } = await runScript(["check", "RootSessions"]);
    expect(code).toBe(0);
    expect(sentToIam()).toEqual(["ListOrganizationsFeatures"]);
    expect(result).toEqual({
      action: "check",
      organizationId: "o-a1b2c3d4e5",
      expected: ["RootSessions"],
      enabled: ["RootCredentialsManagement", "RootSessions"],
      missing: [],
      unknown: [],
      inDesiredState: true,
    });
  });

  it("exits 2 on drift, naming the missing features; it never writes", async () => {
    // GIVEN RootCredentialsManagement was disabled out of band
    iam.on(ListOrganizationsFeaturesCommand).resolves(listed("RootSessions"));
    // WHEN the pipeline checks both features from the stack's environment
    const { code, result, stderr } = await runScript(["check"], {
      ROOT_ACCESS_FEATURES: "RootCredentialsManagement,RootSessions",
    });
    // THEN it reports drift
    expect(code).toBe(2);
    expect(sentToIam()).toEqual(["ListOrganizationsFeatures"]);
    expect(result).toMatchObject({ missing: ["RootCredentialsManagement"], inDesiredState: false });
    expect(stderr).toBe("root-access: Drift: not enabled in o-a1b2c3d4e5: RootCredentialsManagement.");
  });

  it("exits 2 when IAM trusted access is gone, calling the features unknown, never disabled", async () => {
    // GIVEN IAM refuses to answer: its trusted access was disabled (whether it keeps the features is undocumented)
    iam.on(ListOrganizationsFeaturesCommand).rejects(iamError("ServiceAccessNotEnabledException"));
    const { code, result, stderr } = await runScript(["check", "RootSessions"]);
    // THEN it is drift (the stack needs trusted access), with the features' state unknown rather than off
    expect(code).toBe(2);
    expect(sentToIam()).toEqual(["ListOrganizationsFeatures"]);
    expect(result).toMatchObject({ enabled: null, missing: [], unknown: ["RootSessions"], inDesiredState: false });
    expect(stderr).toContain("IAM does not say whether RootSessions is still enabled");
  });

  it("exits 1, not 2, when the credentials belong to another organization", async () => {
    iam.on(ListOrganizationsFeaturesCommand).resolves({ OrganizationId: "o-zzzzzzzzzz", EnabledFeatures: [] });
    const { code, stdout } = await runScript(["check", "RootSessions"]);
    expect(code).toBe(1);
    expect(stdout).toEqual([]);
  });

  it("exits 1 when the check itself cannot be made", async () => {
    iam.on(ListOrganizationsFeaturesCommand).rejects(iamError("AccountNotManagementOrDelegatedAdministratorException"));
    const { code, stderr } = await runScript(["check", "RootSessions"]);
    expect(code).toBe(1);
    expect(stderr).toContain("(AccountNotManagementOrDelegatedAdministratorException)");
  });
});
