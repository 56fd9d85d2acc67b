import { inlineIds } from "../command-line/id-list";
import type { RootTask } from "../shared/root-tasks";
import { Check, DOCTOR_CHECKS } from "./catalogue";
import type { Node, OrganizationScps } from "./organization-scps";
import { Cause, Outcome, TaskAccess, evaluatedAccounts } from "./root-session-access";

// The doctor's results for root tasks: one per task when it works everywhere, else one per group of accounts that
// fare alike (same outcome, same causes), naming the accounts by OU, the policy and statement, and what to change.

/** How many account ids a result names per OU in its text; the JSON lists them all. */
const IDS_PER_UNIT = 10;

const STATUS: Record<Exclude<Outcome, "works">, Check["status"]> = {
  blocked: "problem",
  "cannot tell": "cannot tell",
  limited: "limited",
};

/** The checks for every task the stack needs, from the evaluation of every member account. */
export function rootTaskChecks(
  organization: OrganizationScps,
  tasks: readonly RootTask[],
  access: readonly TaskAccess[],
): Check[] {
  const members = evaluatedAccounts(organization).length;
  const checks: Check[] = [];
  for (const task of tasks) {
    const name = `${DOCTOR_CHECKS.rootTask.name} ${task}`;
    const groups = new Map<string, TaskAccess[]>();
    for (const result of access) {
      if (result.task !== task || result.outcome === "works") continue;
      const key = JSON.stringify([result.outcome, result.causes, result.blockedRegions]);
      groups.set(key, [...(groups.get(key) ?? []), result]);
    }
    if (groups.size === 0) {
      checks.push({
        check: name,
        status: "ok",
        task,
        detail:
          members === 0
            ? "no active member account to evaluate"
            : `works in all ${members} active member account${members === 1 ? "" : "s"}` +
              (organization.scpsEnabled ? "" : " (no SCP applies: the SERVICE_CONTROL_POLICY type is not enabled)"),
      });
      continue;
    }
    for (const group of [...groups.values()].sort((a, b) => b.length - a.length)) {
      const [{ outcome, causes, blockedRegions, examples }] = group;
      if (outcome === "works") continue;
      const accounts = group.map((result) => result.account.id);
      const regions =
        blockedRegions.length > 0
          ? ` It is blocked in ${blockedRegions.join(", ")} and works in the other regions.`
          : outcome === "limited" && examples?.blocked.name !== undefined && examples.works.name !== undefined
            ? ` For example, ${JSON.stringify(examples.blocked.name)} is blocked and ${JSON.stringify(examples.works.name)} works.`
            : "";
      checks.push({
        check: name,
        status: STATUS[outcome],
        task,
        accounts,
        detail:
          `${outcome} in ${group.length} of ${members} member account${members === 1 ? "" : "s"} ` +
          `(${accountsByUnit(organization, group)}): ${causes.map((cause) => describe(organization, cause)).join("; ")}.${regions}`,
        fix: [...new Set(causes.map((cause) => fixFor(cause, blockedRegions.length > 0)))].join("; "),
        ...(examples ? { examples } : {}),
      });
    }
  }
  return checks;
}

/** How many OUs a result names its accounts in; the JSON lists every account. */
const UNITS_NAMED = 5;

function accountsByUnit(organization: OrganizationScps, group: readonly TaskAccess[]): string {
  const byUnit = new Map<string, string[]>();
  for (const { account } of group)
    byUnit.set(account.parentId ?? "", [...(byUnit.get(account.parentId ?? "") ?? []), account.id]);
  const units = [...byUnit.entries()].sort((a, b) => b[1].length - a[1].length);
  const named = units.slice(0, UNITS_NAMED).map(([unitId, ids]) => {
    const unit = unitId === organization.root.id ? organization.root : organization.units.get(unitId);
    return `${unit ? label(organization, unit) : unitId}: ${inlineIds(ids, IDS_PER_UNIT)}`;
  });
  const others = units.slice(UNITS_NAMED);
  const more = others.reduce((sum, [, ids]) => sum + ids.length, 0);
  return [
    ...named,
    ...(others.length > 0 ? [`and ${more} more in ${others.length} other OUs (--json lists every account)`] : []),
  ].join("; ");
}

function label(organization: OrganizationScps, node: Node): string {
  if (node.id === organization.root.id) return `the root ${node.id}`;
  if (organization.units.has(node.id)) return `OU ${node.name} (${node.id})`;
  return `account ${node.id}${node.name ? ` (${node.name})` : ""}`;
}

function describe(organization: OrganizationScps, cause: Cause): string {
  // The delegated administrator's own call is not a root session's: say whose request it is.
  const actions = cause.actions
    .map((action) =>
      action === "sts:AssumeRoot" ? "the caller's own sts:AssumeRoot (IAM's delegated administrator's principal)" : action,
    )
    .join(", ");
  const where = label(organization, cause.node);
  const policy = cause.policy
    ? `${cause.policy.type} ${cause.policy.name} (${cause.policy.id}) statement "${cause.policy.statement}", attached to ${where},`
    : "";
  switch (cause.kind) {
    case "denied":
      return `${policy} denies ${actions}`;
    case "not allowed":
      return `no SCP attached to ${where} allows ${actions}`;
    case "cannot tell":
      return `${policy} cannot be evaluated for ${actions}: ${cause.construct}`;
    case "denied for some resources":
      return `${policy} denies ${actions} for some of the buckets, queues or devices the task may touch`;
    case "allowed for some resources only":
      return `${policy} allows ${actions} only for some of the buckets, queues or devices the task may touch`;
  }
}

function fixFor(cause: Cause, byRegion: boolean): string {
  if (cause.actions.includes("sts:AssumeRoot") && cause.kind !== "cannot tell") {
    return (
      "let the delegated administrator's principal call sts:AssumeRoot there (SCPs apply to IAM's delegated " +
      "administrator, a member account), or open the sessions from the management account, which no SCP applies to"
    );
  }
  switch (cause.kind) {
    case "denied":
    case "denied for some resources":
      return byRegion
        ? `run the task in a region the ${cause.policy?.type ?? "SCP"} allows, or exempt central root sessions from it ` +
            '(add "Null": { "aws:AssumedRoot": "true" } to its Condition)'
        : 'exempt central root sessions: add "Null": { "aws:AssumedRoot": "true" } to the statement\'s Condition ' +
            "(Control Tower's root-user control: re-enable it with ExemptAssumeRoot), or narrow its Action or Resource";
    case "not allowed":
    case "allowed for some resources only":
      return "attach to that level an SCP whose Allow covers these actions (FullAWSAccess, or add them to the allow list)";
    case "cannot tell":
      return "read the statement and make sure it lets central root sessions (aws:AssumedRoot) through; the doctor cannot evaluate it";
  }
}
