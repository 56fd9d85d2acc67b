import { spawnSync } from "node:child_process";
import * as path from "node:path";
import { ListDelegatedAdministratorsCommand } from "@aws-sdk/client-organizations";
import { credentialsOf, organizationsAs } from "../support/aws";
import { seedOrganization } from "../support/organization-snapshot";
import { useScenario } from "../support/stack-driver";

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
});
