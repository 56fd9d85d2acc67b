import { leastPrivilegePolicy } from "../../scripts/policy/least-privilege";
import { parseAppConfig } from "../../stacks/config/load";
import { actionsNeedingPermission, rootAccessCalls, unwrapped, useScenario, writeCalls } from "../support/stack-driver";

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

    // AND a literal second apply changes nothing and sends no IAM root access call at all (no script runs)
    const again = await driver.callsDuring(() => driver.terraform.apply());
    expect(again.result.stdout).toContain("No changes. Your infrastructure matches the configuration.");
    expect(again.result.stdout).toContain("Apply complete! Resources: 0 added, 0 changed, 0 destroyed.");
    expect(rootAccessCalls(again.calls)).toEqual({});
    expect(writeCalls(again.calls)).toEqual({});
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

describe("a CreateOrganization reply lost on its way back", () => {
  it("fails the apply, then the plan gate names the organization and the import that brings it into state, which converges", async () => {
    const { driver, emulator } = scenario;
    // GIVEN AWS makes the organization but its reply is lost (the SDK then retries, as it does after a reset)
    await emulator.configure({ dropReplies: { "organizations:CreateOrganization": 1 } });
    driver.synth();

    // WHEN the stack is applied from nothing
    const failed = await driver.callsDuring(() => driver.apply());

    // THEN the retry is told the account is already in an organization, which exists but is not in the state
    expect(failed.result.code).toBe(1);
    expect(unwrapped(failed.result.stderr)).toContain("AlreadyInOrganizationException");
    expect(failed.calls["organizations:CreateOrganization"]).toBe(2);
    const organization = (await driver.state()).organization!;
    expect(organization).toMatchObject({ managementAccountId: "123456789012" });

    // WHEN it is planned again THEN the plan gate refuses before anything is applied, saying what to run
    const refused = await driver.callsDuring(() => driver.apply());
    expect(refused.result.args[0]).toBe("plan-gate");
    expect(unwrapped(refused.result.stdout)).toContain(`already belongs to organization ${organization.id}`);
    expect(unwrapped(refused.result.stdout)).toContain(
      `"terraform import aws_organizations_organization.organization ${organization.id}"`,
    );
    expect(writeCalls(refused.calls)).toEqual({});

    // WHEN the operator runs that import, and the stack is applied
    await driver.terraform.ok(["import", "-input=false", "aws_organizations_organization.organization", organization.id]);
    const recovered = await driver.callsDuring(() => driver.applyOk());

    // THEN that same organization gets IAM trusted access and RootSessions, nothing is created twice, and it has converged
    expect(recovered.calls["organizations:CreateOrganization"]).toBeUndefined();
    const state = await driver.state();
    expect(state.organization?.id).toBe(organization.id);
    expect(state.trustedServices).toEqual(["iam.amazonaws.com"]);
    expect(state.rootAccess).toEqual({ enabledFeatures: ["RootSessions"] });
    expect(await driver.converged()).toEqual({ planExitCode: 0, writes: {} });
  });

  it("in a scenario's preconditions (given), is recovered the same way, so a lost reply under load fails no test", async () => {
    const { driver, emulator } = scenario;
    // GIVEN the first CreateOrganization reply is lost
    await emulator.configure({ dropReplies: { "organizations:CreateOrganization": 1 } });
    // WHEN a precondition applies the stack from nothing
    const { calls } = await driver.callsDuring(() => driver.given());
    // THEN it imported the organization the lost call made and finished the apply: one organization, converged
    expect(calls["organizations:CreateOrganization"]).toBe(2);
    expect((await driver.state()).rootAccess).toEqual({ enabledFeatures: ["RootSessions"] });
    expect(await driver.converged()).toEqual({ planExitCode: 0, writes: {} });
  });
});
