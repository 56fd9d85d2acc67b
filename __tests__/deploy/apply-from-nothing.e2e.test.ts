import { leastPrivilegePolicy } from "../../scripts/policy/least-privilege";
import { parseAppConfig } from "../../stacks/config/load";
import { actionsNeedingPermission, rootAccessCalls, useScenario } from "../support/stack-driver";

const scenario = useScenario();

describe("apply from nothing", () => {
  it("creates the organization with IAM trusted access, enables RootSessions, then converges with zero IAM writes", async () => {
    const { driver } = scenario;
    // GIVEN an account in no organization and the default stack
    driver.synth();
    expect((await driver.state()).organization).toBeNull();

    // WHEN it is applied
    const { result: first, calls } = await driver.callsDuring(() => driver.applyOk());

    // THEN the organization exists with all features and IAM trusted access, and RootSessions is enabled
    const state = await driver.state();
    expect(state.organization).toMatchObject({ featureSet: "ALL", managementAccountId: "123456789012" });
    expect(state.trustedServices).toEqual(["iam.amazonaws.com"]);
    expect(state.rootAccess).toEqual({ enabledFeatures: ["RootSessions"] });
    expect(first.stdout).toContain('terraform_data.root-sessions[0] (local-exec): {"action":"enable","feature":"RootSessions"');
    expect(first.stdout + first.stderr).not.toMatch(/\(node:\d+\) Warning|NodeVersionSupportWarning/);
    expect(await driver.terraform.outputs()).toEqual({
      organization_id: state.organization!.id,
      root_access_features: ["RootSessions"],
    });

    // AND everything it called is allowed by the least-privilege policy for this stack
    const policy = leastPrivilegePolicy(parseAppConfig({ stacks: [{ name: "e2e" }] }, "test").stacks[0]);
    const allowed = policy.Statement.flatMap((statement) => statement.Action);
    expect(actionsNeedingPermission(calls).filter((action) => !allowed.includes(action))).toEqual([]);

    // AND the plan is clean, and a second apply sends no IAM root access call at all (no script runs)
    expect(await driver.planExitCode()).toBe(0);
    const again = await driver.callsDuring(() => driver.applyOk());
    expect(again.result.stdout).toContain("Apply complete! Resources: 0 added, 0 changed, 0 destroyed.");
    expect(rootAccessCalls(again.calls)).toEqual({});
  });

  it("synthesizes nothing emulator-specific: the endpoint and credentials come only from the environment", () => {
    const { driver, emulator } = scenario;
    const json = driver.synth({ features: ["RootCredentialsManagement", "RootSessions"] }).synthesizedJson();
    const { port } = new URL(emulator.endpoint);
    for (const forbidden of [
      "127.0.0.1",
      "localhost",
      port,
      "endpoint",
      "skip_",
      "access_key",
      "secret_key",
      "AWS_ENDPOINT_URL",
    ]) {
      expect(json).not.toContain(forbidden);
    }
    expect(JSON.parse(json).provider.aws).toEqual([{ region: "us-east-1" }]);
  });

  it("succeeds through the script's wait loop while IAM lags behind the new trusted access", async () => {
    const { driver, emulator } = scenario;
    // GIVEN IAM answers ServiceAccessNotEnabledException for 4 s after trusted access is enabled
    await emulator.configure({ serviceAccessLagSeconds: 4 });
    driver.synth();
    // WHEN the organization and the feature are applied in one go
    const { result, calls } = await driver.callsDuring(() => driver.applyOk());
    // THEN the script waited, said so, and enabled the feature once
    expect(result.stdout).toContain(
      "IAM does not see trusted access yet (ListOrganizationsFeatures: ServiceAccessNotEnabledException)",
    );
    expect(calls["iam:ListOrganizationsFeatures"]).toBeGreaterThan(2);
    expect(calls["iam:EnableOrganizationsRootSessions"]).toBe(1);
    expect((await driver.state()).rootAccess).toEqual({ enabledFeatures: ["RootSessions"] });
  });
});
