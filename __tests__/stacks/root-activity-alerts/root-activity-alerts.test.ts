import { ROOT_ACTIVITY_RULE_NAME, rootActivityPattern } from "../../../scripts/shared/root-activity";
import { synthJson } from "../../support/stack-synth";

describe("root-activity alerts, synthesized", () => {
  it("with addresses: a rule for AssumeRoot, a topic EventBridge may publish to for this rule only, a subscription per address", () => {
    // GIVEN alerts by email that ignore the pipeline's role WHEN the stack is synthesized
    const pipeline = "arn:aws:iam::111122223333:role/root-access-pipeline";
    const { resource } = synthJson({
      rootActivityAlerts: { email: ["a@example.com", "b@example.com"], ignoreCallers: [pipeline] },
    });
    // THEN the rule is enabled with the AssumeRoot pattern that leaves out the pipeline
    const rule = resource.aws_cloudwatch_event_rule["root-activity"];
    expect(rule).toMatchObject({ name: ROOT_ACTIVITY_RULE_NAME, state: "ENABLED_WITH_ALL_CLOUDTRAIL_MANAGEMENT_EVENTS" });
    expect(JSON.parse(rule.event_pattern)).toEqual(rootActivityPattern([pipeline]));
    expect(JSON.parse(rule.event_pattern).detail.eventName).toEqual(["AssumeRoot"]);
    // AND the target is the stack's topic, whose policy names the rule as the only source
    expect(resource.aws_cloudwatch_event_target["root-activity"]).toMatchObject({
      rule: "${aws_cloudwatch_event_rule.root-activity.name}",
      arn: "${aws_sns_topic.root-activity.arn}",
    });
    const policy = JSON.parse(resource.aws_sns_topic_policy["root-activity"].policy);
    expect(policy.Statement).toEqual([
      expect.objectContaining({
        Principal: { Service: "events.amazonaws.com" },
        Action: "sns:Publish",
        Condition: { ArnEquals: { "aws:SourceArn": "${aws_cloudwatch_event_rule.root-activity.arn}" } },
      }),
    ]);
    expect(Object.values(resource.aws_sns_topic_subscription).map((s: any) => [s.protocol, s.endpoint])).toEqual([
      ["email", "a@example.com"],
      ["email", "b@example.com"],
    ]);
  });

  it("with a topic: targets it, and creates no topic, policy or subscription", () => {
    const topicArn = "arn:aws:sns:us-east-1:111122223333:security";
    const { resource } = synthJson({ rootActivityAlerts: { topicArn } });
    expect(resource.aws_cloudwatch_event_target["root-activity"].arn).toBe(topicArn);
    expect(JSON.parse(resource.aws_cloudwatch_event_rule["root-activity"].event_pattern).detail.$or).toBeUndefined();
    expect([resource.aws_sns_topic, resource.aws_sns_topic_policy, resource.aws_sns_topic_subscription]).toEqual([
      undefined,
      undefined,
      undefined,
    ]);
  });

  it("without the setting: nothing", () => {
    expect(synthJson({}).resource.aws_cloudwatch_event_rule).toBeUndefined();
  });
});
