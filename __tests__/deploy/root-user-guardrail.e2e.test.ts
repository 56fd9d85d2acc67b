import {
  AttachPolicyCommand,
  CreateOrganizationCommand,
  CreateOrganizationalUnitCommand,
  CreatePolicyCommand,
  DescribeOrganizationCommand,
  EnableAWSServiceAccessCommand,
  EnablePolicyTypeCommand,
  ListRootsCommand,
} from "@aws-sdk/client-organizations";
import { leastPrivilegePolicy } from "../../scripts/policy/least-privilege";
import { rootUserGuardrailDocument } from "../../scripts/shared/root-user-guardrail-policy";
import { parseAppConfig } from "../../stacks/config/load";
import { organizationsAs } from "../support/aws";
import { seedOrganization, snapshotDifferences, snapshotOrganization } from "../support/organization-snapshot";
import { STACK, actionsNeedingPermission, unwrapped, useScenario } from "../support/stack-driver";

// Moto stores and attaches SCPs but never evaluates them: these scenarios prove what is attached where, not
// what AWS would deny (the policy document itself is asserted exactly; see the README).
const scenario = useScenario();

const GUARDRAIL = "org-root-access-deny-root-user";
const IAM_ADDED = /^trustedServices: \+ \{"principal":"iam\.amazonaws\.com","enabled":"[^"]+"\}$/;

/** A root-deny SCP written the classic way: it also denies everything a central root session does. */
const CLASSIC_ROOT_DENY = JSON.stringify({
  Version: "2012-10-17",
  Statement: [
    {
      Effect: "Deny",
      Action: "*",
      Resource: "*",
      Condition: { ArnLike: { "aws:PrincipalArn": "arn:aws:iam::*:root" } },
    },
  ],
});

function allowedActions(stack: Record<string, unknown>): string[] {
  const config = parseAppConfig({ stacks: [{ name: STACK, ...stack }] }, "test").stacks[0];
  return leastPrivilegePolicy(config).Statement.flatMap((statement) => statement.Action);
}

async function guardrailIn(env: NodeJS.ProcessEnv) {
  const snapshot = await snapshotOrganization(env);
  return snapshot.policies.find((policy) => policy.name === GUARDRAIL);
}

describe("the root-user guardrail", () => {
  it("adopt: adds the SCP type's guardrail to the root, keeps every SCP and policy type, and the doctor still names the old blocking SCP", async () => {
    const { driver } = scenario;
    // GIVEN a lived-in organization (SCP and TAG policy types, an SCP on its OU) with a classic root-deny SCP on the OU
    const env = driver.env;
    const seeded = await seedOrganization(env);
    const organizations = organizationsAs(env);
    const classic = await organizations.send(
      new CreatePolicyCommand({
        Name: "classic-deny-root",
        Description: "",
        Type: "SERVICE_CONTROL_POLICY",
        Content: CLASSIC_ROOT_DENY,
      }),
    );
    const classicId = classic.Policy!.PolicySummary!.Id!;
    await organizations.send(new AttachPolicyCommand({ PolicyId: classicId, TargetId: seeded.ouId }));
    const before = await snapshotOrganization(env);

    // WHEN this stack first adopts it with the guardrail on an OU the organization does not have
    const stack = { organization: { mode: "adopt", id: seeded.organizationId }, rootUserGuardrail: {} };
    const typo = await driver.synth({ ...stack, rootUserGuardrail: { targets: ["ou-zz99-zzzzzzzz"] } }).plan();
    // THEN the plan fails, naming it, although adopting has changes of its own (IAM's trusted access), and nothing
    // was created
    expect(typo.code).toBe(1);
    expect(unwrapped(typo.stderr)).toContain("rootUserGuardrail.targets lists ou-zz99-zzzzzzzz, which is neither an OU");
    expect(await snapshotOrganization(env)).toEqual(before);

    // WHEN this stack adopts it with the guardrail on the root, through the plan gate
    const { result: applied, calls } = await driver.callsDuring(() => driver.synth(stack).applyOk());

    // THEN the guardrail is created and attached to the root, and nothing else changed but IAM's trusted access
    expect(applied.stdout).toContain("Apply complete! Resources: 1 imported, 3 added, 1 changed, 0 destroyed.");
    const after = await snapshotOrganization(env);
    const guardrail = after.policies.find((policy) => policy.name === GUARDRAIL);
    expect(guardrail).toEqual({
      id: expect.any(String),
      name: GUARDRAIL,
      type: "SERVICE_CONTROL_POLICY",
      targets: [seeded.rootId],
    });
    expect(snapshotDifferences(before, after)).toEqual([
      `policies: + ${JSON.stringify(guardrail)}`,
      expect.stringMatching(IAM_ADDED),
    ]);
    expect(actionsNeedingPermission(calls).filter((action) => !allowedActions(stack).includes(action))).toEqual([]);
    expect(await driver.converged()).toEqual({ planExitCode: 0, writes: {} });

    // AND the doctor still reports the classic SCP, the only problem, and not the guardrail
    const doctor = driver.doctor();
    expect(doctor.code).toBe(2);
    const problems = doctor.checks.filter((check) => check.status !== "ok");
    expect(problems.map((check) => check.check)).toEqual(["root task S3UnlockBucketPolicy", "root task SQSUnlockQueuePolicy"]);
    for (const problem of problems) {
      expect(problem.detail).toContain(`SCP classic-deny-root (${classicId})`);
      expect(problem.detail).not.toContain(GUARDRAIL);
    }

    // WHEN a later config lists an OU the organization does not have
    const stranger = await driver.synth({ ...stack, rootUserGuardrail: { targets: ["ou-zz99-zzzzzzzz"] } }).plan();
    // THEN the plan (not the apply) fails, naming it: the check reads the adopted organization at plan time
    expect(stranger.code).toBe(1);
    expect(unwrapped(stranger.stderr)).toContain("rootUserGuardrail.targets lists ou-zz99-zzzzzzzz, which is neither an OU");

    // WHEN a later config drops the guardrail
    const dropped = await driver.synth({ organization: stack.organization }).apply();
    // THEN the plan gate refuses, naming the SCP and the root it would be detached from, and nothing changed
    expect(dropped.code).toBe(1);
    expect(dropped.stdout).toContain(`would delete the SCP ${GUARDRAIL}`);
    expect(dropped.stdout).toContain(`would detach ${GUARDRAIL} from ${seeded.rootId}`);
    expect(await snapshotOrganization(env)).toEqual(after);
  });

  it("create: the guardrail is in place after the first apply, and the doctor finds nothing wrong (native implementation)", async () => {
    const { driver } = scenario;
    // GIVEN no organization; WHEN the first apply creates one with the guardrail
    const stack = { implementation: "native", rootUserGuardrail: { targets: ["root"] } };
    const { result: applied, calls } = await driver.callsDuring(() => driver.synth(stack).applyOk());

    // THEN SCPs are enabled and the guardrail, exactly the documented policy, is attached to the root
    expect(applied.stdout).toContain("Apply complete!");
    const snapshot = await snapshotOrganization(driver.env);
    expect(snapshot.roots[0].policyTypes).toContain("SERVICE_CONTROL_POLICY:ENABLED");
    expect(await guardrailIn(driver.env)).toMatchObject({ targets: [snapshot.roots[0].id] });
    expect(JSON.parse(driver.synthesizedJson()).resource.aws_organizations_policy["root-user-guardrail"].content).toBe(
      JSON.stringify(rootUserGuardrailDocument("aws")),
    );
    expect(actionsNeedingPermission(calls).filter((action) => !allowedActions(stack).includes(action))).toEqual([]);
    expect(await driver.converged()).toEqual({ planExitCode: 0, writes: {} });
    const doctor = driver.doctor();
    expect(doctor.checks.filter((check) => check.status !== "ok")).toEqual([]);
    expect(doctor.code).toBe(0);
  });

  it("external: the plan fails until SCPs are enabled, refuses the management account, then attaches to the OU listed", async () => {
    const { driver } = scenario;
    // GIVEN an organization another stack owns: IAM trusted, no SCP policy type, one OU
    const organizations = organizationsAs(driver.env);
    const { Organization } = await organizations.send(new CreateOrganizationCommand({ FeatureSet: "ALL" }));
    await organizations.send(new EnableAWSServiceAccessCommand({ ServicePrincipal: "iam.amazonaws.com" }));
    const rootId = (await organizations.send(new ListRootsCommand({}))).Roots![0].Id!;
    const ouId = (await organizations.send(new CreateOrganizationalUnitCommand({ ParentId: rootId, Name: "Workloads" })))
      .OrganizationalUnit!.Id!;
    const organization = { mode: "external", id: Organization!.Id };

    // WHEN the stack plans the guardrail on the OU
    const stack = { organization, rootUserGuardrail: { targets: [ouId] } };
    const refused = await driver.synth(stack).plan();
    // THEN the plan fails before any change, saying what to add in the owning stack
    expect(refused.code).toBe(1);
    expect(unwrapped(refused.stderr)).toContain(
      `Organization ${Organization!.Id} does not have the SERVICE_CONTROL_POLICY policy type enabled`,
    );

    // WHEN the owner enables SCPs, and the config lists the management account as a target
    await organizations.send(new EnablePolicyTypeCommand({ RootId: rootId, PolicyType: "SERVICE_CONTROL_POLICY" }));
    const management = (await organizations.send(new DescribeOrganizationCommand({}))).Organization!.MasterAccountId!;
    const withManagement = await driver.synth({ organization, rootUserGuardrail: { targets: [ouId, management] } }).plan();
    // THEN the plan says that SCPs never apply to it
    expect(withManagement.code).toBe(1);
    expect(unwrapped(withManagement.stderr)).toContain(
      `rootUserGuardrail.targets lists ${management}, the organization's management account`,
    );

    // WHEN the config lists an OU and an account that are not in the organization
    const strangers = ["ou-zz99-zzzzzzzz", "999988887777"];
    const unknown = await driver.synth({ organization, rootUserGuardrail: { targets: [ouId, ...strangers] } }).plan();
    // THEN the plan fails naming each of them, before anything is attached
    expect(unknown.code).toBe(1);
    for (const stranger of strangers) {
      expect(unwrapped(unknown.stderr)).toContain(
        `rootUserGuardrail.targets lists ${stranger}, which is neither an OU nor a member account of the organization`,
      );
    }
    expect(unwrapped(unknown.stderr)).not.toContain(`targets lists ${ouId},`);
    expect(await guardrailIn(driver.env)).toBeUndefined();

    // WHEN the config lists the OU only
    const { calls } = await driver.callsDuring(() => driver.synth(stack).applyOk());
    // THEN the guardrail is attached to the OU, and no organizations write but the guardrail's was sent
    expect(await guardrailIn(driver.env)).toMatchObject({ targets: [ouId] });
    expect(actionsNeedingPermission(calls).filter((action) => !allowedActions(stack).includes(action))).toEqual([]);
    expect(Object.keys(calls).filter((call) => /^organizations:(Enable|Create|Disable|Delete|Register)/.test(call))).toEqual([
      "organizations:CreatePolicy",
    ]);
  });
});
