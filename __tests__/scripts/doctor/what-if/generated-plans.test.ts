import fc from "fast-check";
import { futureOrganization } from "../../../../scripts/doctor/what-if/future-organization";
import type { OrganizationChange } from "../../../../scripts/doctor/what-if/organization-changes";
import { evaluateRootSessionAccess } from "../../../../scripts/doctor/root-session-access";
import type { OrganizationScps } from "../../../../scripts/doctor/organization-scps";
import { tasksOf } from "../../../../scripts/shared/root-tasks";
import { NOW, ROOT, generatedOrganization } from "../generated-organizations";
import { ScpSetup, organizationOf } from "../scp-setups";

// The what-if evaluates the organization as a plan would leave it: the live organization with the plan's changes
// applied. On generated organizations, that must judge every task in every account exactly as the organization
// that has the change from the start, which the differential test proves against an independent IAM simulator
// (@cloud-copilot/iam-simulate). So the what-if's "after" is as sound as the doctor: the simulator vouches for the
// organization, this test for the way the plan's changes are applied to it.

/** Organizations per run in the unit tier; WHAT_IF_RUNS for more (300 take about 20 s). */
const RUNS = Number(process.env.WHAT_IF_RUNS ?? 60);

/** Every task's outcome (and blocked regions) in every account: what the what-if compares. */
function judged(organization: OrganizationScps, setup: ScpSetup): Record<string, string> {
  const access = evaluateRootSessionAccess(organization, {
    partition: setup.partition,
    tasks: tasksOf(setup.features),
    now: NOW,
  });
  return Object.fromEntries(
    access.map((result) => [`${result.account.id} ${result.task}`, `${result.outcome} ${result.blockedRegions.join(",")}`]),
  );
}

/** A plan that creates `policy` (an SCP or an RCP) and attaches it to each of its targets. */
function creating(policy: ScpSetup["policies"][number], type: "SCP" | "RCP"): OrganizationChange[] {
  const created = { created: "aws_organizations_policy.generated" };
  return [
    {
      kind: "put policy",
      address: "aws_organizations_policy.generated",
      policy: created,
      type,
      name: policy.name,
      content: JSON.stringify(policy.document),
    },
    ...policy.targets.map((target, index): OrganizationChange => ({
      kind: "attach",
      address: `aws_organizations_policy_attachment.generated[${index}]`,
      policy: created,
      target: { id: target },
    })),
  ];
}

describe("the what-if's organization after a plan, on generated organizations", () => {
  it(`judges like the organization that has the change from the start (${RUNS} organizations, three kinds of plan)`, () => {
    fc.assert(
      fc.property(generatedOrganization, (setup) => {
        // GIVEN an organization, and the same one without its last SCP (or RCP)
        const kinds = [
          ...(setup.policies.length > 0 ? (["SCP"] as const) : []),
          ...((setup.rcps ?? []).length > 0 ? (["RCP"] as const) : []),
        ];
        for (const type of kinds) {
          const list = type === "SCP" ? setup.policies : setup.rcps!;
          const last = list[list.length - 1];
          const without: ScpSetup =
            type === "SCP" ? { ...setup, policies: list.slice(0, -1) } : { ...setup, rcps: list.slice(0, -1) };
          // WHEN a plan creates and attaches it THEN the result judges as the organization that had it
          const added = futureOrganization(organizationOf(without), creating(last, type));
          expect(added.unknowns).toEqual([]);
          expect(judged(added.organization, setup)).toEqual(judged(organizationOf(setup), setup));
          // WHEN a plan deletes it THEN the result judges as the organization that never had it
          const deleted = futureOrganization(organizationOf(setup), [
            { kind: "delete policy", address: "aws_organizations_policy.x", id: last.id },
          ]);
          expect(judged(deleted.organization, setup)).toEqual(judged(organizationOf(without), setup));
        }
        // WHEN a plan moves the first member account to the root THEN it judges as if the account had been there
        const [account] = setup.accounts.filter((candidate) => candidate.id !== setup.managementAccountId);
        if (account !== undefined) {
          const moved: ScpSetup = {
            ...setup,
            accounts: setup.accounts.map((each) => (each === account ? { ...each, parent: ROOT } : each)),
          };
          const future = futureOrganization(organizationOf(setup), [
            { kind: "move", address: "aws_organizations_account.a", account: { id: account.id }, parent: { id: ROOT } },
          ]);
          expect(judged(future.organization, setup)).toEqual(judged(organizationOf(moved), setup));
        }
      }),
      { numRuns: RUNS, seed: 41 },
    );
  });
});
