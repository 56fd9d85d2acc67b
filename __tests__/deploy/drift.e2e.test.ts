import { spawnSync } from "node:child_process";
import * as path from "node:path";
import { DisableOrganizationsRootSessionsCommand } from "@aws-sdk/client-iam";
import { DisableAWSServiceAccessCommand } from "@aws-sdk/client-organizations";
import { iamAs, organizationsAs } from "../support/aws";
import { StackDriver, useScenario } from "../support/stack-driver";
import { builtProgram } from "../support/paths";

const scenario = useScenario();
const native = { implementation: "native" };
const BOTH = ["RootCredentialsManagement", "RootSessions"];

/** `npm run drift -- e2e` against the driver's config. */
function drift(driver: StackDriver) {
  const cli = builtProgram("drift");
  return spawnSync(process.execPath, [cli, "e2e"], {
    env: { ...driver.env, ROOT_ACCESS_CONFIG: path.join(driver.dir, "root-access.config.json") },
    encoding: "utf8",
  });
}

describe("drift: a feature disabled out of band", () => {
  it("shows in terraform plan in native mode", async () => {
    const { driver } = scenario;
    await driver.given({ ...native, features: BOTH });
    await iamAs(driver.env).send(new DisableOrganizationsRootSessionsCommand({}));
    const plan = await driver.terraform.plan();
    expect(plan.code).toBe(2);
    expect(plan.stdout).toContain("aws_iam_organizations_features.features[0] will be updated in-place");
  });

  it("does not show in terraform plan in script mode, but npm run drift finds it (exit 2)", async () => {
    const { driver } = scenario;
    await driver.given({ features: BOTH });
    expect(drift(driver).status).toBe(0);
    await iamAs(driver.env).send(new DisableOrganizationsRootSessionsCommand({}));
    expect(await driver.converged()).toEqual({ planExitCode: 0, writes: {} });
    const found = drift(driver);
    expect(found.status).toBe(2);
    expect(JSON.parse(found.stdout)).toMatchObject({ missing: ["RootSessions"], inDesiredState: false });
  });
});

describe("drift: IAM trusted access disabled out of band", () => {
  it.each([
    ["kept", { status: 0, missing: [] }],
    ["forgotten", { status: 2, missing: BOTH }],
  ] as const)(
    "npm run drift calls the features unknown, never disabled; once trusted access is back they are %s",
    async (knob, afterwards) => {
      const { driver, emulator } = scenario;
      // GIVEN both features applied, and the emulator's assumption about what IAM does (AWS does not document it)
      await emulator.configure({ featuresWhenTrustedAccessDisabled: knob });
      await driver.given({ features: BOTH });
      // WHEN someone disables IAM trusted access
      await organizationsAs(driver.env).send(new DisableAWSServiceAccessCommand({ ServicePrincipal: "iam.amazonaws.com" }));
      // THEN drift is reported (exit 2) with the features' state unknown, not "missing"
      const found = drift(driver);
      expect(found.status).toBe(2);
      expect(JSON.parse(found.stdout)).toMatchObject({ enabled: null, missing: [], unknown: BOTH, inDesiredState: false });
      expect(found.stderr).toContain("IAM trusted access is not enabled in the organization");
      // WHEN the stack is applied again THEN trusted access is back, and drift tells what IAM did with the features
      await driver.given({ features: BOTH });
      const after = drift(driver);
      expect({ status: after.status, missing: JSON.parse(after.stdout).missing }).toEqual(afterwards);
    },
  );
});
