import { CloudwatchEventRule } from "@cdktf/provider-aws/lib/cloudwatch-event-rule";
import { CloudwatchEventTarget } from "@cdktf/provider-aws/lib/cloudwatch-event-target";
import { SnsTopic } from "@cdktf/provider-aws/lib/sns-topic";
import { SnsTopicPolicy } from "@cdktf/provider-aws/lib/sns-topic-policy";
import { SnsTopicSubscription } from "@cdktf/provider-aws/lib/sns-topic-subscription";
import { Construct } from "constructs";
import {
  ROOT_ACTIVITY_INPUT_PATHS,
  ROOT_ACTIVITY_INPUT_TEMPLATE,
  ROOT_ACTIVITY_RULE_NAME,
  ROOT_ACTIVITY_RULE_STATE,
  rootActivityPattern,
} from "../../scripts/shared/root-activity";
import type { RootActivityAlertsConfig } from "../config/schema";

/** The rule's address in the synthesized JSON, which the plan gate and the plan summary look for. */
export const ROOT_ACTIVITY_RULE_ADDRESS = "aws_cloudwatch_event_rule.root-activity";

/**
 * An EventBridge rule in the stack's account and region for CloudTrail's AssumeRoot events, with an SNS topic as
 * its target: the stack's own (with the policy that lets EventBridge publish, and an email subscription per
 * address) or an existing one. The message says who opened a root session, in which account, for which task.
 */
export class RootActivityAlerts extends Construct {
  constructor(scope: Construct, id: string, props: RootActivityAlertsConfig) {
    super(scope, id);
    const rule = new CloudwatchEventRule(this, "rule", {
      name: ROOT_ACTIVITY_RULE_NAME,
      description: "org-root-access: a central root session (sts:AssumeRoot) was opened; managed by terraform",
      eventPattern: JSON.stringify(rootActivityPattern(props.ignoreCallers)),
      state: ROOT_ACTIVITY_RULE_STATE,
    });
    rule.overrideLogicalId("root-activity");

    let topicArn = props.topicArn;
    if (topicArn === undefined) {
      const topic = new SnsTopic(this, "topic", { name: ROOT_ACTIVITY_RULE_NAME });
      topic.overrideLogicalId("root-activity");
      topicArn = topic.arn;
      const policy = new SnsTopicPolicy(this, "topic-policy", {
        arn: topic.arn,
        policy: JSON.stringify({
          Version: "2012-10-17",
          Statement: [
            {
              Sid: "EventBridgePublishesRootSessionAlerts",
              Effect: "Allow",
              Principal: { Service: "events.amazonaws.com" },
              Action: "sns:Publish",
              Resource: topic.arn,
              Condition: { ArnEquals: { "aws:SourceArn": rule.arn } },
            },
          ],
        }),
      });
      policy.overrideLogicalId("root-activity");
      for (const [index, address] of (props.email ?? []).entries()) {
        const subscription = new SnsTopicSubscription(this, `subscription-${index}`, {
          topicArn: topic.arn,
          protocol: "email",
          endpoint: address,
        });
        subscription.overrideLogicalId(`root-activity-${index}`);
      }
    }

    const target = new CloudwatchEventTarget(this, "target", {
      rule: rule.name,
      targetId: "sns",
      arn: topicArn,
      inputTransformer: { inputPaths: { ...ROOT_ACTIVITY_INPUT_PATHS }, inputTemplate: ROOT_ACTIVITY_INPUT_TEMPLATE },
    });
    target.overrideLogicalId("root-activity");
  }
}
