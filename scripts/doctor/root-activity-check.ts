import type { DescribeRegionsCommand as DescribeRegionsCommandType, EC2Client } from "@aws-sdk/client-ec2";
import type {
  GetRoleCommand as GetRoleCommandType,
  GetRolePolicyCommand as GetRolePolicyCommandType,
  IAMClient,
} from "@aws-sdk/client-iam";
import {
  DescribeEventBusCommand,
  DescribeRuleCommand,
  EventBridgeClient,
  ListTargetsByRuleCommand,
  Target,
} from "@aws-sdk/client-eventbridge";
import { GetTopicAttributesCommand, ListSubscriptionsByTopicCommand, SNSClient, Subscription } from "@aws-sdk/client-sns";
import { isDeepStrictEqual } from "node:util";
import type { RootActivityAlertsConfig } from "../../stacks/config/schema";
import { awsErrorCode } from "../aws/aws-errors";
import type { Partition } from "../shared/partitions";
import { statementsOf, valuesOf } from "../shared/policy-json";
import {
  ROOT_ACTIVITY_BUS_PERMISSION_ID,
  ROOT_ACTIVITY_FORWARD_POLICY_NAME,
  ROOT_ACTIVITY_FORWARD_ROLE_NAME,
  ROOT_ACTIVITY_FORWARD_RULE_NAME,
  ROOT_ACTIVITY_INPUT_PATHS,
  ROOT_ACTIVITY_INPUT_TEMPLATE,
  ROOT_ACTIVITY_REFUSED_INPUT_PATHS,
  ROOT_ACTIVITY_REFUSED_INPUT_TEMPLATE,
  ROOT_ACTIVITY_REFUSED_RULE_NAME,
  ROOT_ACTIVITY_RULE_NAME,
  ROOT_ACTIVITY_RULE_STATE,
  coveredRegions,
  forwardPattern,
  inputPathsMap,
  refusedPattern,
  rootActivityPattern,
} from "../shared/root-activity";
import { Check, DOCTOR_CHECKS } from "./catalogue";
import { eventBridgeMayPublish } from "./topic-policy";

/** Who calls AssumeRoot: the management account, or IAM's delegated administrator. */
export type CallingAccount = "management" | "delegated administrator";

/** The clients of the alerts check: EventBridge and EC2 in a calling account's region, IAM, SNS at home. */
export interface AlertClients {
  iam(account: CallingAccount): Promise<{
    readonly client: IAMClient;
    readonly GetRoleCommand: typeof GetRoleCommandType;
    readonly GetRolePolicyCommand: typeof GetRolePolicyCommandType;
  }>;
  events(account: CallingAccount, region: string): EventBridgeClient;
  ec2(
    account: CallingAccount,
  ): Promise<{ readonly client: EC2Client; readonly DescribeRegionsCommand: typeof DescribeRegionsCommandType }>;
  readonly sns: SNSClient;
}

/** Where the alerts should be: the stack's region and partition, and the calling accounts' ids. */
export interface AlertPlace {
  readonly region: string;
  readonly partition: Partition;
  /** The management account, whose credentials the doctor has. */
  readonly accountId: string;
  /** IAM's delegated administrator, read through the configured role. */
  readonly delegatedAdministratorAccountId?: string;
}

/** One finding of the check: a problem, or what it cannot tell; `missing` when a rule does not exist (the apply makes it). */
interface Finding {
  readonly status: "problem" | "cannot tell" | "limited";
  readonly detail: string;
  readonly fix: string;
  readonly missing?: boolean;
}

const APPLY = "apply the stack (the plan gate refuses a plan that takes the alerts down)";

/**
 * What the alerts need to work, all of it read: at home, the rule for granted sessions and the one for refused
 * calls, each in the state that receives AssumeRoot, with the stack's pattern, targeting the topic with the
 * stack's message; the topic's policy letting EventBridge publish for both; the subscriptions the stack declares,
 * each confirmed, and no other (a given topic: at least one confirmed). In every other covered region and every
 * covered region of IAM's delegated administrator, the forwarder with its pattern, the home bus as its target and
 * the stack's role; the home bus's permission for the delegated administrator; and no region enabled in a
 * calling account that the alerts do not cover. Every difference is a problem, named; `missing` when the only
 * problems are rules that do not exist yet (which the first apply fixes).
 */
export async function rootActivityAlertsCheck(
  clients: AlertClients,
  alerts: RootActivityAlertsConfig,
  place: AlertPlace,
): Promise<{ readonly result: Check; readonly missing: boolean }> {
  const findings: Finding[] = [];
  const regions = coveredRegions({ ...place, rootActivityAlerts: alerts });
  const topicArn = alerts.topicArn ?? `arn:${place.partition}:sns:${place.region}:${place.accountId}:${ROOT_ACTIVITY_RULE_NAME}`;
  const homeBus = `arn:${place.partition}:events:${place.region}:${place.accountId}:event-bus/default`;
  const where = (account: CallingAccount, region: string) =>
    account === "management"
      ? region
      : `${region} of the delegated administrator's account ${place.delegatedAdministratorAccountId}`;
  const reading = async (what: string, read: () => Promise<void>) => {
    try {
      await read();
    } catch (error) {
      findings.push({
        status: "cannot tell",
        detail: `${what} could not be read (${awsErrorCode(error) ?? "error"}: ${(error as Error).message})`,
        fix: "allow the caller the reads of the plan job's policy (npm run policy -- <stack> --plan prints them)",
      });
    }
  };

  // At home: the two alerting rules, their targets and messages.
  const ruleArns: string[] = [];
  const home: readonly [string, Record<string, unknown>, Record<string, string>, string][] = [
    [
      ROOT_ACTIVITY_RULE_NAME,
      rootActivityPattern(alerts.ignoreCallers, place.partition),
      inputPathsMap(ROOT_ACTIVITY_INPUT_PATHS),
      ROOT_ACTIVITY_INPUT_TEMPLATE,
    ],
    [
      ROOT_ACTIVITY_REFUSED_RULE_NAME,
      refusedPattern(),
      inputPathsMap(ROOT_ACTIVITY_REFUSED_INPUT_PATHS),
      ROOT_ACTIVITY_REFUSED_INPUT_TEMPLATE,
    ],
  ];
  for (const [name, pattern, paths, template] of home) {
    await reading(`${name} in ${place.region}`, async () => {
      const events = clients.events("management", place.region);
      const arn = await ruleFindings(events, name, pattern, place.region, findings);
      if (arn === undefined) return;
      ruleArns.push(arn);
      const targets = await targetsOf(events, name);
      const target = targets.find((candidate) => candidate.Arn === topicArn);
      if (target === undefined) {
        findings.push({
          status: "problem",
          detail: `${name} does not target ${topicArn} (its targets: ${arns(targets)})`,
          fix: APPLY,
        });
        return;
      }
      const transformer = target.InputTransformer;
      if (!isDeepStrictEqual(transformer?.InputPathsMap ?? {}, paths) || transformer?.InputTemplate !== template) {
        findings.push({
          status: "problem",
          detail: `${name}'s message to ${topicArn} is not the stack's (input template ${JSON.stringify(transformer?.InputTemplate ?? null)}): an alert may not say who opened which session`,
          fix: APPLY,
        });
      }
    });
  }

  // The topic: EventBridge may publish for both rules; the subscriptions are the declared ones, confirmed.
  if (ruleArns.length > 0) {
    await reading(`the topic ${topicArn}`, async () => {
      const { Attributes: attributes = {} } = await clients.sns.send(new GetTopicAttributesCommand({ TopicArn: topicArn }));
      const publishing = eventBridgeMayPublish(attributes.Policy, topicArn, ruleArns);
      if (publishing !== "yes" && "no" in publishing) {
        findings.push({
          status: "problem",
          detail: `${topicArn}'s policy does not let events.amazonaws.com publish for ${publishing.no}`,
          fix: APPLY,
        });
      } else if (publishing !== "yes") {
        findings.push({
          status: "cannot tell",
          detail: `${topicArn}'s policy ${publishing.cannotTell}`,
          fix: "let events.amazonaws.com publish with no condition but aws:SourceArn",
        });
      }
      if (attributes.KmsMasterKeyId) {
        findings.push({
          status: "cannot tell",
          detail: `${topicArn} is encrypted with ${attributes.KmsMasterKeyId}, whose key policy must let events.amazonaws.com use it (not read)`,
          fix: "allow events.amazonaws.com kms:GenerateDataKey and kms:Decrypt in that key's policy",
        });
      }
      findings.push(...subscriptionFindings(await subscriptionsOf(clients.sns, topicArn), topicArn, alerts.email));
    });
  }

  // Elsewhere: the forwarders, and the home bus's permission for the delegated administrator.
  const forwarding: [CallingAccount, string, string][] = regions
    .slice(1)
    .map((region) => ["management", region, place.accountId]);
  if (place.delegatedAdministratorAccountId !== undefined) {
    const administrator = place.delegatedAdministratorAccountId;
    forwarding.push(
      ...regions.map((region): [CallingAccount, string, string] => ["delegated administrator", region, administrator]),
    );
    await reading(`the default event bus's policy in ${place.region}`, async () => {
      const { Policy: policy } = await clients
        .events("management", place.region)
        .send(new DescribeEventBusCommand({ Name: "default" }));
      const allowed = busAllows(policy, administrator);
      if (allowed === "cannot tell") {
        findings.push({
          status: "cannot tell",
          detail: `the default event bus's policy in ${place.region} has a Deny statement, which the doctor does not evaluate: the delegated administrator's forwarding may be refused`,
          fix: "read the bus's policy; the stack adds only an Allow for the delegated administrator's account",
        });
      } else if (!allowed) {
        findings.push({
          status: "problem",
          detail: `the default event bus in ${place.region} has no statement ${ROOT_ACTIVITY_BUS_PERMISSION_ID} letting ${administrator} put events: the delegated administrator's root sessions are not forwarded`,
          fix: APPLY,
        });
      }
    });
  }
  for (const [account, region, accountId] of forwarding) {
    await reading(`${ROOT_ACTIVITY_FORWARD_RULE_NAME} in ${where(account, region)}`, async () => {
      const events = clients.events(account, region);
      const arn = await ruleFindings(events, ROOT_ACTIVITY_FORWARD_RULE_NAME, forwardPattern(), where(account, region), findings);
      if (arn === undefined) return;
      const role = `arn:${place.partition}:iam::${accountId}:role/${ROOT_ACTIVITY_FORWARD_ROLE_NAME}`;
      const targets = await targetsOf(events, ROOT_ACTIVITY_FORWARD_RULE_NAME);
      if (
        !targets.some(
          (target) =>
            target.Arn === homeBus &&
            target.RoleArn === role &&
            target.InputTransformer === undefined &&
            target.Input === undefined,
        )
      ) {
        findings.push({
          status: "problem",
          detail: `${ROOT_ACTIVITY_FORWARD_RULE_NAME} in ${where(account, region)} does not forward the events as they are to ${homeBus} with the role ${role} (its targets: ${arns(targets)})`,
          fix: APPLY,
        });
      }
    });
  }

  // The role each forwarding account's rules put events with: trusted by EventBridge, allowed to put on the home bus.
  for (const account of [...new Set(forwarding.map(([calling]) => calling))]) {
    await reading(`the role ${ROOT_ACTIVITY_FORWARD_ROLE_NAME} in the ${account} account`, async () => {
      const finding = await forwardRoleFinding(clients, account, homeBus);
      if (finding !== undefined) findings.push(finding);
    });
  }

  // Regions a calling account has enabled that the alerts do not cover: an AssumeRoot there raises no alert.
  const accounts: CallingAccount[] =
    place.delegatedAdministratorAccountId === undefined ? ["management"] : ["management", "delegated administrator"];
  for (const account of accounts) {
    await reading(`the regions enabled in the ${account} account`, async () => {
      const { client, DescribeRegionsCommand } = await clients.ec2(account);
      const { Regions: enabled = [] } = await client.send(new DescribeRegionsCommand({}));
      const uncovered = enabled.filter(({ RegionName: name }) => name !== undefined && !regions.includes(name));
      const accountName =
        account === "management" ? "management" : `delegated administrator's (${place.delegatedAdministratorAccountId})`;
      const optedIn = uncovered
        .filter((region) => region.OptInStatus === "opted-in")
        .map((region) => region.RegionName)
        .sort();
      const left = uncovered
        .filter((region) => region.OptInStatus !== "opted-in")
        .map((region) => region.RegionName)
        .sort();
      if (optedIn.length > 0) {
        findings.push({
          status: "problem",
          detail: `the ${accountName} account has opted in to ${optedIn.join(", ")}, which the alerts do not cover: an AssumeRoot there raises no alert`,
          fix: "add them to rootActivityAlerts.regions, or disable them in the account",
        });
      }
      if (left.length > 0) {
        findings.push({
          status: "limited",
          detail: `rootActivityAlerts.regions leaves out ${left.join(", ")}, enabled in the ${accountName} account: an AssumeRoot there raises no alert (the policies npm run policy prints allow sts:AssumeRoot only in the covered regions)`,
          fix: "remove rootActivityAlerts.regions to cover every region enabled without opting in",
        });
      }
    });
  }
  return verdict(findings, regions, topicArn, place);
}

function verdict(findings: readonly Finding[], regions: readonly string[], topicArn: string, place: AlertPlace) {
  const check = DOCTOR_CHECKS.rootActivityAlerts.name;
  const problems = findings.filter((finding) => finding.status === "problem");
  const [shown] = (["problem", "cannot tell", "limited"] as const)
    .map((status) => findings.filter((finding) => finding.status === status))
    .filter((some) => some.length > 0);
  const accounts =
    place.delegatedAdministratorAccountId === undefined
      ? "the management account"
      : `the management account and ${place.delegatedAdministratorAccountId}`;
  const works =
    `AssumeRoot in ${regions.join(", ")} of ${accounts} reaches ${ROOT_ACTIVITY_RULE_NAME} and ` +
    `${ROOT_ACTIVITY_REFUSED_RULE_NAME} in ${place.region}, which send the stack's messages to ${topicArn}, whose ` +
    "subscriptions are the declared ones, confirmed";
  if (shown === undefined) return { result: { check, status: "ok" as const, detail: works }, missing: false };
  const detail = shown.map((finding) => finding.detail).join("; ");
  return {
    result: {
      check,
      status: shown[0].status,
      detail: shown[0].status === "limited" ? `${works}; but ${detail}` : detail,
      fix: [...new Set(shown.map((finding) => finding.fix))].join("; "),
    },
    missing: problems.length > 0 && problems.every((finding) => finding.missing === true),
  };
}

/** The rule's ARN when it exists, in the state that receives AssumeRoot, with `pattern`; else adds what is wrong. */
async function ruleFindings(
  events: EventBridgeClient,
  name: string,
  pattern: Record<string, unknown>,
  where: string,
  findings: Finding[],
): Promise<string | undefined> {
  let rule;
  try {
    rule = await events.send(new DescribeRuleCommand({ Name: name }));
  } catch (error) {
    if (awsErrorCode(error) !== "ResourceNotFound") throw error;
    findings.push({
      status: "problem",
      detail: `the EventBridge rule ${name} does not exist in ${where}`,
      fix: "apply the stack",
      missing: true,
    });
    return undefined;
  }
  if (rule.State === "ENABLED") {
    findings.push({
      status: "cannot tell",
      detail: `${name} in ${where} is ENABLED, which does not receive read-only management events, and AWS does not say whether AssumeRoot is one`,
      fix: `${APPLY}: it sets ${ROOT_ACTIVITY_RULE_STATE}`,
    });
  } else if (rule.State !== ROOT_ACTIVITY_RULE_STATE) {
    findings.push({
      status: "problem",
      detail: `${name} in ${where} is ${rule.State ?? "in no known state"}: root sessions open without an alert`,
      fix: APPLY,
    });
    return undefined;
  }
  if (!samePattern(rule.EventPattern, pattern)) {
    findings.push({
      status: "problem",
      detail: `${name}'s event pattern in ${where} is not the stack's: it may miss AssumeRoot events`,
      fix: APPLY,
    });
    return undefined;
  }
  return rule.Arn;
}

/** Every item of a listing that pages with NextToken. */
async function everyPage<T>(page: (token: string | undefined) => Promise<{ items?: T[]; NextToken?: string }>): Promise<T[]> {
  const items: T[] = [];
  let token: string | undefined;
  do {
    const next = await page(token);
    items.push(...(next.items ?? []));
    token = next.NextToken;
  } while (token);
  return items;
}

function targetsOf(events: EventBridgeClient, rule: string): Promise<Target[]> {
  return everyPage(async (token) => {
    const page = await events.send(new ListTargetsByRuleCommand({ Rule: rule, NextToken: token }));
    return { items: page.Targets, NextToken: page.NextToken };
  });
}

function subscriptionsOf(sns: SNSClient, topicArn: string): Promise<Subscription[]> {
  return everyPage(async (token) => {
    const page = await sns.send(new ListSubscriptionsByTopicCommand({ TopicArn: topicArn, NextToken: token }));
    return { items: page.Subscriptions, NextToken: page.NextToken };
  });
}

/**
 * The stack's topic: each declared address has a confirmed email subscription, and there is no other (someone
 * else reading the alerts, or an address that should have been removed). A given topic: someone confirmed one.
 */
function subscriptionFindings(
  subscriptions: readonly Subscription[],
  topicArn: string,
  declared: readonly string[] | undefined,
): Finding[] {
  // A confirmed subscription has an ARN; a pending one says "PendingConfirmation".
  const confirmed = (subscription: Subscription) => subscription.SubscriptionArn?.startsWith("arn:") === true;
  const named = (subscription: Subscription) => `${subscription.Protocol ?? "?"}:${subscription.Endpoint ?? "?"}`;
  if (declared === undefined) {
    if (subscriptions.some(confirmed)) return [];
    const pending = subscriptions.map(named).sort();
    return [
      {
        status: "problem",
        detail: `${topicArn} has no confirmed subscription${pending.length > 0 ? ` (pending: ${pending.join(", ")})` : ""}: nobody receives the alerts`,
        fix: "subscribe someone to the topic and confirm it",
      },
    ];
  }
  const findings: Finding[] = [];
  const pending = declared.filter(
    (address) => !subscriptions.some((s) => s.Protocol === "email" && s.Endpoint === address && confirmed(s)),
  );
  const absent = pending.filter((address) => !subscriptions.some((s) => s.Protocol === "email" && s.Endpoint === address));
  const unconfirmed = pending.filter((address) => !absent.includes(address));
  if (unconfirmed.length > 0) {
    findings.push({
      status: "problem",
      detail: `${topicArn} has no confirmed subscription for ${unconfirmed.join(", ")} (pending)${unconfirmed.length === declared.length ? ": nobody receives the alerts" : ""}`,
      fix: 'each address confirms the message AWS sent it ("Confirm subscription")',
    });
  }
  if (absent.length > 0) {
    findings.push({ status: "problem", detail: `${topicArn} has no subscription for ${absent.join(", ")}`, fix: APPLY });
  }
  const others = subscriptions
    .filter((s) => !(s.Protocol === "email" && declared.includes(s.Endpoint ?? "")))
    .map(named)
    .sort();
  if (others.length > 0) {
    findings.push({
      status: "problem",
      detail: `${topicArn} has subscriptions the stack does not declare: ${others.join(", ")} (they receive every alert)`,
      fix: "remove them, or declare the addresses in rootActivityAlerts.email (another protocol: give the stack your own topic with topicArn)",
    });
  }
  return findings;
}

/**
 * The forwarders' role: it must exist, trust events.amazonaws.com (an Allow of sts:AssumeRole for the service) and
 * allow events:PutEvents on the home bus in the stack's inline policy; a Deny, or a condition other than
 * aws:SourceAccount, is not evaluated ("cannot tell"). Attached managed policies are not read.
 */
async function forwardRoleFinding(clients: AlertClients, account: CallingAccount, homeBus: string): Promise<Finding | undefined> {
  const { client, GetRoleCommand, GetRolePolicyCommand } = await clients.iam(account);
  const where = `${ROOT_ACTIVITY_FORWARD_ROLE_NAME} in the ${account} account`;
  let trust: unknown;
  try {
    const { Role: role } = await client.send(new GetRoleCommand({ RoleName: ROOT_ACTIVITY_FORWARD_ROLE_NAME }));
    trust = JSON.parse(decodeURIComponent(role?.AssumeRolePolicyDocument ?? ""));
  } catch (error) {
    if (awsErrorCode(error) !== "NoSuchEntity") throw error;
    return {
      status: "problem",
      detail: `the role ${where} does not exist: nothing is forwarded`,
      fix: "apply the stack",
      missing: true,
    };
  }
  let policy: unknown;
  try {
    const { PolicyDocument: document } = await client.send(
      new GetRolePolicyCommand({ RoleName: ROOT_ACTIVITY_FORWARD_ROLE_NAME, PolicyName: ROOT_ACTIVITY_FORWARD_POLICY_NAME }),
    );
    policy = JSON.parse(decodeURIComponent(document ?? ""));
  } catch (error) {
    if (awsErrorCode(error) !== "NoSuchEntity") throw error;
    policy = undefined;
  }
  const list = (value: unknown) => valuesOf(value).map((item) => String(item).toLowerCase());
  const trusts = statementsOf(trust).some(
    (statement) =>
      statement.Effect === "Allow" &&
      list((statement.Principal as { Service?: unknown } | undefined)?.Service).includes("events.amazonaws.com") &&
      list(statement.Action).some((action) => action === "sts:assumerole" || action === "sts:*"),
  );
  const puts = statementsOf(policy).some(
    (statement) =>
      statement.Effect === "Allow" &&
      statement.Condition === undefined &&
      list(statement.Action).some((action) => ["events:putevents", "events:*", "*"].includes(action)) &&
      list(statement.Resource).some((resource) => resource === homeBus.toLowerCase() || resource === "*"),
  );
  if (!trusts || !puts) {
    return {
      status: "problem",
      detail: `the role ${where} ${!trusts ? "does not trust events.amazonaws.com" : `may not put events on ${homeBus}`}: nothing is forwarded`,
      fix: APPLY,
    };
  }
  const conditions = statementsOf(trust).flatMap((statement) =>
    Object.values((statement.Condition ?? {}) as Record<string, object>),
  );
  const unusual = conditions.some((keys) => Object.keys(keys).some((key) => key.toLowerCase() !== "aws:sourceaccount"));
  if ([...statementsOf(trust), ...statementsOf(policy)].some((statement) => statement.Effect === "Deny") || unusual) {
    return {
      status: "cannot tell",
      detail: `the role ${where} has a Deny or a condition the doctor does not evaluate: the forwarding may be refused`,
      fix: "keep the role as the stack makes it",
    };
  }
  return undefined;
}

/**
 * Whether the home bus's policy lets `accountId` put events: our statement, an Allow of events:PutEvents for that
 * account without a condition; "cannot tell" when the policy also has a Deny, which the doctor does not evaluate.
 */
function busAllows(policyText: string | undefined, accountId: string): boolean | "cannot tell" {
  try {
    const statements = statementsOf(JSON.parse(policyText ?? ""));
    const list = (value: unknown) => valuesOf(value).map(String);
    const ours = statements.some((statement) => {
      const principals = list((statement.Principal as { AWS?: unknown } | undefined)?.AWS);
      return (
        statement.Sid === ROOT_ACTIVITY_BUS_PERMISSION_ID &&
        statement.Effect === "Allow" &&
        statement.Condition === undefined &&
        list(statement.Action).some((action) => ["events:putevents", "events:*", "*"].includes(action.toLowerCase())) &&
        principals.some((value) => value === accountId || value.endsWith(`::${accountId}:root`))
      );
    });
    if (!ours) return false;
    return statements.some((statement) => statement.Effect === "Deny") ? "cannot tell" : true;
  } catch {
    return false;
  }
}

function arns(targets: readonly Target[]): string {
  return targets.map((target) => target.Arn).join(", ") || "none";
}

function samePattern(deployed: string | undefined, expected: Record<string, unknown>): boolean {
  try {
    return deployed !== undefined && isDeepStrictEqual(JSON.parse(deployed), expected);
  } catch {
    return false;
  }
}
