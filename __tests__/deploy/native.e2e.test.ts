import { spawnSync } from "node:child_process";
import * as path from "node:path";
import { DisableOrganizationsRootSessionsCommand } from "@aws-sdk/client-iam";
import { iamAs } from "../support/aws";
import { StackDriver, rootAccessCalls, useScenario } from "../support/stack-driver";
import { builtProgram } from "../support/paths";

const scenario = useScenario();
const native = { implementation: "native" };
const BOTH = ["RootCredentialsManagement", "RootSessions"];

/** Root access writes only (the provider's refresh reads ListOrganizationsFeatures, which is not a change). */
function writes(calls: Record<string, number>): Record<string, number> {
  return Object.fromEntries(
    Object.entries(rootAccessCalls(calls)).filter(([call]) => !call.endsWith("ListOrganizationsFeatures")),
  );
}

/** `npm run drift -- e2e` against the driver's config. */
function drift(driver: StackDriver) {
  const cli = builtProgram("drift");
  return spawnSync(process.execPath, [cli, "e2e"], {
    env: { ...driver.env, ROOT_ACCESS_CONFIG: path.join(driver.dir, "root-access.config.json") },
    encoding: "utf8",
  });
}

describe("the native implementation (aws_iam_organizations_features)", () => {
  it("applies from nothing, converges, and a re-apply writes nothing", async () => {
    const { driver } = scenario;
    await driver.synth({ ...native, features: BOTH }).applyOk();
    const state = await driver.state();
    expect(state.trustedServices).toEqual(["iam.amazonaws.com"]);
    expect(state.rootAccess).toEqual({ enabledFeatures: BOTH });
    expect(await driver.terraform.outputs()).toMatchObject({ root_access_features: BOTH });
    expect(await driver.planExitCode()).toBe(0);
    const again = await driver.callsDuring(() => driver.applyOk());
    expect(again.result.stdout).toContain("Apply complete! Resources: 0 added, 0 changed, 0 destroyed.");
    expect(writes(again.calls)).toEqual({});
  });

  it("disables only the feature removed from the config", async () => {
    const { driver } = scenario;
    await driver.synth({ ...native, features: BOTH }).applyOk();
    const { calls } = await driver.callsDuring(() => driver.synth({ ...native, features: ["RootSessions"] }).applyOk());
    expect(writes(calls)).toEqual({ "iam:DisableOrganizationsRootCredentialsManagement": 1 });
    expect((await driver.state()).rootAccess).toEqual({ enabledFeatures: ["RootSessions"] });
  });

  it("with allowOrganizationDestroy, disables the features before deleting the organization", async () => {
    const { driver } = scenario;
    await driver.synth({ ...native, features: BOTH, allowOrganizationDestroy: true }).applyOk();
    const { result, calls } = await driver.callsDuring(() => driver.destroy());
    expect(result.code).toBe(0);
    expect(writes(calls)).toEqual({
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

describe("drift: a feature disabled out of band", () => {
  it("shows in terraform plan in native mode", async () => {
    const { driver } = scenario;
    await driver.synth({ ...native, features: BOTH }).applyOk();
    await iamAs(driver.env).send(new DisableOrganizationsRootSessionsCommand({}));
    const plan = await driver.terraform.plan();
    expect(plan.code).toBe(2);
    expect(plan.stdout).toContain("aws_iam_organizations_features.features[0] will be updated in-place");
  });

  it("does not show in terraform plan in script mode, but npm run drift finds it (exit 2)", async () => {
    const { driver } = scenario;
    await driver.synth({ features: BOTH }).applyOk();
    expect(drift(driver).status).toBe(0);
    await iamAs(driver.env).send(new DisableOrganizationsRootSessionsCommand({}));
    expect(await driver.planExitCode()).toBe(0);
    const found = drift(driver);
    expect(found.status).toBe(2);
    expect(JSON.parse(found.stdout)).toMatchObject({ missing: ["RootSessions"], inDesiredState: false });
  });
});

describe("switching implementations", () => {
  it("from script to native and back disables nothing on the way", async () => {
    const { driver } = scenario;
    // GIVEN both features enabled by the script
    await driver.synth({ features: BOTH }).applyOk();

    // WHEN the stack switches to native THEN the script's resources are forgotten, not destroyed
    const toNative = await driver.callsDuring(() => driver.synth({ ...native, features: BOTH }).applyOk());
    expect(toNative.result.stdout).not.toContain("Destroying...");
    expect(Object.keys(writes(toNative.calls)).filter((call) => call.includes("Disable"))).toEqual([]);
    expect((await driver.state()).rootAccess).toEqual({ enabledFeatures: BOTH });
    expect(await driver.planExitCode()).toBe(0);

    // WHEN it switches back THEN the native resource is forgotten, and the script finds nothing to do
    const toScript = await driver.callsDuring(() => driver.synth({ features: BOTH }).applyOk());
    expect(toScript.result.stdout).not.toContain("Destroying...");
    expect(writes(toScript.calls)).toEqual({});
    expect((await driver.state()).rootAccess).toEqual({ enabledFeatures: BOTH });
    expect(await driver.planExitCode()).toBe(0);
  });
});
