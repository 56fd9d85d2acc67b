import * as fs from "node:fs";
import * as path from "node:path";
import { seedOrganization, snapshotOrganization } from "../support/organization-snapshot";
import { rootAccessCalls, useScenario } from "../support/stack-driver";

const scenario = useScenario();

describe("the plan gate", () => {
  it("refuses a hand-made plan that drops trusted services, so it is never applied", async () => {
    const { driver } = scenario;
    // GIVEN an adopted organization and a careless edit that lists only IAM as trusted
    const seeded = await seedOrganization(driver.env);
    await driver.given({ organization: { mode: "adopt", id: seeded.organizationId } });
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
    await driver.given({ allowOrganizationDestroy: true });
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
