import { DisableOrganizationsRootSessionsCommand, ListOrganizationsFeaturesCommand } from "@aws-sdk/client-iam";
import { iam, iamError, listed, runScript, sentToIam } from "./harness";

describe("disable", () => {
  it("disables an enabled feature, verifies it and prints the result", async () => {
    // GIVEN both features are enabled
    iam
      .on(ListOrganizationsFeaturesCommand)
      .resolvesOnce(listed("RootCredentialsManagement", "RootSessions"))
      .resolves(listed("RootCredentialsManagement"));
    iam.on(DisableOrganizationsRootSessionsCommand).resolves(listed("RootCredentialsManagement"));
    // WHEN RootSessions is disabled
    const { code, result } = await runScript(["disable", "RootSessions"]);
    // THEN only its Disable operation is sent, between two reads
    expect(code).toBe(0);
    expect(sentToIam()).toEqual(["ListOrganizationsFeatures", "DisableOrganizationsRootSessions", "ListOrganizationsFeatures"]);
    expect(result).toEqual({
      action: "disable",
      feature: "RootSessions",
      organizationId: "o-a1b2c3d4e5",
      before: ["RootCredentialsManagement", "RootSessions"],
      after: ["RootCredentialsManagement"],
      changed: true,
    });
  });

  it("sends no write when the feature is already disabled", async () => {
    iam.on(ListOrganizationsFeaturesCommand).resolves(listed("RootCredentialsManagement"));
    const { code, result, stderr } = await runScript(["disable", "RootSessions"]);
    expect(code).toBe(0);
    expect(sentToIam()).toEqual(["ListOrganizationsFeatures"]);
    expect(result).toMatchObject({ before: ["RootCredentialsManagement"], after: ["RootCredentialsManagement"], changed: false });
    expect(stderr).toBe("root-access: RootSessions is already disabled in o-a1b2c3d4e5; nothing to change.");
  });

  it.each(["OrganizationNotFoundException", "OrganizationNotFound"])(
    "succeeds with nothing to disable when IAM answers %s (no organization), without waiting or writing",
    async (code) => {
      iam.on(ListOrganizationsFeaturesCommand).rejects(iamError(code));
      const run = await runScript(["disable", "RootSessions"]);
      expect(run.code).toBe(0);
      expect(sentToIam()).toEqual(["ListOrganizationsFeatures"]);
      expect(run.result).toEqual({
        action: "disable",
        feature: "RootSessions",
        organizationId: "o-a1b2c3d4e5",
        before: [],
        after: [],
        changed: false,
      });
      expect(run.stderr).toContain("answered OrganizationNotFound: there is no organization, so nothing to disable.");
    },
  );

  it.each(["ServiceAccessNotEnabledException", "ServiceAccessNotEnabled"])(
    "does not claim the feature is off when IAM answers %s (trusted access gone): its state is unknown",
    async (code) => {
      // GIVEN IAM will not say (its trusted access was disabled; whether it keeps features is undocumented)
      iam.on(ListOrganizationsFeaturesCommand).rejects(iamError(code));
      // WHEN the feature is disabled (a destroy, or the feature removed from the config)
      const run = await runScript(["disable", "RootSessions"]);
      // THEN nothing is written, the destroy can go on, and the result says unknown, not disabled
      expect(run.code).toBe(0);
      expect(sentToIam()).toEqual(["ListOrganizationsFeatures"]);
      expect(run.result).toEqual({
        action: "disable",
        feature: "RootSessions",
        organizationId: "o-a1b2c3d4e5",
        before: null,
        after: null,
        changed: false,
      });
      expect(run.stderr).toContain("Cannot tell whether RootSessions is still enabled: IAM trusted access is not enabled");
      expect(run.stderr).toContain('run "root-access disable RootSessions", then disable trusted access again');
    },
  );

  it("fails with 'wrong organization' before any write", async () => {
    iam.on(ListOrganizationsFeaturesCommand).resolves({ OrganizationId: "o-zzzzzzzzzz", EnabledFeatures: ["RootSessions"] });
    const { code, stderr } = await runScript(["disable", "RootSessions"]);
    expect(code).toBe(1);
    expect(sentToIam()).toEqual(["ListOrganizationsFeatures"]);
    expect(stderr).toContain(
      "Wrong organization: IAM reports organization o-zzzzzzzzzz for these credentials, but this stack manages o-a1b2c3d4e5.",
    );
  });

  it("fails when the feature is still listed when the wait runs out after IAM accepted the write", async () => {
    iam.on(ListOrganizationsFeaturesCommand).resolves(listed("RootSessions"));
    iam.on(DisableOrganizationsRootSessionsCommand).resolves(listed("RootSessions"));
    const { code, stderr } = await runScript(["disable", "RootSessions"], {
      ROOT_ACCESS_WAIT_SECONDS: "0",
      ROOT_ACCESS_STACK: "prod",
    });
    expect(code).toBe(1);
    expect(stderr).toContain(
      "IAM accepted the request to disable RootSessions, but ListOrganizationsFeatures still listed [RootSessions] after 0 s. " +
        'The change may still be propagating: raise "serviceAccessWaitSeconds" of stack "prod" in the configuration (now 0)',
    );
  });
});
