import { EnableAWSServiceAccessCommand } from "@aws-sdk/client-organizations";
import { organizationsAs } from "../support/aws";
import { seedOrganization, snapshotDifferences, snapshotOrganization } from "../support/organization-snapshot";
import { rootAccessCalls, unwrapped, useScenario } from "../support/stack-driver";

const scenario = useScenario();

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
    expect(await driver.converged()).toEqual({ planExitCode: 0, writes: {} });
  });

  it("forgets an organization this stack adopted, without deleting it, when the stack switches to external", async () => {
    const { driver } = scenario;
    // GIVEN an organization adopted by this stack
    const seeded = await seedOrganization(driver.env);
    await driver.given({ organization: { mode: "adopt", id: seeded.organizationId } });
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
    expect(await driver.converged()).toEqual({ planExitCode: 0, writes: {} });
  });
});
