import { spawnSync } from "node:child_process";
import * as path from "node:path";
import {
  EnableAWSServiceAccessCommand,
  ListDelegatedAdministratorsCommand,
  RegisterDelegatedAdministratorCommand,
} from "@aws-sdk/client-organizations";
import { credentialsOf, organizationsAs } from "../support/aws";
import { seedOrganization, snapshotDifferences, snapshotOrganization } from "../support/organization-snapshot";
import { unwrapped, useScenario } from "../support/stack-driver";

const scenario = useScenario();

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

  it("already registered when the stack adopts the organization: imported, not registered again, nothing else changes", async () => {
    const { driver } = scenario;
    // GIVEN an organization that already trusts IAM and has an IAM delegated administrator
    const seeded = await seedOrganization(driver.env);
    const adminId = seeded.memberIds[1];
    await organizationsAs(driver.env).send(new EnableAWSServiceAccessCommand({ ServicePrincipal: "iam.amazonaws.com" }));
    await organizationsAs(driver.env).send(
      new RegisterDelegatedAdministratorCommand({ AccountId: adminId, ServicePrincipal: "iam.amazonaws.com" }),
    );
    const before = await snapshotOrganization(driver.env);

    // WHEN the stack adopts it with that account as IAM's delegated administrator
    driver.synth({ organization: { mode: "adopt", id: seeded.organizationId }, delegatedAdministratorAccountId: adminId });
    const { result, calls } = await driver.callsDuring(() => driver.applyOk());

    // THEN both are imported, the administrator is neither deregistered nor registered again, and nothing changed
    expect(result.stdout).toContain("Apply complete! Resources: 2 imported, 1 added, 0 changed, 0 destroyed.");
    expect(calls["organizations:RegisterDelegatedAdministrator"]).toBeUndefined();
    expect(calls["organizations:DeregisterDelegatedAdministrator"]).toBeUndefined();
    expect(snapshotDifferences(before, await snapshotOrganization(driver.env))).toEqual([]);
    expect((await driver.state()).rootAccess).toEqual({ enabledFeatures: ["RootSessions"] });
    expect(await driver.converged()).toEqual({ planExitCode: 0, writes: {} });
  });

  it("whose registration's reply is lost: the apply fails, and the next one imports it and converges", async () => {
    const { driver, emulator } = scenario;
    // GIVEN an organization to adopt, and an AWS that registers the administrator but loses the reply (the
    // SDK's retry then gets AccountAlreadyRegisteredException: seen once in CI under load)
    const seeded = await seedOrganization(driver.env);
    const adminId = seeded.memberIds[1];
    driver.synth({ organization: { mode: "adopt", id: seeded.organizationId }, delegatedAdministratorAccountId: adminId });
    await emulator.configure({ dropReplies: { "organizations:RegisterDelegatedAdministrator": 1 } });

    // WHEN the stack is applied, and applied again
    const first = await driver.apply();
    const second = await driver.apply();

    // THEN the first apply fails on the retry, and the second imports the registration instead of registering again
    expect(first.code).toBe(1);
    expect(unwrapped(first.stderr)).toContain("AccountAlreadyRegisteredException");
    expect(second.code).toBe(0);
    expect(second.stdout).toContain(
      `aws_organizations_delegated_administrator.iam: Import complete [id=${adminId}/iam.amazonaws.com]`,
    );
    expect(await driver.converged()).toEqual({ planExitCode: 0, writes: {} });
  });
});
