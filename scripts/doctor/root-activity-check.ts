import { DescribeRuleCommand, EventBridgeClient, ListTargetsByRuleCommand } from "@aws-sdk/client-eventbridge";
import { ListSubscriptionsByTopicCommand, SNSClient } from "@aws-sdk/client-sns";
import type { RootActivityAlertsConfig } from "../../stacks/config/schema";
import { awsErrorCode } from "../aws/aws-errors";
import { ROOT_ACTIVITY_RULE_NAME } from "../shared/root-activity";
import { Check, DOCTOR_CHECKS } from "./catalogue";

/** The clients of the alerts check, with the stack's credentials and region. */
export interface AlertClients {
  readonly events: EventBridgeClient;
  readonly sns: SNSClient;
}

/**
 * What the alerts need to work, read in order: the rule, enabled, its topic, someone who confirmed. `missing`:
 * the rule does not exist (which the first apply fixes).
 */
export async function rootActivityAlertsCheck(
  clients: AlertClients,
  alerts: RootActivityAlertsConfig,
  region: string,
): Promise<{ readonly result: Check; readonly missing: boolean }> {
  const { result, missing = false } = await evaluate(clients, alerts, region);
  return { result, missing };
}

async function evaluate(
  clients: AlertClients,
  alerts: RootActivityAlertsConfig,
  region: string,
): Promise<{ readonly result: Check; readonly missing?: boolean }> {
  const check = DOCTOR_CHECKS.rootActivityAlerts.name;
  const problem = (detail: string, fix: string) => ({ result: { check, status: "problem", detail, fix } as Check });
  try {
    let rule;
    try {
      rule = await clients.events.send(new DescribeRuleCommand({ Name: ROOT_ACTIVITY_RULE_NAME }));
    } catch (error) {
      if (awsErrorCode(error) !== "ResourceNotFound") throw error;
      return {
        ...problem(`the EventBridge rule ${ROOT_ACTIVITY_RULE_NAME} does not exist in ${region}`, "apply the stack"),
        missing: true,
      };
    }
    if (rule.State !== "ENABLED") {
      return problem(
        `the EventBridge rule ${ROOT_ACTIVITY_RULE_NAME} is ${rule.State ?? "in no known state"}: root sessions open without an alert`,
        "apply the stack, which sets it ENABLED (the plan gate refuses a plan that disables it)",
      );
    }
    const { Targets: targets = [] } = await clients.events.send(new ListTargetsByRuleCommand({ Rule: ROOT_ACTIVITY_RULE_NAME }));
    // The stack's own topic is named after the rule; a given one is the configured ARN.
    const topic = targets.find(({ Arn: arn = "" }) =>
      alerts.topicArn === undefined
        ? /^arn:[^:]+:sns:/.test(arn) && arn.endsWith(`:${ROOT_ACTIVITY_RULE_NAME}`)
        : arn === alerts.topicArn,
    )?.Arn;
    if (topic === undefined) {
      return problem(
        `the rule targets no SNS topic of the stack (${targets.map((target) => target.Arn).join(", ") || "no target"})`,
        "apply the stack, which puts the topic back as its target",
      );
    }
    const subscriptions = [];
    let token: string | undefined;
    do {
      const page = await clients.sns.send(new ListSubscriptionsByTopicCommand({ TopicArn: topic, NextToken: token }));
      subscriptions.push(...(page.Subscriptions ?? []));
      token = page.NextToken;
    } while (token);
    const confirmed = subscriptions.filter(({ SubscriptionArn: arn }) => arn?.startsWith("arn:"));
    if (confirmed.length === 0) {
      const pending = subscriptions.map((subscription) => subscription.Endpoint).filter(Boolean);
      return problem(
        `${topic} has no confirmed subscription` +
          (pending.length > 0 ? ` (pending: ${pending.join(", ")})` : "") +
          ": nobody receives the alerts",
        pending.length > 0
          ? 'each address confirms the message AWS sent it ("Confirm subscription"); a lost one: apply again after removing and re-adding the address'
          : "subscribe someone to the topic (email in rootActivityAlerts, or your own subscription to the given topic)",
      );
    }
    const detail = `${ROOT_ACTIVITY_RULE_NAME} is enabled and targets ${topic}, with ${confirmed.length} confirmed subscription(s)`;
    return { result: { check, status: "ok", detail } };
  } catch (error) {
    return {
      result: {
        check,
        status: "cannot tell",
        detail: `the alerts could not be read (${awsErrorCode(error) ?? "error"}: ${(error as Error).message})`,
        fix: "allow the caller events:DescribeRule, events:ListTargetsByRule and sns:ListSubscriptionsByTopic (npm run policy -- --plan prints them)",
      },
    };
  }
}
