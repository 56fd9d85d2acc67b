import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { EnableAWSServiceAccessCommand, ListDelegatedAdministratorsCommand } from "@aws-sdk/client-organizations";
import { credentialsOf, organizationsAs } from "../support/aws";
import { seedOrganization, snapshotDifferences, snapshotOrganization } from "../support/organization-snapshot";
import { leastPrivilegePolicy } from "../../scripts/policy/least-privilege";
import { parseAppConfig } from "../../stacks/config/load";
import { actionsNeedingPermission, rootAccessCalls, useScenario } from "../support/stack-driver";

const scenario = useScenario();

const unwrapped = (text: string) => text.replace(/\s+/g, " ");
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
    expect(await driver.planExitCode()).toBe(0);

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
    expect(await driver.planExitCode()).toBe(0);
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

describe("an external organization (another stack owns it)", () => {
  it("fails at plan time while IAM trusted access is missing, then enables only the features once it is there", async () => {
    const { driver } = scenario;
    // GIVEN an organization whose owning stack has not added IAM trusted access yet
    const seeded = await seedOrganization(driver.env);
    const before = await snapshotOrganization(driver.env);
    driver.synth({ organization: { mode: "external", id: seeded.organizationId } });

    // WHEN this stack is planned THEN it fails saying what to add where, and nothing changed
    const refused = await driver.apply();
    expect(refused.code).toBe(1);
    expect(unwrapped(refused.stderr)).toContain(
      `Organization ${seeded.organizationId} does not trust iam.amazonaws.com, which centralized root access needs. In the stack ` +
        'that owns aws_organizations_organization, add "iam.amazonaws.com" to aws_service_access_principals',
    );
    expect(await snapshotOrganization(driver.env)).toEqual(before);

    // WHEN the owning stack adds it, and this stack is applied
    await organizationsAs(driver.env).send(new EnableAWSServiceAccessCommand({ ServicePrincipal: "iam.amazonaws.com" }));
    const owned = await snapshotOrganization(driver.env);
    await driver.applyOk();

    // THEN the features are on and the organization is exactly as its owner left it
    expect((await driver.state()).rootAccess).toEqual({ enabledFeatures: ["RootSessions"] });
    expect(snapshotDifferences(owned, await snapshotOrganization(driver.env))).toEqual([]);
    expect(await driver.planExitCode()).toBe(0);
  });

  it("forgets an organization this stack adopted, without deleting it, when the stack switches to external", async () => {
    const { driver } = scenario;
    // GIVEN an organization adopted by this stack
    const seeded = await seedOrganization(driver.env);
    await driver.synth({ organization: { mode: "adopt", id: seeded.organizationId } }).applyOk();
    const adopted = await snapshotOrganization(driver.env);

    // WHEN the stack hands it over to another stack (mode external)
    const { result, calls } = await driver.callsDuring(() =>
      driver.synth({ organization: { mode: "external", id: seeded.organizationId } }).applyOk(),
    );

    // THEN terraform forgets it, the gate lets that through, and the organization and features are untouched
    expect(result.stdout).toContain("Apply complete! Resources: 0 added, 0 changed, 0 destroyed.");
    expect(calls["organizations:DeleteOrganization"]).toBeUndefined();
    expect(rootAccessCalls(calls)).toEqual({});
    expect(await snapshotOrganization(driver.env)).toEqual(adopted);
    expect((await driver.terraform.ok(["state", "list"])).stdout).not.toContain("aws_organizations_organization.organization");
    expect(await driver.planExitCode()).toBe(0);
  });
});

describe("IAM's delegated administrator", () => {
  it("is registered; with its credentials check works and enable explains why it needs the management account", async () => {
    const { driver } = scenario;
    const seeded = await seedOrganization(driver.env);
    const adminId = seeded.memberIds[1];
    driver.synth({ organization: { mode: "adopt", id: seeded.organizationId }, delegatedAdministratorAccountId: adminId });
    await driver.applyOk();

    const { DelegatedAdministrators } = await organizationsAs(driver.env).send(
      new ListDelegatedAdministratorsCommand({ ServicePrincipal: "iam.amazonaws.com" }),
    );
    expect(DelegatedAdministrators?.map((admin) => admin.Id)).toEqual([adminId]);

    // The shipped script, run by a person or pipeline holding the delegated administrator's credentials
    const script = JSON.parse(driver.synthesizedJson()).resource.terraform_data["root-sessions"].provisioner[0]["local-exec"]
      .interpreter[1];
    const adminEnv = {
      ...driver.env,
      ...(await credentialsOf(driver.env, adminId)),
      ROOT_ACCESS_ORGANIZATION_ID: seeded.organizationId,
    };
    const run = (...args: string[]) =>
      spawnSync(process.execPath, [path.join(driver.stackDir, script), ...args], { env: adminEnv, encoding: "utf8" });

    const check = run("check", "RootSessions");
    expect(check.status).toBe(0);
    expect(JSON.parse(check.stdout)).toMatchObject({ organizationId: seeded.organizationId, inDesiredState: true });

    const enable = run("enable", "RootCredentialsManagement");
    expect(enable.status).toBe(1);
    expect(enable.stderr).toContain(
      "(CallerIsNotManagementAccountException). Nothing was changed. IAM's delegated administrator may check and disable root access features, but only the management account can enable them",
    );
    expect((await driver.state()).rootAccess).toEqual({ enabledFeatures: ["RootSessions"] });
  });
});

describe("the plan gate", () => {
  it("refuses a hand-made plan that drops trusted services, so it is never applied", async () => {
    const { driver } = scenario;
    // GIVEN an adopted organization and a careless edit that lists only IAM as trusted
    const seeded = await seedOrganization(driver.env);
    driver.synth({ organization: { mode: "adopt", id: seeded.organizationId } });
    await driver.applyOk();
    const before = await snapshotOrganization(driver.env);
    const file = path.join(driver.stackDir, "cdk.tf.json");
    const json = JSON.parse(fs.readFileSync(file, "utf8"));
    json.resource.aws_organizations_organization.organization.aws_service_access_principals = ["iam.amazonaws.com"];
    fs.writeFileSync(file, JSON.stringify(json));

    // WHEN it goes through plan, gate and apply
    const { result, calls } = await driver.callsDuring(() => driver.apply());

    // THEN the gate names each service that would lose trusted access, and nothing was applied
    expect(result.args[0]).toBe("plan-gate");
    expect(result.code).toBe(1);
    for (const principal of ["config.amazonaws.com", "guardduty.amazonaws.com", "sso.amazonaws.com"]) {
      expect(result.stdout).toContain(
        `aws_organizations_organization.organization would disable trusted access for ${principal}`,
      );
    }
    expect(calls["organizations:DisableAWSServiceAccess"]).toBeUndefined();
    expect(await snapshotOrganization(driver.env)).toEqual(before);
  });

  it("refuses a plan that deletes the organization", async () => {
    const { driver } = scenario;
    await driver.synth({ allowOrganizationDestroy: true }).applyOk();
    await driver.terraform.ok(["plan", "-destroy", `-out=${driver.planFile}`]);
    fs.writeFileSync(driver.planJson, (await driver.terraform.ok(["show", "-json", driver.planFile])).stdout);

    const gate = driver.planGate();

    expect(gate.code).toBe(1);
    expect(gate.stdout).toContain(
      "  FAIL organization-kept: no organization is deleted or replaced\n         - aws_organizations_organization.organization would be deleted\n",
    );
    expect(rootAccessCalls(await driver.emulator.calls())).not.toHaveProperty("iam:DisableOrganizationsRootSessions");
  });
});
