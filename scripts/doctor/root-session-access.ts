import { regionsOf } from "../shared/partition-regions";
import { PARTITIONS, Partition, rootUserArn } from "../shared/partitions";
import { ROOT_TASK_DEFINITIONS, RootTask, TaskRequest, TaskResource, taskPolicyArn } from "../shared/root-tasks";
import { RESERVED_BUCKET_PREFIXES, RESERVED_BUCKET_SUFFIXES } from "../shared/s3-bucket-names";
import { conditionHolds, evaluateCondition } from "./conditions";
import { substituteVariables, variableKeys } from "./policy-variables";
import type { Account, Node, OrganizationScps, Scp } from "./organization-scps";
import type { ReadableStatement, Statement } from "./policy-document";
import {
  Caller,
  KeyState,
  RequestContext,
  RequestFacts,
  assumeRootCallerContext,
  rootSessionContext,
  contextFact,
} from "./root-session-context";
import {
  NameTruth,
  OverNames,
  ResourceElement,
  Truth,
  allNames,
  anyName,
  constant,
  coveredBy,
  elementCovers,
  isUnknown,
  notNames,
  overNames,
  unknownBecause,
} from "./truth";
import { Domain, Pattern, Token, globTokens, literal, matches, pattern, positionsAfter } from "./wildcards";
import { World, inWorld, valuesOf, worldsFor } from "./worlds";

// What AWS evaluates for a central root session's request in a member account, per task and account, as its
// evaluation flowchart reads (AWS Organizations User Guide, "SCP evaluation"; IAM User Guide, "Policy evaluation
// logic"): a request is allowed when no Deny applies to it anywhere on the account's path (root → OU → ... →
// account, SCPs and, for S3 and SQS, RCPs), and at every level some attached SCP's Allow applies to it. A statement
// applies when its action, its resource and its condition all match. Every part is three-valued (true, false,
// unknown) and exact over the names a request may touch (any bucket, queue or MFA device), so nothing is lost
// by the order of the checks. What is not known of the request (the caller's network, say) is evaluated in every
// world that tells the conditions apart: the answer is "cannot tell" only when it changes between them. Where AWS
// documents two readings, both are evaluated the same way. SCPs never apply to the management account, so it is
// not evaluated; nor are accounts that are not ACTIVE (AWS opens no root session in them). Pure: no AWS call.

/** How a task fares in an account: the worst of its requests, over every region and resource it may touch. */
export type Outcome = "works" | "limited" | "cannot tell" | "blocked";

/** Why a task does not simply work: one statement (or one level without an Allow), and the actions it concerns. */
export interface Cause {
  readonly kind: "denied" | "not allowed" | "cannot tell" | "denied for some resources" | "allowed for some resources only";
  /** Where the policy is attached, or the level where no Allow covers the actions. */
  readonly node: Node;
  readonly policy?: PolicyStatement;
  /** For "cannot tell": what the analysis cannot evaluate, or what the answer depends on. */
  readonly construct?: string;
  readonly actions: readonly string[];
}

/** A statement of a service control policy (SCP) or resource control policy (RCP). */
export interface PolicyStatement {
  readonly type: "SCP" | "RCP";
  readonly id: string;
  readonly name: string;
  readonly statement: string;
}

/** One concrete request of a task, as evidence: where, on which name, with which values of what is not known. */
export interface Example {
  readonly region: string;
  /** The bucket, queue or MFA device name (absent for a task that touches no named resource). */
  readonly name?: string;
  /** Values of keys the request context does not know: lowercase key → values, or null for absent. */
  readonly world: Readonly<Record<string, readonly string[] | null>>;
  /** Which of AWS's documented readings, where there are two. */
  readonly reading?: string;
}

/** One task in one account. */
export interface TaskAccess {
  readonly task: RootTask;
  readonly account: Account;
  readonly outcome: Outcome;
  readonly causes: readonly Cause[];
  /** For a task limited by region: the regions where it is blocked. */
  readonly blockedRegions: readonly string[];
  /**
   * Requests that show the outcome: for "limited", one that works and one that is blocked; for a "cannot tell"
   * that depends on what is not known (or on a reading), the same request working in one world and blocked in
   * another. Absent where the outcome holds for every request ("works", "blocked") or comes from a construct the
   * doctor cannot evaluate.
   */
  readonly examples?: { readonly works: Example; readonly blocked: Example };
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
    now = new Date(),
  }: {
    readonly partition: Partition;
    readonly tasks: readonly RootTask[];
    /** Who opens the sessions: when it is IAM's delegated administrator, SCPs apply to its sts:AssumeRoot too. */
    readonly caller?: Caller;
    /** When the requests are evaluated (aws:CurrentTime). */
    readonly now?: Date;
  },
): TaskAccess[] {
  const applies = organization.scpsEnabled || organization.rcps.size > 0;
  const opener =
    caller && applies && caller.accountId !== organization.managementAccountId
      ? assumeRootFrom(organization, partition, caller, now)
      : undefined;
  const results: TaskAccess[] = [];
  // Accounts under the same OU whose policies see no difference between them fare alike: the verdict is computed
  // once for them (10,000 accounts under a few OUs are evaluated a few times), unless it names the account.
  const alike = new Map<string, Verdict>();
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
        const facts = factsOf(organization, partition, account, levels, now);
        const key = alikeKey(levels, task, facts);
        let inSession = key === undefined ? undefined : alike.get(key);
        if (inSession === undefined) {
          inSession = taskOutcome(partition, account.id, levels, task, facts);
          if (key !== undefined && !JSON.stringify(inSession).includes(account.id)) alike.set(key, inSession);
        }
        results.push({ task, account, ...(opener ? worse(inSession, opener(account, task)) : inSession) });
      }
    }
  }
  return results;
}

/** The context keys whose value in a root session names its account. */
const ACCOUNT_KEYS = new Set(["aws:principalarn", "aws:principalaccount", "aws:resourceaccount"]);

/**
 * A key under which a task's verdict is the same for every account that has it: the OUs above the account, the
 * policies at each level, and what each condition on a key that names the account answers for it. Undefined when
 * the policies may tell accounts apart otherwise: a policy variable, or a Resource pattern with a digit in it.
 */
function alikeKey(levels: readonly Level[], task: RootTask, facts: RequestFacts): string | undefined {
  const context = rootSessionContext({ ...facts, region: PARTITIONS[facts.partition].iamRegion });
  const answers: string[] = [];
  for (const { policies, rcps } of levels) {
    for (const statement of [...(policies ?? []), ...rcps].flatMap((policy) => policy.statements)) {
      if ("unreadable" in statement) continue;
      if (statement.namedByVariables.size > 0) return undefined;
      if (statement.resources.patterns.some(namesAnAccount)) return undefined;
      for (const [operator, block] of Object.entries(statement.condition)) {
        for (const [name, values] of Object.entries(block)) {
          if (!ACCOUNT_KEYS.has(name.toLowerCase())) continue;
          answers.push(
            JSON.stringify(evaluateCondition(operator, name, values, { lookup: context, variables: statement.variables })),
          );
        }
      }
    }
  }
  const path = levels.slice(0, -1).map((level) => level.node.id);
  const policies = levels.map(({ policies: scps, rcps }) => [
    scps?.map((policy) => policy.id) ?? null,
    rcps.map((policy) => policy.id),
  ]);
  return JSON.stringify([task, path, policies, answers]);
}

/**
 * Whether a Resource pattern may tell accounts apart: any digit (an account id, or part of one, wherever a
 * wildcard lets it stand) or a policy variable. Patterns without either match every account's names alike.
 */
function namesAnAccount(text: string): boolean {
  return /[0-9]/.test(text) || variableKeys(text).length > 0;
}

// A level of the path that was not read may hold a Deny, or lack the Allow: nothing can be told.
function pathNotRead(node: Node, missing: string): Cause {
  return { kind: "cannot tell", node, construct: `its path: ${missing} was not read`, actions: [] };
}

/** What a task (or the caller's sts:AssumeRoot) comes to, before it is attached to an account. */
type Verdict = Omit<TaskAccess, "task" | "account">;

/**
 * sts:AssumeRoot itself, when IAM's delegated administrator (a member account, which SCPs apply to) opens the
 * sessions: evaluated along its own path, in the caller's region, with what is known of the caller (its account,
 * its path, its ARN when it is an IAM user; an assumed role's every possible path when it is a role).
 */
function assumeRootFrom(
  organization: OrganizationScps,
  partition: Partition,
  caller: Caller,
  now: Date,
): (account: Account, task: RootTask) => Verdict {
  const callerAccount = organization.accounts.find((account) => account.id === caller.accountId);
  const levels = callerAccount && levelsOf(organization, callerAccount);
  const statements =
    levels && !("missing" in levels) ? levels.flatMap((level) => [...(level.policies ?? []), ...level.rcps]) : [];
  const namesMembers = statements.some((policy) =>
    policy.statements.some((statement) => !("unreadable" in statement) && statement.resources.patterns.some(namesAnAccount)),
  );
  const verdicts = new Map<string, Verdict>();
  return (account, task) => {
    if (levels === undefined) {
      const cause = pathNotRead(account, `the caller's account ${caller.accountId}, which is not in the organization,`);
      return { outcome: "cannot tell", causes: [cause], blockedRegions: [] };
    }
    if ("missing" in levels)
      return { outcome: "cannot tell", causes: [pathNotRead(account, levels.missing)], blockedRegions: [] };
    // The member account is only the call's resource: the same for every member unless a Resource names one.
    const key = namesMembers ? `${task}|${account.id}` : task;
    let verdict = verdicts.get(key);
    if (verdict === undefined) {
      const facts = factsOf(organization, partition, callerAccount!, levels, now);
      const context = (region: string) => assumeRootCallerContext({ ...facts, region }, caller, taskPolicyArn(task, partition));
      const requests = [{ action: "sts:AssumeRoot", target: { arn: rootUserArn(partition, account.id) } }];
      verdict = decide(levels, [{ requests, label: undefined }], [caller.region], context, () => NO_NAMES);
      verdicts.set(key, verdict);
    }
    return verdict;
  };
}

const SEVERITY: Record<Outcome, number> = { works: 0, limited: 1, "cannot tell": 2, blocked: 3 };

function worse(a: Verdict, b: Verdict): Verdict {
  if (SEVERITY[a.outcome] === SEVERITY[b.outcome]) {
    return {
      outcome: a.outcome,
      causes: merge([...a.causes, ...b.causes]),
      blockedRegions: a.blockedRegions,
      examples: a.examples,
    };
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

/** The facts of a root session's requests in an account, but for the region. */
function factsOf(
  organization: OrganizationScps,
  partition: Partition,
  account: Account,
  levels: readonly Level[],
  now: Date,
): RequestFacts {
  const orgPath = `${[organization.organizationId, ...levels.slice(0, -1).map((level) => level.node.id)].join("/")}/`;
  return { partition, accountId: account.id, organizationId: organization.organizationId, orgPath, region: "", now };
}

// ---- Tasks, their readings and the names they touch ----

/** The kinds of resource a call may touch under any name: the names make a {@link Domain}. */
type NamedResource = "bucket" | "queue" | "virtual MFA device";

/** What a call is authorized against: one resource (an ARN, or `*` for an action that takes none), or any name. */
type Target = { readonly arn: string } | { readonly named: NamedResource };

/** One call of a task. */
interface Call {
  readonly action: string;
  readonly target: Target;
}

/** A task's calls under one of AWS's readings, labelled when AWS documents more than one. */
interface Reading {
  readonly requests: readonly Call[];
  readonly label: string | undefined;
}

// IAM's Service Authorization Reference names the `mfa` resource for iam:DeleteVirtualMFADevice; AWS's own
// IAMDeleteRootUserCredentials task policy writes that action's NotResource as the root user's ARN, which
// suggests it is authorized against the root user. Both are evaluated; where they differ: "cannot tell".
const READINGS: Partial<Record<TaskResource, { readonly resource: TaskResource; readonly label: string }[]>> = {
  "virtual MFA device": [
    { resource: "virtual MFA device", label: "against the MFA device (IAM's Service Authorization Reference)" },
    { resource: "root user", label: "against the root user (AWS's IAMDeleteRootUserCredentials task policy)" },
  ],
};

function readingsOf(requests: readonly TaskRequest[], partition: Partition, accountId: string): Reading[] {
  let readings: Reading[] = [{ requests: [], label: undefined }];
  for (const request of requests) {
    const alternatives = READINGS[request.resource] ?? [{ resource: request.resource, label: undefined }];
    readings = readings.flatMap((reading) =>
      alternatives.map((alternative) => ({
        requests: [...reading.requests, { action: request.action, target: targetOf(alternative.resource, partition, accountId) }],
        label: [reading.label, alternative.label].filter(Boolean).join("; ") || undefined,
      })),
    );
  }
  return readings;
}

function targetOf(resource: TaskResource, partition: Partition, accountId: string): Target {
  if (resource === "root user") return { arn: rootUserArn(partition, accountId) };
  if (resource === "none") return { arn: "*" };
  return { named: resource };
}

/** The kind of named resource a reading touches, if any (a task touches at most one kind). */
function namedIn(reading: Reading): NamedResource | undefined {
  for (const { target } of reading.requests) if ("named" in target) return target.named;
  return undefined;
}

const LOWERCASE = "abcdefghijklmnopqrstuvwxyz";
const DIGITS = "0123456789";
const WORD = `${LOWERCASE}${LOWERCASE.toUpperCase()}${DIGITS}_`;

/** No named resource: one fixed request. */
const NO_NAMES: Domain = { prefix: "", alphabet: "", minLength: 0 };

/**
 * The names a kind of resource may have, as the ARN they make. S3 general purpose bucket naming rules: 3 to 63
 * lowercase letters, digits, "." and "-", starting and ending with a letter or digit, no two adjacent periods, not
 * an IP address, none of the reserved prefixes and suffixes. SQS queue names: 1 to 80 letters, digits, "_" and
 * "-", a FIFO queue's ending in ".fifo". IAM virtual MFA devices: a path and a name (no empty path segment).
 */
function domainOf(kind: NamedResource | undefined, partition: Partition, accountId: string, region: string): Domain {
  switch (kind) {
    case "bucket":
      return {
        prefix: `arn:${partition}:s3:::`,
        alphabet: `${LOWERCASE}${DIGITS}.-`,
        first: `${LOWERCASE}${DIGITS}`,
        last: `${LOWERCASE}${DIGITS}`,
        minLength: 3,
        maxLength: 63,
        excluded: NOT_BUCKET_NAMES,
      };
    case "queue":
      return {
        prefix: `arn:${partition}:sqs:${region}:${accountId}:`,
        alphabet: `${WORD}-`,
        minLength: 1,
        maxLength: 80,
        optionalEnding: ".fifo",
      };
    case "virtual MFA device":
      return {
        prefix: `arn:${partition}:iam::${accountId}:mfa/`,
        alphabet: `${WORD}+=,.@-/`,
        first: `${WORD}+=,.@-`,
        last: `${WORD}+=,.@-`,
        minLength: 1,
        excluded: NOT_MFA_DEVICE_NAMES,
      };
    default:
      return NO_NAMES;
  }
}

/** An MFA device's path has no empty segment. */
const NOT_MFA_DEVICE_NAMES = [pattern(globTokens("*//*"))];

const DIGIT_RUN: Token[] = [
  { any: "one", crossesColons: true, within: DIGITS },
  { any: "run", crossesColons: true, within: DIGITS },
];

/** What S3 refuses as a bucket name although its characters are allowed. */
const NOT_BUCKET_NAMES: readonly Pattern[] = [
  pattern(globTokens("*..*")),
  ...RESERVED_BUCKET_PREFIXES.map((prefix) => pattern([...literal(prefix), ...globTokens("*")])),
  ...RESERVED_BUCKET_SUFFIXES.map((suffix) => pattern([...globTokens("*"), ...literal(suffix)])),
  pattern([...DIGIT_RUN, ...literal("."), ...DIGIT_RUN, ...literal("."), ...DIGIT_RUN, ...literal("."), ...DIGIT_RUN], {
    source: "an IP address",
  }),
];

function taskOutcome(
  partition: Partition,
  accountId: string,
  levels: readonly Level[],
  task: RootTask,
  facts: RequestFacts,
): Verdict {
  const { requests } = ROOT_TASK_DEFINITIONS[task];
  const regional = requests.some((request) => request.resource === "bucket" || request.resource === "queue");
  const regions: readonly string[] = regional ? regionsOf(partition) : [PARTITIONS[partition].iamRegion];
  return decide(
    levels,
    readingsOf(requests, partition, accountId),
    regions,
    (region) => rootSessionContext({ ...facts, region }),
    (region, reading) => domainOf(namedIn(reading), partition, accountId, region),
  );
}

// ---- The flowchart ----

/** A statement that may apply to a call: where it is attached, and what a cause names. */
interface Candidate {
  readonly statement: Statement;
  readonly node: Node;
  readonly policy: PolicyStatement;
}

/** The statements along the path whose Action matches a call: the Denies (SCPs, RCPs), and each level's Allows. */
interface PathFor {
  readonly action: string;
  readonly target: Target;
  readonly denies: readonly Candidate[];
  /** One entry per level that SCPs apply to. */
  readonly allows: readonly { readonly node: Node; readonly candidates: readonly Candidate[] }[];
}

const actionMatches = new WeakMap<Statement, Map<string, boolean>>();

function matchesAction(statement: Statement, action: string): boolean {
  if ("unreadable" in statement) return true;
  let known = actionMatches.get(statement);
  if (known === undefined) actionMatches.set(statement, (known = new Map<string, boolean>()));
  let found = known.get(action);
  if (found === undefined) {
    found = statement.actions.patterns.some((value) => matches(value, action)) !== statement.actions.negated;
    known.set(action, found);
  }
  return found;
}

function pathFor(levels: readonly Level[], call: Call): PathFor {
  const rcpsApply = RCP_SERVICES.some((service) => call.action.toLowerCase().startsWith(service));
  const denies: Candidate[] = [];
  const allows: { node: Node; candidates: Candidate[] }[] = [];
  const candidate = (statement: Statement, node: Node, policy: Scp, rcp: boolean): Candidate => ({
    statement,
    node,
    policy: { type: rcp ? "RCP" : "SCP", id: policy.id, name: policy.name, statement: statement.sid },
  });
  for (const { node, policies, rcps } of levels) {
    // RCPs limit what is done to the account's buckets and queues: only their Denies count (RCPFullAWSAccess is
    // attached everywhere and cannot be detached). An unreadable statement may be a Deny.
    for (const policy of rcpsApply ? rcps : []) {
      for (const statement of policy.statements) {
        if (matchesAction(statement, call.action) && ("unreadable" in statement || statement.effect === "Deny"))
          denies.push(candidate(statement, node, policy, true));
      }
    }
    if (policies === undefined) continue;
    const level: Candidate[] = [];
    for (const policy of policies) {
      for (const statement of policy.statements) {
        if (!matchesAction(statement, call.action)) continue;
        // An unreadable statement may be a Deny, or the Allow this level needs: it counts on both sides.
        if ("unreadable" in statement || statement.effect === "Deny") denies.push(candidate(statement, node, policy, false));
        if ("unreadable" in statement || statement.effect === "Allow") level.push(candidate(statement, node, policy, false));
      }
    }
    allows.push({ node, candidates: level });
  }
  return { action: call.action, target: call.target, denies, allows };
}

/** Whether a statement applies to a call, for each name: its resource and its condition (its action matched). */
function applies(candidate: Candidate, target: Target, context: RequestContext): NameTruth {
  const { statement } = candidate;
  if ("unreadable" in statement) return constant(unknownBecause(statement.unreadable));
  const condition = conditionHolds(statement.condition, { lookup: context, variables: statement.variables });
  if (condition === false) return constant(false);
  return allNames([resourceTruth(statement, target, context), constant(condition)]);
}

/** The statements' Resource (NotResource) for a call: for its one resource, or for each name it may touch. */
function resourceTruth(statement: ReadableStatement, target: Target, context: RequestContext): NameTruth {
  const compiled = resourceElement(statement, context);
  if ("truth" in compiled) return constant(compiled.truth);
  const covered = (element: ResourceElement) =>
    "arn" in target ? constant(elementCovers(element, target.arn)) : coveredBy(element);
  const { element, doubtful } = compiled;
  if (doubtful === undefined) return covered(element);
  // A pattern with a wildcard in its service segment, which AWS says cannot be used: read as written and as
  // matching nothing. Where the two differ, unknown.
  const doubt = constant(unknownBecause(doubtful.why));
  return element.negated
    ? allNames([covered(element), anyName([covered(doubtful.element), doubt])])
    : anyName([covered(element), allNames([covered(doubtful.element), doubt])]);
}

/** A statement's Resource (NotResource) for one request, and its patterns that AWS's documentation leaves in doubt. */
interface CompiledResources {
  readonly element: ResourceElement;
  readonly doubtful?: { readonly element: ResourceElement; readonly why: string };
}

const EVERYTHING = pattern(globTokens("*"));

/**
 * A statement's Resource (NotResource) patterns for a request. Policy variables are substituted only in the
 * resource part, after the fifth colon (IAM User Guide, "IAM policy elements: Variables and tags": elsewhere in
 * an ARN they are text, which matches no real ARN). A variable with no value: AWS says "the entire statement might
 * be invalid"; a Resource with that one pattern matches nothing either way, anything else cannot be told.
 */
function resourceElement(statement: ReadableStatement, context: RequestContext): CompiledResources | { readonly truth: Truth } {
  // Without policy variables the element is the same for every request: compiled once.
  const everyRequestAlike = !statement.variables || !statement.resources.patterns.some((text) => text.includes("${"));
  const known = everyRequestAlike ? elements.get(statement) : undefined;
  if (known !== undefined) return known;
  const element = compileElement(statement, context);
  if (everyRequestAlike) elements.set(statement, element);
  return element;
}

const elements = new WeakMap<ReadableStatement, CompiledResources | { readonly truth: Truth }>();

function compileElement(statement: ReadableStatement, context: RequestContext): CompiledResources | { readonly truth: Truth } {
  const patterns: Pattern[] = [];
  const doubtful: Pattern[] = [];
  let unresolved = false;
  for (const text of statement.resources.patterns) {
    if (text === "*") {
      patterns.push(EVERYTHING);
      continue;
    }
    const split = statement.variables ? fifthColon(text) : -1;
    const tokens: Token[] = split < 0 ? globTokens(text) : globTokens(text.slice(0, split));
    if (split >= 0) {
      const substituted = substituteVariables(text.slice(split), context, true);
      if (isUnknown(substituted)) return { truth: substituted };
      if ("noValue" in substituted) {
        unresolved = true;
        continue;
      }
      tokens.push(...substituted);
    }
    (wildcardInService(text) ? doubtful : patterns).push(pattern(tokens, { segments: "resource", source: text }));
  }
  if (unresolved && (statement.resources.negated || statement.resources.patterns.length > 1)) {
    return {
      truth: unknownBecause(
        `a policy variable with no value in a root session in its ${statement.resources.negated ? "NotResource" : "Resource"}, ` +
          "where AWS says the whole statement might be invalid",
      ),
    };
  }
  const negated = statement.resources.negated;
  if (doubtful.length === 0) return { element: { patterns, negated } };
  const why =
    `the ${negated ? "NotResource" : "Resource"} ${doubtful.map((value) => value.source).join(", ")}, with a wildcard in ` +
    "its service segment, which AWS says cannot be used: it may match as written or match nothing";
  return { element: { patterns, negated }, doubtful: { element: { patterns: doubtful, negated }, why } };
}

/** Whether an ARN pattern has a wildcard in its service segment (IAM User Guide: "you can't use a wildcard"). */
function wildcardInService(text: string): boolean {
  const service = text.split(":")[2];
  return service !== undefined && /[*?]/.test(service);
}

function fifthColon(text: string): number {
  let index = -1;
  for (let count = 0; count < 5; count++) {
    index = text.indexOf(":", index + 1);
    if (index < 0) return -1;
  }
  return index + 1;
}

/** One call's permission, for each name: no Deny applies, and every level has an Allow that applies. */
function permitted(path: PathFor, context: RequestContext): NameTruth {
  const denied = anyName(path.denies.map((candidate) => applies(candidate, path.target, context)));
  const levels = path.allows.map(({ candidates }) =>
    anyName(candidates.map((candidate) => applies(candidate, path.target, context))),
  );
  return allNames([notNames(denied), ...levels]);
}

/** What one region comes to, in one world and reading. */
interface RegionResult {
  readonly region: string;
  readonly over: OverNames;
}

/** What one world (and reading) comes to. */
interface WorldResult {
  readonly outcome: Outcome;
  readonly blockedRegions: readonly string[];
  readonly regions: readonly RegionResult[];
}

/**
 * A task's outcome: every reading, in every world, in every region, for every name; then the causes and the
 * examples that show it.
 */
function decide(
  levels: readonly Level[],
  readings: readonly Reading[],
  regions: readonly string[],
  contextIn: (region: string) => RequestContext,
  domainIn: (region: string, reading: Reading) => Domain,
): Verdict {
  const evaluations = readings.map((reading) => {
    const paths = reading.requests.map((call) => pathFor(levels, call));
    const statements = paths.flatMap((path) => [...path.denies, ...path.allows.flatMap((level) => level.candidates)]);
    const readable = statements.flatMap(({ statement }) => ("unreadable" in statement ? [] : [statement]));
    const evaluateRegion = (region: string, world: World, name?: string): OverNames => {
      const context = inWorld(contextIn(region), world);
      const truth = allNames(paths.map((path) => permitted(path, context)));
      const domain = domainIn(region, reading);
      return overNames(truth, name === undefined ? domain : { prefix: name, alphabet: "", minLength: 0 });
    };
    const classes = regionClasses(readable, regions, contextIn, (region) => domainIn(region, reading).prefix);
    const inWorldOf = (world: World): WorldResult => {
      // One evaluation per class of regions; every region of a class shares its result (the same object).
      const byClass = new Map<string, OverNames>();
      const regionResults = regions.map((region) => {
        const key = classes.get(region)!;
        let over = byClass.get(key);
        if (over === undefined) byClass.set(key, (over = evaluateRegion(region, world)));
        return { region, over };
      });
      return { ...outcomeOf(regionResults), regions: regionResults };
    };
    // Kleene's logic first, with what is not known left unknown: where it decides, every world decides the same
    // (it is sound), and there is nothing to enumerate.
    const kleene = inWorldOf(new Map());
    const candidates = kleene.outcome === "cannot tell" ? worldsFor(readable, contextIn(regions[0])) : [];
    if (candidates.length === 0 || (candidates.length === 1 && candidates[0].size === 0))
      return { reading, paths, worlds: [new Map()], results: [kleene], evaluateRegion };
    // Until two worlds disagree: then the answer depends on what is not known, and those two show it.
    const worlds: World[] = [];
    const results: WorldResult[] = [];
    for (const world of candidates) {
      worlds.push(world);
      results.push(inWorldOf(world));
      if (signatureOf(results[results.length - 1]) !== signatureOf(results[0])) break;
    }
    return { reading, paths, worlds, results, evaluateRegion };
  });

  // The answer must not depend on what is not known, nor on the reading: otherwise "cannot tell", with a request
  // that works one way and is blocked the other.
  const all = evaluations.flatMap((evaluation) =>
    evaluation.results.map((result, index) => ({ evaluation, result, world: evaluation.worlds[index] })),
  );
  const [first] = all;
  if (all.every(({ result }) => signatureOf(result) === signatureOf(first.result))) {
    return settled(first.evaluation.paths, first.result, first.world, first.evaluation.reading, contextIn, domainIn);
  }
  return dependsOn(all, contextIn, domainIn);
}

/**
 * Regions that no statement tells apart, by one key per region: what each condition on aws:RequestedRegion answers
 * there, and where each Resource pattern stands after the region's part of the ARN (a queue's). Regions with the
 * same key answer alike in every respect the statements can see, so one evaluation serves them all.
 */
function regionClasses(
  statements: readonly ReadableStatement[],
  regions: readonly string[],
  contextIn: (region: string) => RequestContext,
  prefixIn: (region: string) => string,
): Map<string, string> {
  const regional = statements.filter(
    (statement) => statement.keys.has("aws:requestedregion") || statement.resources.patterns.some((text) => text !== "*"),
  );
  const classes = new Map<string, string>();
  for (const region of regions) {
    if (regional.length === 0) {
      classes.set(region, "");
      continue;
    }
    const context = contextIn(region);
    // Up to the region is what differs between regions (the account after it is the same for all of them).
    const whole = prefixIn(region);
    const at = whole.indexOf(`:${region}:`);
    const prefix = at < 0 ? whole : whole.slice(0, at + region.length + 2);
    const key = regional.map((statement) => {
      const conditions = Object.entries(statement.condition).flatMap(([operator, block]) =>
        Object.entries(block).map(([name, values]) =>
          JSON.stringify(evaluateCondition(operator, name, values, { lookup: context, variables: statement.variables })),
        ),
      );
      const compiled = resourceElement(statement, context);
      const resources =
        "truth" in compiled
          ? [JSON.stringify(compiled.truth)]
          : [...compiled.element.patterns, ...(compiled.doubtful?.element.patterns ?? [])].map(
              (value) => `${value.source}@${positionsAfter(value, prefix)}`,
            );
      return [...conditions, ...resources].join(";");
    });
    classes.set(region, key.join("|"));
  }
  return classes;
}

/** What must be the same in every world and reading: the outcome, and the regions where it is blocked. */
function signatureOf(result: WorldResult): string {
  return `${result.outcome}|${result.blockedRegions.join(",")}`;
}

function outcomeOf(regions: readonly RegionResult[]): Omit<WorldResult, "regions"> {
  if (regions.some(({ over }) => over.unknown !== undefined)) return { outcome: "cannot tell", blockedRegions: [] };
  if (regions.every(({ over }) => over.false === undefined)) return { outcome: "works", blockedRegions: [] };
  if (regions.every(({ over }) => over.true === undefined)) return { outcome: "blocked", blockedRegions: [] };
  return {
    outcome: "limited",
    blockedRegions: regions.filter(({ over }) => over.true === undefined).map(({ region }) => region),
  };
}

function exampleOf(region: string, name: string, world: World, reading: Reading): Example {
  return {
    region,
    ...(name === "" ? {} : { name }),
    world: valuesOf(world),
    ...(reading.label ? { reading: reading.label } : {}),
  };
}

/** An outcome that every world and reading agree on: its causes, and for "limited" the examples. */
function settled(
  paths: readonly PathFor[],
  result: WorldResult,
  world: World,
  reading: Reading,
  contextIn: (region: string) => RequestContext,
  domainIn: (region: string, reading: Reading) => Domain,
): Verdict {
  const { outcome, blockedRegions, regions } = result;
  if (outcome === "works") return { outcome, causes: [], blockedRegions: [] };
  // One explanation per class of regions (the regions of a class share their result object).
  const explained = new Map<OverNames, Cause[]>();
  for (const { region, over } of regions) {
    if ((over.false !== undefined || over.unknown !== undefined) && !explained.has(over))
      explained.set(over, explain(paths, inWorld(contextIn(region), world), domainIn(region, reading)));
  }
  const causes = [...explained.values()].flat();
  const kinds: Record<Outcome, readonly Cause["kind"][]> = {
    works: [],
    blocked: ["denied", "not allowed"],
    limited: ["denied", "not allowed", "denied for some resources", "allowed for some resources only"],
    "cannot tell": ["cannot tell"],
  };
  // A task blocked by partial statements together (each covers some names, no name passes all) has no cause of
  // the blocking kinds: its partial causes are the explanation.
  let chosen = causes.filter((cause) => kinds[outcome].includes(cause.kind));
  if (chosen.length === 0) chosen = causes.filter((cause) => cause.kind !== "cannot tell");
  const verdict: Verdict = { outcome, causes: merge(chosen), blockedRegions };
  if (outcome !== "limited") return verdict;
  const works = regions.find(({ over }) => over.true !== undefined)!;
  const blocked = regions.find(({ over }) => over.false !== undefined)!;
  return {
    ...verdict,
    examples: {
      works: exampleOf(works.region, works.over.true!, world, reading),
      blocked: exampleOf(blocked.region, blocked.over.false!, world, reading),
    },
  };
}

/**
 * An outcome that changes with what is not known, or with the reading: "cannot tell", naming what it depends on
 * and showing one request that works one way and is blocked the other.
 */
function dependsOn(
  all: readonly {
    readonly evaluation: {
      readonly reading: Reading;
      readonly paths: readonly PathFor[];
      readonly evaluateRegion: (region: string, world: World, name?: string) => OverNames;
    };
    readonly result: WorldResult;
    readonly world: World;
  }[],
  contextIn: (region: string) => RequestContext,
  domainIn: (region: string, reading: Reading) => Domain,
): Verdict {
  // Candidate requests: every name and region some world answered with; the first that two worlds (or readings)
  // answer differently is the example.
  const candidates = new Map<string, { region: string; name: string }>();
  for (const { result } of all) {
    for (const { region, over } of result.regions) {
      for (const name of [over.true, over.false]) if (name !== undefined) candidates.set(`${region}|${name}`, { region, name });
    }
  }
  let examples: TaskAccess["examples"];
  search: for (const { region, name } of candidates.values()) {
    let works: Example | undefined;
    let blocked: Example | undefined;
    for (const { evaluation, world } of all) {
      const domain = domainIn(region, evaluation.reading);
      // A reading that touches no named resource (the root user) has one fixed request; one that does takes the
      // name, or a valid one where the other reading had none.
      const named = domain.alphabet === "" ? "" : name.length >= domain.minLength ? name : defaultName(domain);
      const over = evaluation.evaluateRegion(region, world, domain.prefix + named);
      const shown = exampleOf(region, named, world, evaluation.reading);
      if (over.true !== undefined) works ??= shown;
      if (over.false !== undefined) blocked ??= shown;
      if (works && blocked) {
        examples = { works, blocked };
        break search;
      }
    }
  }
  const keys = new Set<string>();
  if (examples) {
    for (const key of new Set([...Object.keys(examples.works.world), ...Object.keys(examples.blocked.world)])) {
      if (JSON.stringify(examples.works.world[key]) !== JSON.stringify(examples.blocked.world[key])) keys.add(key);
    }
  }
  const readings = examples && examples.works.reading !== examples.blocked.reading;
  const spelled = (key: string) => {
    const fact = contextFact(key);
    return fact === undefined ? key : fact.key.endsWith("/") ? fact.key + key.slice(fact.key.length) : fact.key;
  };
  const describeWorld = (example: Example) =>
    [...keys]
      .map((key) =>
        example.world[key] === null ? `without ${spelled(key)}` : `with ${spelled(key)} ${JSON.stringify(example.world[key][0])}`,
      )
      .join(", ");
  const construct = readings
    ? `AWS documents two readings of which resource iam:DeleteVirtualMFADevice is authorized against: ` +
      `${examples!.works.reading} the task works, ${examples!.blocked.reading} it is blocked`
    : examples
      ? `it depends on ${[...keys].map(spelled).join(", ")} (${notKnownWhy(contextIn, [...keys])}): it works ${describeWorld(examples.works)}` +
        ` and is blocked ${describeWorld(examples.blocked)}`
      : (unknownsIn(all) ?? "the answer changes with what a root session's request does not show");
  // The statements that make the difference: those that name a key that varies, or every cause of the worse side.
  const blockedSide = all.find(({ result }) => result.outcome === "blocked" || result.outcome === "limited") ?? all[0];
  const region =
    blockedSide.result.regions.find(({ over }) => over.false !== undefined)?.region ?? blockedSide.result.regions[0].region;
  const explained = explain(
    blockedSide.evaluation.paths,
    inWorld(contextIn(region), blockedSide.world),
    domainIn(region, blockedSide.evaluation.reading),
  );
  const naming = blockedSide.evaluation.paths
    .flatMap((path) =>
      [...path.denies, ...path.allows.flatMap((level) => level.candidates)].map((candidate) => ({
        candidate,
        action: path.action,
      })),
    )
    .filter(
      ({ candidate }) =>
        !("unreadable" in candidate.statement) &&
        [...keys].some((key) => (candidate.statement as ReadableStatement).keys.has(key)),
    );
  const causes: Cause[] =
    naming.length > 0
      ? naming.map(({ candidate, action }) => ({
          kind: "cannot tell",
          node: candidate.node,
          policy: candidate.policy,
          construct,
          actions: [action],
        }))
      : explained.map((cause) => ({ ...cause, kind: "cannot tell", construct }));
  return { outcome: "cannot tell", causes: merge(causes), blockedRegions: [], ...(examples ? { examples } : {}) };
}

function notKnownWhy(contextIn: (region: string) => RequestContext, keys: readonly string[]): string {
  const context = contextIn("");
  return keys
    .map((key) => {
      const state: KeyState = context(key);
      return typeof state === "object" && "notKnown" in state ? state.notKnown : "not known";
    })
    .join("; ");
}

/** What some world could not evaluate at all (a construct the doctor cannot tell), where no example was found. */
function unknownsIn(all: readonly { readonly result: WorldResult }[]): string | undefined {
  const reasons = new Set(all.flatMap(({ result }) => result.regions.flatMap(({ over }) => over.unknown?.why ?? [])));
  return reasons.size > 0 ? [...reasons].join("; ") : undefined;
}

/** A valid name of a domain, for a request that names none. */
function defaultName(domain: Domain): string {
  return (domain.first?.[0] ?? domain.alphabet[0]).repeat(Math.max(1, domain.minLength));
}

/** The causes in one region: each Deny that applies, each level whose Allows fall short, each unknown. */
function explain(paths: readonly PathFor[], context: RequestContext, domain: Domain): Cause[] {
  const causes: Cause[] = [];
  for (const path of paths) {
    const actions = [path.action];
    for (const candidate of path.denies) {
      const over = overNames(applies(candidate, path.target, context), domain);
      const base = { node: candidate.node, policy: candidate.policy, actions };
      if (over.unknown !== undefined) causes.push({ ...base, kind: "cannot tell", construct: over.unknown.why.join("; ") });
      else if (over.true !== undefined && over.false === undefined) causes.push({ ...base, kind: "denied" });
      else if (over.true !== undefined) causes.push({ ...base, kind: "denied for some resources" });
    }
    for (const { node, candidates } of path.allows) {
      const truths = candidates.map((candidate) => applies(candidate, path.target, context));
      const level = overNames(anyName(truths), domain);
      if (level.false === undefined && level.unknown === undefined) continue;
      if (level.true === undefined && level.unknown === undefined) {
        causes.push({ kind: "not allowed", node, actions });
        continue;
      }
      candidates.forEach((candidate, index) => {
        const over = overNames(truths[index], domain);
        const base = { node: candidate.node, policy: candidate.policy, actions };
        if (over.unknown !== undefined) causes.push({ ...base, kind: "cannot tell", construct: over.unknown.why.join("; ") });
        else if (over.true !== undefined && over.false !== undefined)
          causes.push({ ...base, kind: "allowed for some resources only" });
      });
    }
  }
  return causes;
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
