import { RegisterDelegatedAdministratorCommand } from "@aws-sdk/client-organizations";
import { createMemberAccount, credentialsOf, organizationsAs } from "../support/aws";
import { rootAccessCalls, useScenario } from "../support/stack-driver";

const scenario = useScenario();

/** Terraform's output with its line wrapping undone, so a message can be matched whole. */
const unwrapped = (text: string) => text.replace(/\s+/g, " ");

describe("credentials of a member account", () => {
  // On AWS a member account cannot even refresh aws_organizations_organization (ListAccounts is refused), so the
  // plan stops there. moto answers members with their own empty lists instead, so these applies skip the refresh
  // (-refresh=false) to reach the script, which is what this scenario is about.
  const asMember = (credentials: NodeJS.ProcessEnv) => ({ credentials, args: ["-refresh=false"] });

  it("fails with the explanation, changes nothing, and converges once management credentials are back", async () => {
    const { driver } = scenario;
    // GIVEN the organization with IAM trusted access, applied by the management account, and a member account
    await driver.synth({ features: [] }).applyOk();
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
    expect(await driver.taintedResources()).toEqual(["terraform_data.root-sessions[0]"]);

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
    expect(await driver.taintedResources()).toEqual([]);
    expect(await driver.planExitCode()).toBe(0);
  });
});

describe("faults in IAM", () => {
  it.each([
    [
      "server errors past the SDK's retries",
      "server-error",
      "IAM answered a server error (ServiceFailureException, HTTP 500) even after the SDK's retries.",
    ],
    ["dropped connections", "drop", "failed: the connection to"],
  ] as const)(
    "fails clearly on %s, leaves the step tainted, and converges once the fault is lifted",
    async (_what, fault, message) => {
      const { driver, emulator } = scenario;
      // GIVEN IAM's root access calls fail
      await emulator.configure({ fault });
      driver.synth();

      // WHEN the stack is applied from nothing
      const failed = await driver.apply();

      // THEN the organization is in place, the feature step failed with the explanation and is tainted
      expect(failed.code).toBe(1);
      expect(unwrapped(failed.stderr)).toContain(message);
      expect(await driver.taintedResources()).toEqual(["terraform_data.root-sessions[0]"]);

      // WHEN the fault is lifted and terraform applies again
      await emulator.configure({ fault: "none" });
      expect((await driver.state()).rootAccess).toEqual({ enabledFeatures: [] });
      const recovered = await driver.callsDuring(() => driver.applyOk());

      // THEN only the tainted step ran again, the feature is enabled, and another apply is harmless
      expect(recovered.result.stdout).toContain("Apply complete! Resources: 1 added, 0 changed, 1 destroyed.");
      expect(rootAccessCalls(recovered.calls)["iam:EnableOrganizationsRootSessions"]).toBe(1);
      expect((await driver.state()).rootAccess).toEqual({ enabledFeatures: ["RootSessions"] });
      const again = await driver.callsDuring(() => driver.applyOk());
      expect(again.result.stdout).toContain("Apply complete! Resources: 0 added, 0 changed, 0 destroyed.");
      expect(rootAccessCalls(again.calls)).toEqual({});
    },
  );
});
