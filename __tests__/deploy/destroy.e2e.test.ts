import { RemoveAccountFromOrganizationCommand } from "@aws-sdk/client-organizations";
import { createMemberAccount, organizationsAs } from "../support/aws";
import { rootAccessCalls, unwrapped, useScenario, writeCalls } from "../support/stack-driver";

const scenario = useScenario();

describe("terraform destroy", () => {
  it.each(["kept", "forgotten"] as const)(
    "with allowOrganizationDestroy, disables the features first and then deletes the organization (features %s without trusted access)",
    async (knob) => {
      const { driver, emulator } = scenario;
      await emulator.configure({ featuresWhenTrustedAccessDisabled: knob });
      // GIVEN both features applied on an organization the stack may delete
      await driver.given({ features: ["RootCredentialsManagement", "RootSessions"], allowOrganizationDestroy: true });

      // WHEN the stack is destroyed
      const { result, calls } = await driver.callsDuring(() => driver.destroy());

      // THEN both Disable calls reached a living organization (after deletion they would have nothing to disable),
      // RootSessions went before RootCredentialsManagement, the organization went last, and nothing remains
      expect(result.code).toBe(0);
      expect(rootAccessCalls(calls)).toMatchObject({
        "iam:DisableOrganizationsRootSessions": 1,
        "iam:DisableOrganizationsRootCredentialsManagement": 1,
      });
      expect(calls["organizations:DeleteOrganization"]).toBe(1);
      const order = [
        "terraform_data.root-sessions[0]: Destruction complete",
        "terraform_data.root-credentials-management[0]: Destruction complete",
        "aws_organizations_organization.organization: Destroying...",
      ].map((line) => result.stdout.indexOf(line));
      expect(order.every((index) => index >= 0)).toBe(true);
      expect([...order].sort((a, b) => a - b)).toEqual(order);
      expect((await driver.state()).organization).toBeNull();
    },
  );

  it("without allowOrganizationDestroy, refuses at plan time and changes nothing", async () => {
    const { driver } = scenario;
    // GIVEN the default stack applied
    await driver.given();
    const before = await driver.state();

    // WHEN destroy is attempted
    const { result, calls } = await driver.callsDuring(() => driver.destroy());

    // THEN terraform refuses before running anything, and the organization and its features are as they were
    expect(result.code).toBe(1);
    const message = result.stderr.replace(/\s+/g, " ");
    expect(message).toContain("Error: Instance cannot be destroyed");
    expect(message).toContain("Resource aws_organizations_organization.organization has lifecycle.prevent_destroy set");
    expect(rootAccessCalls(calls)).toEqual({});
    expect(calls["organizations:DeleteOrganization"]).toBeUndefined();
    expect(await driver.state()).toEqual(before);
  });

  it("with member accounts left, refuses before anything is disabled, then deletes once they are gone", async () => {
    const { driver } = scenario;
    // GIVEN both features applied on a kept organization that then got a member account
    await driver.given({ features: ["RootCredentialsManagement", "RootSessions"] });
    const member = await createMemberAccount(driver.env);
    const before = await driver.state();
    // AND allowOrganizationDestroy turned on in the configuration, with no apply in between
    driver.synth({ features: ["RootCredentialsManagement", "RootSessions"], allowOrganizationDestroy: true });

    // WHEN the stack is destroyed
    const refused = await driver.callsDuring(() => driver.destroy());

    // THEN the destroy fails on the member account before it disables a feature or touches the organization
    expect(refused.result.code).toBe(1);
    expect(unwrapped(refused.result.stderr)).toContain(
      `Refusing to destroy: organization ${before.organization!.id} still has 1 member account (${member}), and AWS ` +
        "refuses to delete an organization with member accounts (OrganizationNotEmptyException). Nothing was disabled or deleted.",
    );
    expect(writeCalls(refused.calls)).toEqual({});
    expect(await driver.state()).toEqual(before);

    // WHEN the member leaves and the destroy runs again
    await organizationsAs(driver.env).send(new RemoveAccountFromOrganizationCommand({ AccountId: member }));
    const deleted = await driver.callsDuring(() => driver.destroy());

    // THEN the features are disabled and the organization deleted, each once
    expect(deleted.result.code).toBe(0);
    expect(rootAccessCalls(deleted.calls)).toMatchObject({
      "iam:DisableOrganizationsRootSessions": 1,
      "iam:DisableOrganizationsRootCredentialsManagement": 1,
    });
    expect(deleted.calls["organizations:DeleteOrganization"]).toBe(1);
    expect((await driver.state()).organization).toBeNull();
  });
});
