import { RegisterDelegatedAdministratorCommand } from "@aws-sdk/client-organizations";
import { createMemberAccount, credentialsOf, organizationsAs } from "../support/aws";
import { rootAccessCalls, unwrapped, useScenario } from "../support/stack-driver";

const scenario = useScenario();

describe("credentials of a member account", () => {
  // On AWS a member account cannot even refresh aws_organizations_organization (ListAccounts is refused), so the
  // plan stops there. moto answers members with their own empty lists instead, so these applies skip the refresh
  // (-refresh=false) to reach the script, which is what this scenario is about.
  const asMember = (credentials: NodeJS.ProcessEnv) => ({ credentials, args: ["-refresh=false"] });

  it("fails with the explanation, changes nothing, and converges once management credentials are back", async () => {
    const { driver } = scenario;
    // GIVEN the organization with IAM trusted access, applied by the management account, and a member account
    await driver.given({ features: [] });
    const memberId = await createMemberAccount(driver.env);
    const member = await credentialsOf(driver.env, memberId);
    driver.synth({ features: ["RootSessions"] });

    // WHEN a member that is not IAM's delegated administrator applies
    const plainMember = await driver.callsDuring(() => driver.apply(asMember(member)));
    // THEN the script explains, nothing is enabled, and the feature's resource is tainted for the next apply
    expect(plainMember.result.code).toBe(1);
    expect(unwrapped(plainMember.result.stderr)).toContain(
      "root-access: error: ListOrganizationsFeatures failed: these credentials belong to an account that is neither the " +
        "organization's management account nor IAM's delegated administrator (AccountNotManagementOrDelegatedAdministratorException).",
    );
    expect(rootAccessCalls(plainMember.calls)).toEqual({ "iam:ListOrganizationsFeatures": 1 });
    expect(driver.taintedResources()).toEqual(["terraform_data.root-sessions[0]"]);

    // WHEN the member is IAM's delegated administrator: it may read, but enabling needs the management account
    await organizationsAs(driver.env).send(
      new RegisterDelegatedAdministratorCommand({ AccountId: memberId, ServicePrincipal: "iam.amazonaws.com" }),
    );
    const admin = await driver.callsDuring(() => driver.apply(asMember(member)));
    expect(admin.result.code).toBe(1);
    expect(unwrapped(admin.result.stderr)).toContain(
      "root-access: error: EnableOrganizationsRootSessions failed: it must be called from the organization's management " +
        "account, and these credentials belong to a member account (CallerIsNotManagementAccountException). Nothing was changed.",
    );
    // (the tainted resource is replaced without its destroy-time script: terraform skips those for tainted resources)
    expect(rootAccessCalls(admin.calls)).toEqual({
      "iam:ListOrganizationsFeatures": 1,
      "iam:EnableOrganizationsRootSessions": 1,
    });
    expect((await driver.state()).rootAccess).toEqual({ enabledFeatures: [] });

    // WHEN the fault is fixed: the management account applies again
    await driver.applyOk();
    // THEN it converges, and stays converged
    expect((await driver.state()).rootAccess).toEqual({ enabledFeatures: ["RootSessions"] });
    expect(driver.taintedResources()).toEqual([]);
    expect(await driver.converged()).toEqual({ planExitCode: 0, writes: {} });
  });
});
