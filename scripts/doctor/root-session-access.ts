import { PARTITIONS, Partition, rootUserArn } from "../shared/partitions";
import { ROOT_TASK_DEFINITIONS, RootTask, TaskResource } from "../shared/root-tasks";
import type { Account, Node, OrganizationScps, Scp } from "./organization-scps";
import { ContextValue, Request, RequestContext, ResourceTemplate, statementCoverage } from "./policy-language";

// What AWS evaluates for a central root session's request in a member account, per task and account: along the
// account's path (root → OU → ... → account), every level must have an attached SCP whose Allow covers the
// request, and no Deny anywhere may apply. SCPs never apply to the management account, so it is not evaluated;
// nor are accounts that are not ACTIVE (AWS opens no root session in them). Pure: no AWS call.

/** How a task fares in an account: the worst of its requests, over every region and resource it may touch. */
export type Outcome = "works" | "limited" | "cannot tell" | "blocked";

/** Why a task does not simply work: one statement (or one level without an Allow), and the actions it concerns. */
export interface Cause {
  readonly kind: "denied" | "not allowed" | "cannot tell" | "denied for some resources" | "allowed for some resources only";
  /** Where the policy is attached, or the level where no Allow covers the actions. */
  readonly node: Node;
  readonly policy?: { readonly id: string; readonly name: string; readonly statement: string };
  /** For "cannot tell": the construct the analysis cannot evaluate. */
  readonly construct?: string;
  readonly actions: readonly string[];
}

/** One task in one account. */
export interface TaskAccess {
  readonly task: RootTask;
  readonly account: Account;
  readonly outcome: Outcome;
  readonly causes: readonly Cause[];
  /** For a task limited by region: the regions where it is blocked. */
  readonly blockedRegions: readonly string[];
}

/** The member accounts the doctor evaluates: active, and not the management account. */
export function evaluatedAccounts(organization: OrganizationScps): Account[] {
  return organization.accounts.filter(
    (account) => account.status === "ACTIVE" && account.id !== organization.managementAccountId,
  );
}

/** Every task for every evaluated member account. */
export function evaluateRootSessionAccess(
  organization: OrganizationScps,
  { partition, tasks }: { readonly partition: Partition; readonly tasks: readonly RootTask[] },
): TaskAccess[] {
  const results: TaskAccess[] = [];
  for (const account of evaluatedAccounts(organization)) {
    const levels = organization.scpsEnabled ? levelsOf(organization, account) : undefined;
    for (const task of tasks) {
      if (levels === undefined) {
        results.push({ task, account, outcome: "works", causes: [], blockedRegions: [] });
        continue;
      }
      results.push({ task, account, ...taskOutcome(organization, partition, account, levels, task) });
    }
  }
  return results;
}

/** One level of an account's path: a node and the SCPs attached to it directly. */
interface Level {
  readonly node: Node;
  readonly policies: readonly Scp[];
}

function levelsOf(organization: OrganizationScps, account: Account): Level[] {
  const nodes: Node[] = [account];
  for (let parent = account.parentId; parent !== undefined && parent !== organization.root.id;) {
    const unit = organization.units.get(parent);
    if (unit === undefined) break;
    nodes.unshift(unit);
    parent = unit.parentId;
  }
  nodes.unshift(organization.root);
  return nodes.map((node) => ({
    node,
    policies: (organization.attachments.get(node.id) ?? []).flatMap((id) => organization.policies.get(id) ?? []),
  }));
}

interface RegionOutcome {
  readonly outcome: Outcome;
  readonly causes: Cause[];
}

const SEVERITY: Record<Outcome, number> = { works: 0, limited: 1, "cannot tell": 2, blocked: 3 };

function taskOutcome(
  organization: OrganizationScps,
  partition: Partition,
  account: Account,
  levels: readonly Level[],
  task: RootTask,
): Omit<TaskAccess, "task" | "account"> {
  const { requests } = ROOT_TASK_DEFINITIONS[task];
  const regional = requests.some((request) => request.resource === "bucket" || request.resource === "queue");
  const regions: readonly string[] = regional ? PARTITIONS[partition].regions : [PARTITIONS[partition].iamRegion];
  const byRegion = regions.map((region): RegionOutcome => {
    const context = requestContext(organization, partition, account, levels, region);
    let worst: RegionOutcome = { outcome: "works", causes: [] };
    for (const { action, resource } of requests) {
      const decided = decide(levels, { action, resource: template(resource, partition, account.id, region), context });
      if (SEVERITY[decided.outcome] > SEVERITY[worst.outcome]) worst = { outcome: decided.outcome, causes: [] };
      if (decided.outcome === worst.outcome) worst.causes.push(...decided.causes);
    }
    return worst;
  });
  const blockedRegions = regions.filter((_, index) => byRegion[index].outcome === "blocked");
  const causesOf = (...outcomes: Outcome[]) =>
    merge(byRegion.filter((region) => outcomes.includes(region.outcome)).flatMap((region) => region.causes));
  if (blockedRegions.length === regions.length) return { outcome: "blocked", causes: causesOf("blocked"), blockedRegions: [] };
  if (byRegion.some((region) => region.outcome === "cannot tell")) {
    return { outcome: "cannot tell", causes: causesOf("cannot tell"), blockedRegions: [] };
  }
  if (byRegion.some((region) => region.outcome !== "works")) {
    return { outcome: "limited", causes: causesOf("blocked", "limited"), blockedRegions };
  }
  return { outcome: "works", causes: [], blockedRegions: [] };
}

// The request context of a root session in `account`: what AWS documents for it, and nothing else.
function requestContext(
  organization: OrganizationScps,
  partition: Partition,
  account: Account,
  levels: readonly Level[],
  region: string,
): RequestContext {
  const single = (value: string): ContextValue => ({ values: [value], multivalued: false });
  const path = `${[organization.organizationId, ...levels.slice(0, -1).map((level) => level.node.id)].join("/")}/`;
  const paths: ContextValue = { values: [path], multivalued: true };
  return new Map([
    ["aws:principalarn", single(rootUserArn(partition, account.id))],
    ["aws:assumedroot", single("true")],
    ["aws:principalaccount", single(account.id)],
    ["aws:principalorgid", single(organization.organizationId)],
    ["aws:principalorgpaths", paths],
    ["aws:resourceaccount", single(account.id)],
    ["aws:resourceorgid", single(organization.organizationId)],
    ["aws:resourceorgpaths", paths],
    ["aws:requestedregion", single(region)],
  ]);
}

const LOWERCASE = "abcdefghijklmnopqrstuvwxyz";
const DIGITS = "0123456789";
const WORD = `${LOWERCASE}${LOWERCASE.toUpperCase()}${DIGITS}_`;

// What a call touches; names the doctor does not know are any name AWS allows (bucket names: lowercase letters,
// digits, "." and "-"; queue names: letters, digits, "_", "-" and ".fifo"; MFA devices: a path and a name).
function template(resource: TaskResource, partition: Partition, accountId: string, region: string): ResourceTemplate {
  switch (resource) {
    case "root user":
      return { prefix: rootUserArn(partition, accountId) };
    case "none":
      return { prefix: "*" };
    case "virtual MFA device":
      return { prefix: `arn:${partition}:iam::${accountId}:mfa/`, nameCharacters: `${WORD}+=,.@-/` };
    case "bucket":
      return { prefix: `arn:${partition}:s3:::`, nameCharacters: `${LOWERCASE}${DIGITS}.-` };
    case "queue":
      return { prefix: `arn:${partition}:sqs:${region}:${accountId}:`, nameCharacters: `${WORD}-.` };
  }
}

// One request along the path: an explicit Deny anywhere, or a level where no Allow covers it, blocks it.
function decide(levels: readonly Level[], request: Request): RegionOutcome {
  const denied: Cause[] = [];
  const partlyDenied: Cause[] = [];
  const unknown: Cause[] = [];
  const notAllowed: Cause[] = [];
  const partlyAllowed: Cause[] = [];
  const actions = [request.action];
  for (const { node, policies } of levels) {
    let allowed: "all" | "some" | "unknown" | "none" = "none";
    const levelUnknown: Cause[] = [];
    const levelPartial: Cause[] = [];
    for (const policy of policies) {
      for (const statement of policy.statements) {
        const where = { id: policy.id, name: policy.name, statement: statement.sid };
        if ("unreadable" in statement) {
          // It may be a Deny of anything: nothing short of a certain block can be told past it.
          unknown.push({ kind: "cannot tell", node, policy: where, construct: statement.unreadable, actions });
          continue;
        }
        const covered = statementCoverage(statement, request);
        if (covered === "none") continue;
        if (statement.effect === "Deny") {
          if (covered === "all") denied.push({ kind: "denied", node, policy: where, actions });
          else if (covered === "some") partlyDenied.push({ kind: "denied for some resources", node, policy: where, actions });
          else unknown.push({ kind: "cannot tell", node, policy: where, construct: covered.unknown, actions });
          continue;
        }
        if (covered === "all") allowed = "all";
        else if (covered === "some") {
          if (allowed === "none") allowed = "some";
          levelPartial.push({ kind: "allowed for some resources only", node, policy: where, actions });
        } else {
          if (allowed !== "all") allowed = "unknown";
          levelUnknown.push({ kind: "cannot tell", node, policy: where, construct: covered.unknown, actions });
        }
      }
    }
    if (allowed === "none") notAllowed.push({ kind: "not allowed", node, actions });
    else if (allowed === "unknown") unknown.push(...levelUnknown);
    else if (allowed === "some") partlyAllowed.push(...levelPartial);
  }
  if (denied.length > 0 || notAllowed.length > 0) return { outcome: "blocked", causes: [...denied, ...notAllowed] };
  if (unknown.length > 0) return { outcome: "cannot tell", causes: unknown };
  if (partlyDenied.length > 0 || partlyAllowed.length > 0)
    return { outcome: "limited", causes: [...partlyDenied, ...partlyAllowed] };
  return { outcome: "works", causes: [] };
}

// The same cause for several actions (or regions) is one cause naming them all.
function merge(causes: readonly Cause[]): Cause[] {
  const merged = new Map<string, Cause>();
  for (const cause of causes) {
    const key = JSON.stringify([cause.kind, cause.node.id, cause.policy, cause.construct]);
    const earlier = merged.get(key);
    const actions = earlier ? [...new Set([...earlier.actions, ...cause.actions])] : [...cause.actions];
    merged.set(key, { ...cause, actions });
  }
  return [...merged.values()];
}
