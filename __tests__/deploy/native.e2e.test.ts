import { rootAccessWrites, useScenario, writeCalls } from "../support/stack-driver";

const scenario = useScenario();
const native = { implementation: "native" };
const BOTH = ["RootCredentialsManagement", "RootSessions"];

describe("the native implementation (aws_iam_organizations_features)", () => {
  it("applies from nothing, converges, and a re-apply writes nothing", async () => {
    const { driver } = scenario;
    await driver.synth({ ...native, features: BOTH }).applyOk();
    const state = await driver.state();
    expect(state.trustedServices).toEqual(["iam.amazonaws.com"]);
    expect(state.rootAccess).toEqual({ enabledFeatures: BOTH });
    expect(await driver.terraform.outputs()).toMatchObject({ root_access_features: BOTH });
    // A literal re-apply: nothing to change, nothing written
    const again = await driver.callsDuring(() => driver.terraform.apply());
    expect(again.result.stdout).toContain("No changes. Your infrastructure matches the configuration.");
    expect(again.result.stdout).toContain("Apply complete! Resources: 0 added, 0 changed, 0 destroyed.");
    expect(rootAccessWrites(again.calls)).toEqual({});
    expect(writeCalls(again.calls)).toEqual({});
  });

  it("disables only the feature removed from the config", async () => {
    const { driver } = scenario;
    await driver.given({ ...native, features: BOTH });
    const { calls } = await driver.callsDuring(() => driver.synth({ ...native, features: ["RootSessions"] }).applyOk());
    expect(rootAccessWrites(calls)).toEqual({ "iam:DisableOrganizationsRootCredentialsManagement": 1 });
    expect((await driver.state()).rootAccess).toEqual({ enabledFeatures: ["RootSessions"] });
  });

  it("with allowOrganizationDestroy, disables the features before deleting the organization", async () => {
    const { driver } = scenario;
    await driver.given({ ...native, features: BOTH, allowOrganizationDestroy: true });
    const { result, calls } = await driver.callsDuring(() => driver.destroy());
    expect(result.code).toBe(0);
    expect(rootAccessWrites(calls)).toEqual({
      "iam:DisableOrganizationsRootCredentialsManagement": 1,
      "iam:DisableOrganizationsRootSessions": 1,
    });
    expect(result.stdout.indexOf("aws_iam_organizations_features.features[0]: Destruction complete")).toBeLessThan(
      result.stdout.indexOf("aws_organizations_organization.organization: Destroying..."),
    );
    expect((await driver.state()).organization).toBeNull();
  });

  it("unlike the script, does not wait for IAM to see new trusted access: the first apply can fail, the next converges", async () => {
    const { driver, emulator } = scenario;
    await emulator.configure({ serviceAccessLagSeconds: 3 });
    driver.synth({ ...native });
    const first = await driver.apply();
    expect(first.code).toBe(1);
    expect(first.stderr).toContain("ServiceAccessNotEnabledException");
    await new Promise((resolve) => setTimeout(resolve, 3000));
    await driver.applyOk();
    expect((await driver.state()).rootAccess).toEqual({ enabledFeatures: ["RootSessions"] });
  });
});
