import { rootAccessCalls, useScenario } from "../support/stack-driver";

const scenario = useScenario();

describe("changing the features in the config", () => {
  it("enables both, then disables only the one removed from the config and leaves the other untouched", async () => {
    const { driver } = scenario;
    // GIVEN both features applied, RootCredentialsManagement first
    const both = await driver.callsDuring(() => driver.given({ features: ["RootSessions", "RootCredentialsManagement"] }));
    expect(rootAccessCalls(both.calls)).toMatchObject({
      "iam:EnableOrganizationsRootCredentialsManagement": 1,
      "iam:EnableOrganizationsRootSessions": 1,
    });
    expect(both.result.stdout.indexOf("terraform_data.root-credentials-management[0]: Creation complete")).toBeLessThan(
      both.result.stdout.indexOf("terraform_data.root-sessions[0]: Creating..."),
    );
    expect((await driver.state()).rootAccess).toEqual({ enabledFeatures: ["RootCredentialsManagement", "RootSessions"] });

    // WHEN RootCredentialsManagement is removed from the config and applied
    const removed = await driver.synth({ features: ["RootSessions"] }).callsDuring(() => driver.applyOk());

    // THEN only its Disable call is sent, nothing for RootSessions, and the plan is clean again
    expect(removed.result.stdout).toContain("Apply complete! Resources: 0 added, 0 changed, 1 destroyed.");
    const calls = rootAccessCalls(removed.calls);
    expect(calls["iam:DisableOrganizationsRootCredentialsManagement"]).toBe(1);
    expect(Object.keys(calls).filter((key) => key.includes("RootSessions"))).toEqual([]);
    expect((await driver.state()).rootAccess).toEqual({ enabledFeatures: ["RootSessions"] });
    expect(await driver.terraform.outputs()).toMatchObject({ root_access_features: ["RootSessions"] });
    expect(await driver.converged()).toEqual({ planExitCode: 0, writes: {} });
  });

  it("adds a feature without touching the one already enabled", async () => {
    const { driver } = scenario;
    await driver.given({ features: ["RootSessions"] });
    const added = await driver
      .synth({ features: ["RootSessions", "RootCredentialsManagement"] })
      .callsDuring(() => driver.applyOk());
    expect(added.result.stdout).toContain("Apply complete! Resources: 1 added, 0 changed, 0 destroyed.");
    expect(Object.keys(rootAccessCalls(added.calls)).filter((key) => key.includes("RootSessions"))).toEqual([]);
    expect((await driver.state()).rootAccess).toEqual({ enabledFeatures: ["RootCredentialsManagement", "RootSessions"] });
  });

  it("runs nothing when only a setting changes: the new role, region or wait is an in-place update", async () => {
    const { driver } = scenario;
    await driver.given({ features: ["RootSessions"] });
    const changed = await driver
      .synth({ features: ["RootSessions"], serviceAccessWaitSeconds: 30 })
      .callsDuring(() => driver.applyOk());
    expect(changed.result.stdout).toContain("Apply complete! Resources: 0 added, 1 changed, 0 destroyed.");
    expect(rootAccessCalls(changed.calls)).toEqual({});
  });
});
