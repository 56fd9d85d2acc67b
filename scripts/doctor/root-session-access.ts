import { PARTITIONS, Partition, rootUserArn } from "../shared/partitions";
import { ROOT_TASK_DEFINITIONS, RootTask, TaskResource, taskPolicyArn } from "../shared/root-tasks";
import type { Account, Node, OrganizationScps, Scp } from "./organization-scps";
import {
  ContextValue,
  Coverage,
  NameSet,
  Request,
  RequestContext,
  ResourceTemplate,
  combinedCoverage,
  statementCoverage,
} from "./policy-language";

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
  {
    partition,
    tasks,
    caller,
  }: {
    readonly partition: Partition;
    readonly tasks: readonly RootTask[];
    /** Who opens the sessions: when it is IAM's delegated administrator, SCPs apply to its sts:AssumeRoot too. */
    readonly caller?: { readonly accountId: string; readonly arn: string; readonly region: string };
  },
): TaskAccess[] {
  const applies = organization.scpsEnabled || organization.rcps.size > 0;
  const opener =
    caller && applies && caller.accountId !== organization.managementAccountId
      ? assumeRootFrom(organization, partition, caller)
      : undefined;
  const results: TaskAccess[] = [];
  for (const account of evaluatedAccounts(organization)) {
    const levels = applies ? levelsOf(organization, account) : undefined;
    for (const task of tasks) {
      if (levels === undefined) {
        results.push({ task, account, outcome: "works", causes: [], blockedRegions: [] });
      } else if ("missing" in levels) {
        results.push({
          task,
          account,
          outcome: "cannot tell",
          causes: [pathNotRead(account, levels.missing)],
          blockedRegions: [],
        });
      } else {
        const inSession = taskOutcome(organization, partition, account, levels, task);
        results.push({ task, account, ...(opener ? worse(inSession, opener(account, task)) : inSession) });
      }
    }
  }
  return results;
}

// A level of the path that was not read may hold a Deny, or lack the Allow: nothing can be told.
function pathNotRead(node: Node, missing: string): Cause {
  return { kind: "cannot tell", node, construct: `its path: ${missing} was not read`, actions: [] };
}

/**
 * sts:AssumeRoot itself, when IAM's delegated administrator (a member account, which SCPs apply to) opens the
 * sessions: evaluated along its own path, with what is known of the caller (its account, its organization path,
 * its ARN when it is an IAM user; an assumed role's ARN does not show the role's path, so it stays unknown).
 */
function assumeRootFrom(
  organization: OrganizationScps,
  partition: Partition,
  caller: { readonly accountId: string; readonly arn: string; readonly region: string },
): (account: Account, task: RootTask) => Omit<TaskAccess, "task" | "account"> {
  const callerAccount = organization.accounts.find((account) => account.id === caller.accountId);
  const levels = callerAccount && levelsOf(organization, callerAccount);
  return (account, task) => {
    if (levels === undefined) {
      const cause = pathNotRead(account, `the caller's account ${caller.accountId}, which is not in the organization,`);
      return { outcome: "cannot tell", causes: [cause], blockedRegions: [] };
    }
    if ("missing" in levels)
      return { outcome: "cannot tell", causes: [pathNotRead(account, levels.missing)], blockedRegions: [] };
    const single = (value: string): ContextValue => ({ values: [value], multivalued: false });
    const context = new Map<string, ContextValue>([
      ["aws:principalaccount", single(caller.accountId)],
      ["aws:principalorgid", single(organization.organizationId)],
      ["aws:principalorgpaths", { values: [orgPath(organization, levels)], multivalued: true }],
      ["aws:requestedregion", single(caller.region)],
      ["sts:taskpolicyarn", single(taskPolicyArn(task, partition))],
      ...(/^arn:[\w-]+:iam::\d{12}:user\//.test(caller.arn) ? [["aws:principalarn", single(caller.arn)] as const] : []),
    ]);
    const { outcome, causes } = decideTask(levels, [
      { action: "sts:AssumeRoot", resource: { prefix: rootUserArn(partition, account.id) }, context },
    ]);
    return { outcome, causes, blockedRegions: [] };
  };
}

const SEVERITY: Record<Outcome, number> = { works: 0, limited: 1, "cannot tell": 2, blocked: 3 };

function worse(
  a: Omit<TaskAccess, "task" | "account">,
  b: Omit<TaskAccess, "task" | "account">,
): Omit<TaskAccess, "task" | "account"> {
  if (SEVERITY[a.outcome] === SEVERITY[b.outcome]) {
    return { outcome: a.outcome, causes: merge([...a.causes, ...b.causes]), blockedRegions: a.blockedRegions };
  }
  return SEVERITY[a.outcome] > SEVERITY[b.outcome] ? a : b;
}

/** One level of an account's path: a node and the SCPs and RCPs attached to it directly. */
interface Level {
  readonly node: Node;
  /** Undefined when the SERVICE_CONTROL_POLICY type is not enabled: no SCP applies, nothing needs an Allow. */
  readonly policies: readonly Scp[] | undefined;
  readonly rcps: readonly Scp[];
}

/** The services resource control policies apply to, among those of root tasks. */
const RCP_SERVICES = ["s3:", "sqs:"];

function levelsOf(organization: OrganizationScps, account: Account): Level[] | { readonly missing: string } {
  const nodes: Node[] = [account];
  for (let parent = account.parentId; parent !== organization.root.id;) {
    const unit = parent === undefined ? undefined : organization.units.get(parent);
    if (unit === undefined) return { missing: `the parent ${parent ?? "(none)"} of ${nodes[0].id}` };
    nodes.unshift(unit);
    parent = unit.parentId;
  }
  nodes.unshift(organization.root);
  return nodes.map((node) => ({
    node,
    policies: organization.scpsEnabled
      ? (organization.attachments.get(node.id) ?? []).flatMap((id) => organization.policies.get(id) ?? [])
      : undefined,
    rcps: (organization.rcpAttachments.get(node.id) ?? []).flatMap((id) => organization.rcps.get(id) ?? []),
  }));
}

interface RegionOutcome {
  readonly outcome: Outcome;
  readonly causes: Cause[];
}

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
    return decideTask(
      levels,
      requests.map(({ action, resource }) => ({ action, resource: template(resource, partition, account.id, region), context })),
    );
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
  const paths: ContextValue = { values: [orgPath(organization, levels)], multivalued: true };
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
// digits, "." and "-", starting and ending with a letter or digit; queue names: letters, digits, "_", "-" and
// ".fifo"; MFA devices: a path and a name).
/** aws:PrincipalOrgPaths of an account: the organization, the root and each OU down to it, each ending in "/". */
function orgPath(organization: OrganizationScps, levels: readonly Level[]): string {
  return `${[organization.organizationId, ...levels.slice(0, -1).map((level) => level.node.id)].join("/")}/`;
}

function template(resource: TaskResource, partition: Partition, accountId: string, region: string): ResourceTemplate {
  switch (resource) {
    case "root user":
      return { prefix: rootUserArn(partition, accountId) };
    case "none":
      return { prefix: "*" };
    case "virtual MFA device":
      return { prefix: `arn:${partition}:iam::${accountId}:mfa/`, nameCharacters: `${WORD}+=,.@-/` };
    case "bucket":
      return {
        prefix: `arn:${partition}:s3:::`,
        nameCharacters: `${LOWERCASE}${DIGITS}.-`,
        edgeCharacters: `${LOWERCASE}${DIGITS}`,
      };
    case "queue":
      return { prefix: `arn:${partition}:sqs:${region}:${accountId}:`, nameCharacters: `${WORD}-.` };
  }
}

/** A statement that covers some of the names a request may touch, and why it matters. */
interface Partial {
  readonly names: NameSet;
  readonly cause: Cause;
}

/** What the path does to one request, before the requests of a task are combined. */
interface RequestAnalysis {
  /** A Deny that applies to everything the request touches, and levels without any Allow for it. */
  readonly blocked: readonly Cause[];
  readonly unknown: readonly Cause[];
  /** Denies that apply to some names only. */
  readonly partialDenies: readonly Partial[];
  /** Levels whose Allows cover some names only: a name passes the level if one of them accepts it. */
  readonly partialLevels: readonly (readonly Partial[])[];
}

// One request along the path: an explicit Deny anywhere, or a level where no Allow covers it, blocks it.
function analyse(levels: readonly Level[], request: Request): RequestAnalysis {
  const blocked: Cause[] = [];
  const unknown: Cause[] = [];
  const partialDenies: Partial[] = [];
  const partialLevels: Partial[][] = [];
  const actions = [request.action];
  const rcpsApply = RCP_SERVICES.some((service) => request.action.toLowerCase().startsWith(service));
  // A Deny that applies: to everything the request touches, to some names, or cannot be told. An unreadable
  // statement counts as one that cannot be told: it may be a Deny of anything.
  const deny = (covered: Coverage, cause: Omit<Cause, "kind" | "construct">) => {
    if (covered === "all") blocked.push({ ...cause, kind: "denied" });
    else if (covered === "none") return;
    else if ("some" in covered)
      partialDenies.push({ names: covered.some, cause: { ...cause, kind: "denied for some resources" } });
    else unknown.push({ ...cause, kind: "cannot tell", construct: covered.unknown });
  };
  for (const { node, policies, rcps } of levels) {
    // RCPs limit what is done to the account's buckets and queues: only their Denies count (RCPFullAWSAccess
    // is attached everywhere and cannot be detached).
    for (const policy of rcpsApply ? rcps : []) {
      for (const statement of policy.statements) {
        const cause = { node, policy: { id: policy.id, name: `${policy.name} (RCP)`, statement: statement.sid }, actions };
        if ("unreadable" in statement) deny({ unknown: statement.unreadable }, cause);
        else if (statement.effect === "Deny") deny(statementCoverage(statement, request), cause);
      }
    }
    if (policies === undefined) continue;
    let allowedAll = false;
    const levelUnknown: Cause[] = [];
    const levelPartial: Partial[] = [];
    for (const policy of policies) {
      for (const statement of policy.statements) {
        const cause = { node, policy: { id: policy.id, name: policy.name, statement: statement.sid }, actions };
        if ("unreadable" in statement) {
          deny({ unknown: statement.unreadable }, cause);
          continue;
        }
        const covered = statementCoverage(statement, request);
        if (statement.effect === "Deny") deny(covered, cause);
        else if (covered === "all") allowedAll = true;
        else if (covered === "none") continue;
        else if ("some" in covered)
          levelPartial.push({ names: covered.some, cause: { ...cause, kind: "allowed for some resources only" } });
        else levelUnknown.push({ ...cause, kind: "cannot tell", construct: covered.unknown });
      }
    }
    if (allowedAll) continue;
    if (levelUnknown.length > 0) unknown.push(...levelUnknown);
    else if (levelPartial.length > 0) partialLevels.push(levelPartial);
    else blocked.push({ kind: "not allowed", node, actions });
  }
  return { blocked, unknown, partialDenies, partialLevels };
}

// A task's requests in one region, together: a bucket (queue, MFA device) works only when every call the task
// makes on it passes, so statements that cover some names are combined exactly, name by name.
function decideTask(levels: readonly Level[], requests: readonly Request[]): RegionOutcome {
  const analyses = requests.map((request) => analyse(levels, request));
  const blocked = analyses.flatMap((analysis) => analysis.blocked);
  if (blocked.length > 0) return { outcome: "blocked", causes: blocked };
  const unknown = analyses.flatMap((analysis) => analysis.unknown);
  if (unknown.length > 0) return { outcome: "cannot tell", causes: unknown };
  const partials = analyses.flatMap((analysis) => [...analysis.partialDenies, ...analysis.partialLevels.flat()]);
  if (partials.length === 0) return { outcome: "works", causes: [] };
  const sets = [...new Set(partials.map((partial) => partial.names))];
  const index = (partial: Partial) => sets.indexOf(partial.names);
  const covered = combinedCoverage(sets, (accepted) =>
    analyses.every(
      (analysis) =>
        analysis.partialLevels.every((level) => level.some((partial) => accepted[index(partial)])) &&
        !analysis.partialDenies.some((partial) => accepted[index(partial)]),
    ),
  );
  const causes = partials.map((partial) => partial.cause);
  if (covered === "all") return { outcome: "works", causes: [] };
  if (covered === "none") return { outcome: "blocked", causes };
  if (covered === "some") return { outcome: "limited", causes };
  return {
    outcome: "cannot tell",
    causes: causes.map((cause) => ({ ...cause, kind: "cannot tell", construct: covered.unknown })),
  };
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
