import { EnableAWSServiceAccessCommand, EnablePolicyTypeCommand, ListRootsCommand } from "@aws-sdk/client-organizations";
import { organizationsAs } from "../support/aws";
import { seedOrganization, snapshotDifferences, snapshotOrganization } from "../support/organization-snapshot";
import { leastPrivilegePolicy } from "../../scripts/policy/least-privilege";
import { parseAppConfig } from "../../stacks/config/load";
import { actionsNeedingPermission, unwrapped, useScenario } from "../support/stack-driver";

const scenario = useScenario();

const IAM_ADDED = /^trustedServices: \+ \{"principal":"iam\.amazonaws\.com","enabled":"[^"]+"\}$/;

describe("adopt an existing organization", () => {
  it("enables root access and changes nothing else; destroy is refused", async () => {
    const { driver } = scenario;
    // GIVEN a lived-in organization: OU, two members, SCP and TAG policies, an attached SCP, three trusted
    // services and a delegated administrator for GuardDuty
    const seeded = await seedOrganization(driver.env);
    const before = await snapshotOrganization(driver.env);

    // WHEN this stack adopts it, through the plan gate
    const stack = {
      organization: { mode: "adopt", id: seeded.organizationId },
      features: ["RootCredentialsManagement", "RootSessions"],
    };
    driver.synth(stack);
    const { result: applied, calls } = await driver.callsDuring(() => driver.applyOk());
    const allowed = leastPrivilegePolicy(
      parseAppConfig({ stacks: [{ name: "e2e", ...stack }] }, "test").stacks[0],
    ).Statement.flatMap((s) => s.Action);
    expect(actionsNeedingPermission(calls).filter((action) => !allowed.includes(action))).toEqual([]);

    // THEN the only change to the organization is IAM's trusted access, and both features are on
    expect(applied.stdout).toContain("Apply complete! Resources: 1 imported, 2 added, 1 changed, 0 destroyed.");
    const after = await snapshotOrganization(driver.env);
    const differences = snapshotDifferences(before, after);
    expect(differences).toEqual([expect.stringMatching(IAM_ADDED)]);
    expect((await driver.state()).rootAccess).toEqual({ enabledFeatures: ["RootCredentialsManagement", "RootSessions"] });
    expect(await driver.converged()).toEqual({ planExitCode: 0, writes: {} });

    // AND destroy is refused at plan time and changes nothing
    const destroyed = await driver.destroy();
    expect(destroyed.code).toBe(1);
    expect(unwrapped(destroyed.stderr)).toContain(
      "Resource aws_organizations_organization.organization has lifecycle.prevent_destroy set",
    );
    expect(await snapshotOrganization(driver.env)).toEqual(after);
    expect((await driver.state()).rootAccess).toEqual({ enabledFeatures: ["RootCredentialsManagement", "RootSessions"] });
  });

  it("with the native implementation too, changes nothing but IAM's trusted access", async () => {
    const { driver } = scenario;
    const seeded = await seedOrganization(driver.env);
    const before = await snapshotOrganization(driver.env);
    await driver
      .synth({ organization: { mode: "adopt", id: seeded.organizationId }, implementation: "native", features: ["RootSessions"] })
      .applyOk();
    expect(snapshotDifferences(before, await snapshotOrganization(driver.env))).toEqual([expect.stringMatching(IAM_ADDED)]);
    expect((await driver.state()).rootAccess).toEqual({ enabledFeatures: ["RootSessions"] });
    expect(await driver.converged()).toEqual({ planExitCode: 0, writes: {} });
  });

  it("fails at plan time on a consolidated-billing organization, explaining, and changes nothing", async () => {
    const { driver } = scenario;
    const seeded = await seedOrganization(driver.env, "CONSOLIDATED_BILLING");
    const before = await snapshotOrganization(driver.env);
    driver.synth({ organization: { mode: "adopt", id: seeded.organizationId } });

    const { result, calls } = await driver.callsDuring(() => driver.apply());

    expect(result.code).toBe(1);
    expect(result.args[0]).toBe("plan");
    expect(unwrapped(result.stderr)).toContain(
      `Organization ${seeded.organizationId} has feature set CONSOLIDATED_BILLING, and IAM centralized root access needs all features.`,
    );
    expect(Object.keys(calls).filter((call) => !/:(Describe|List|Get)/.test(call))).toEqual([]);
    expect(await snapshotOrganization(driver.env)).toEqual(before);
  });

  it("fails at plan time when the credentials belong to another organization than organization.id", async () => {
    const { driver } = scenario;
    await seedOrganization(driver.env);
    driver.synth({ organization: { mode: "adopt", id: "o-0000000000" } });
    const result = await driver.apply();
    expect(result.code).toBe(1);
    expect(unwrapped(result.stderr)).toMatch(
      /These credentials belong to organization o-\w+, but organization\.id is o-0000000000\. Nothing was changed\./,
    );
  });
});

describe("a change to the organization between a saved plan and its apply", () => {
  // A regression guard for the provider (5.100 applies only the difference the plan computed, not the whole
  // list): a provider upgrade that applied the planned list as a whole would disable what was added meanwhile.
  it("keeps a trusted service and a policy type enabled after the plan was made", async () => {
    const { driver } = scenario;
    // GIVEN an organization to adopt and the saved plan of the first adopt (which adds IAM trusted access)
    const seeded = await seedOrganization(driver.env);
    driver.synth({ organization: { mode: "adopt", id: seeded.organizationId } });
    expect((await driver.plan()).code).toBe(0);
    expect(driver.planGate().code).toBe(0);

    // WHEN another trusted service and another policy type are enabled before the plan is applied
    const organizations = organizationsAs(driver.env);
    await organizations.send(new EnableAWSServiceAccessCommand({ ServicePrincipal: "securityhub.amazonaws.com" }));
    await organizations.send(new EnablePolicyTypeCommand({ RootId: seeded.rootId, PolicyType: "BACKUP_POLICY" }));
    const meanwhile = await snapshotOrganization(driver.env);
    const applied = await driver.terraform.run(["apply", "-input=false", driver.planFile]);

    // THEN the saved plan applies, and the only change it makes is IAM's trusted access: both additions stay
    expect(applied.code).toBe(0);
    expect(snapshotDifferences(meanwhile, await snapshotOrganization(driver.env))).toEqual([expect.stringMatching(IAM_ADDED)]);
    const roots = (await organizations.send(new ListRootsCommand({}))).Roots ?? [];
    expect(roots[0].PolicyTypes?.map((type) => `${type.Type}:${type.Status}`).sort()).toEqual([
      "BACKUP_POLICY:ENABLED",
      "SERVICE_CONTROL_POLICY:ENABLED",
      "TAG_POLICY:ENABLED",
    ]);
    // AND the next plan keeps them too (the data source reads them afresh)
    expect(await driver.converged()).toEqual({ planExitCode: 0, writes: {} });
  });
});
