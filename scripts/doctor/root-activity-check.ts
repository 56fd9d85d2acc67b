import { DescribeRuleCommand, EventBridgeClient, ListTargetsByRuleCommand } from "@aws-sdk/client-eventbridge";
import { GetTopicAttributesCommand, ListSubscriptionsByTopicCommand, SNSClient } from "@aws-sdk/client-sns";
import { isDeepStrictEqual } from "node:util";
import type { RootActivityAlertsConfig } from "../../stacks/config/schema";
import { awsErrorCode } from "../aws/aws-errors";
import { ROOT_ACTIVITY_RULE_NAME, ROOT_ACTIVITY_RULE_STATE, rootActivityPattern } from "../shared/root-activity";
import { Check, DOCTOR_CHECKS } from "./catalogue";

/** The clients of the alerts check, with the stack's credentials and region. */
export interface AlertClients {
  readonly events: EventBridgeClient;
  readonly sns: SNSClient;
}

/** Where the alerts should be: the stack's region and partition, and the account the doctor's credentials are in. */
export interface AlertPlace {
  readonly region: string;
  readonly partition: string;
  readonly accountId: string;
}

/**
 * What the alerts need to work, read in order: the rule, in the state that receives AssumeRoot, with the stack's
 * pattern; its target, the stack's topic; the topic's policy letting EventBridge publish; someone who confirmed a
 * subscription. `missing`: the rule does not exist (which the first apply fixes). What it cannot evaluate (a
 * topic policy with other conditions, a KMS key on the topic) is "cannot tell".
 */
export async function rootActivityAlertsCheck(
  clients: AlertClients,
  alerts: RootActivityAlertsConfig,
  place: AlertPlace,
): Promise<{ readonly result: Check; readonly missing: boolean }> {
  const check = DOCTOR_CHECKS.rootActivityAlerts.name;
  const verdict = (status: Check["status"], detail: string, fix?: string, missing = false) => ({
    result: fix === undefined ? { check, status, detail } : { check, status, detail, fix },
    missing,
  });
  const apply = "apply the stack (the plan gate refuses a plan that takes the alerts down)";
  try {
    let rule;
    try {
      rule = await clients.events.send(new DescribeRuleCommand({ Name: ROOT_ACTIVITY_RULE_NAME }));
    } catch (error) {
      if (awsErrorCode(error) !== "ResourceNotFound") throw error;
      return verdict(
        "problem",
        `the EventBridge rule ${ROOT_ACTIVITY_RULE_NAME} does not exist in ${place.region}`,
        "apply the stack",
        true,
      );
    }
    if (rule.State === "ENABLED") {
      return verdict(
        "cannot tell",
        `${ROOT_ACTIVITY_RULE_NAME} is ENABLED, which does not receive read-only management events, and AWS does not say whether AssumeRoot is one`,
        `${apply}: it sets ${ROOT_ACTIVITY_RULE_STATE}`,
      );
    }
    if (rule.State !== ROOT_ACTIVITY_RULE_STATE) {
      return verdict(
        "problem",
        `${ROOT_ACTIVITY_RULE_NAME} is ${rule.State ?? "in no known state"}: root sessions open without an alert`,
        apply,
      );
    }
    if (!samePattern(rule.EventPattern, rootActivityPattern(alerts.ignoreCallers))) {
      return verdict(
        "problem",
        `${ROOT_ACTIVITY_RULE_NAME}'s event pattern is not the stack's: it may miss AssumeRoot events`,
        apply,
      );
    }
    const { Targets: targets = [] } = await clients.events.send(new ListTargetsByRuleCommand({ Rule: ROOT_ACTIVITY_RULE_NAME }));
    // The stack's own topic is in its account and region, named after the rule; a given one is the configured ARN.
    const expected =
      alerts.topicArn ?? `arn:${place.partition}:sns:${place.region}:${place.accountId}:${ROOT_ACTIVITY_RULE_NAME}`;
    if (!targets.some((target) => target.Arn === expected)) {
      return verdict(
        "problem",
        `${ROOT_ACTIVITY_RULE_NAME} does not target ${expected} (its targets: ${targets.map((target) => target.Arn).join(", ") || "none"})`,
        apply,
      );
    }
    const { Attributes: attributes = {} } = await clients.sns.send(new GetTopicAttributesCommand({ TopicArn: expected }));
    const ruleArn = rule.Arn ?? "";
    const publishing = eventBridgeMayPublish(attributes.Policy, expected, ruleArn);
    if (publishing === "no") {
      return verdict("problem", `${expected}'s policy does not let events.amazonaws.com publish for ${ruleArn}`, apply);
    }
    if (publishing !== "yes") {
      return verdict(
        "cannot tell",
        `${expected}'s policy ${publishing.cannotTell}`,
        "let events.amazonaws.com publish with no condition but aws:SourceArn",
      );
    }
    if (attributes.KmsMasterKeyId) {
      return verdict(
        "cannot tell",
        `${expected} is encrypted with ${attributes.KmsMasterKeyId}, whose key policy must let events.amazonaws.com use it (not read)`,
        "allow events.amazonaws.com kms:GenerateDataKey and kms:Decrypt in that key's policy",
      );
    }
    const subscriptions = [];
    let token: string | undefined;
    do {
      const page = await clients.sns.send(new ListSubscriptionsByTopicCommand({ TopicArn: expected, NextToken: token }));
      subscriptions.push(...(page.Subscriptions ?? []));
      token = page.NextToken;
    } while (token);
    // A confirmed subscription has an ARN; a pending one says "PendingConfirmation".
    const confirmed = subscriptions.filter(({ SubscriptionArn: arn }) => arn?.startsWith("arn:"));
    if (confirmed.length === 0) {
      const pending = subscriptions
        .map((subscription) => subscription.Endpoint ?? "")
        .filter(Boolean)
        .sort();
      return verdict(
        "problem",
        `${expected} has no confirmed subscription${pending.length > 0 ? ` (pending: ${pending.join(", ")})` : ""}: nobody receives the alerts`,
        pending.length > 0
          ? 'each address confirms the message AWS sent it ("Confirm subscription")'
          : "subscribe someone to the topic (email in rootActivityAlerts, or your own subscription to the given topic)",
      );
    }
    return verdict(
      "ok",
      `${ROOT_ACTIVITY_RULE_NAME} receives AssumeRoot events in ${place.region} and sends them to ${expected}, ` +
        `with ${confirmed.length} confirmed subscription(s)`,
    );
  } catch (error) {
    return verdict(
      "cannot tell",
      `the alerts could not be read (${awsErrorCode(error) ?? "error"}: ${(error as Error).message})`,
      "allow the caller events:DescribeRule, events:ListTargetsByRule, sns:GetTopicAttributes and sns:ListSubscriptionsByTopic (npm run policy -- --plan prints them)",
    );
  }
}

function samePattern(deployed: string | undefined, expected: Record<string, unknown>): boolean {
  try {
    return deployed !== undefined && isDeepStrictEqual(JSON.parse(deployed), expected);
  } catch {
    return false;
  }
}

/**
 * Whether the topic's policy lets EventBridge publish for `ruleArn`: "yes" when an Allow for events.amazonaws.com
 * covers sns:Publish on the topic with no condition or only aws:SourceArn equal to the rule; "no" when none does;
 * otherwise why it cannot tell (a Deny, another condition, a policy it cannot read).
 */
function eventBridgeMayPublish(
  policyText: string | undefined,
  topicArn: string,
  ruleArn: string,
): "yes" | "no" | { readonly cannotTell: string } {
  let statements: Record<string, unknown>[];
  try {
    const policy = JSON.parse(policyText ?? "") as { Statement?: unknown };
    statements = (Array.isArray(policy.Statement) ? policy.Statement : [policy.Statement]) as Record<string, unknown>[];
  } catch {
    return { cannotTell: "cannot be read" };
  }
  const list = (value: unknown): unknown[] => (Array.isArray(value) ? value : value === undefined ? [] : [value]);
  const forEvents = (statement: Record<string, unknown>) => {
    const principal = statement.Principal as Record<string, unknown> | string | undefined;
    return (
      principal === "*" || list((principal as Record<string, unknown> | undefined)?.Service).includes("events.amazonaws.com")
    );
  };
  const publishes = (statement: Record<string, unknown>) =>
    list(statement.Action).some((action) => action === "sns:Publish" || action === "sns:*" || action === "*") &&
    list(statement.Resource).some((resource) => resource === topicArn || resource === "*");
  if (statements.some((statement) => statement.Effect === "Deny"))
    return { cannotTell: "has a Deny statement, which the doctor does not evaluate" };
  const allows = statements.filter((statement) => statement.Effect === "Allow" && forEvents(statement) && publishes(statement));
  if (allows.length === 0) return "no";
  const onlySourceArn = (condition: unknown) => {
    if (condition === undefined) return true;
    const blocks = Object.entries(condition as Record<string, Record<string, unknown>>);
    return blocks.every(
      ([operator, keys]) =>
        (operator === "ArnEquals" || operator === "StringEquals") &&
        Object.entries(keys).every(([key, value]) => key === "aws:SourceArn" && list(value).includes(ruleArn)),
    );
  };
  return allows.some((statement) => onlySourceArn(statement.Condition))
    ? "yes"
    : { cannotTell: "has conditions on EventBridge's statement other than aws:SourceArn of this rule" };
}
