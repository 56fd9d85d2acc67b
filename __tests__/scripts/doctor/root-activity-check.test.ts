import { DescribeRuleCommand, EventBridgeClient, ListTargetsByRuleCommand } from "@aws-sdk/client-eventbridge";
import { GetTopicAttributesCommand, ListSubscriptionsByTopicCommand, SNSClient } from "@aws-sdk/client-sns";
import { mockClient } from "aws-sdk-client-mock";
import { rootActivityAlertsCheck } from "../../../scripts/doctor/root-activity-check";
import { rootActivityPattern } from "../../../scripts/shared/root-activity";

const events = mockClient(EventBridgeClient);
const sns = mockClient(SNSClient);
const PLACE = { region: "us-east-1", partition: "aws", accountId: "111111111111" };
const TOPIC = "arn:aws:sns:us-east-1:111111111111:org-root-access-root-sessions";
const RULE = "arn:aws:events:us-east-1:111111111111:rule/org-root-access-root-sessions";
const ALERTS = { email: ["security@example.com"], ignoreCallers: [] };
const allow = (extra: object = {}) => ({
  Effect: "Allow",
  Principal: { Service: "events.amazonaws.com" },
  Action: "sns:Publish",
  Resource: TOPIC,
  Condition: { ArnEquals: { "aws:SourceArn": RULE } },
  ...extra,
});

/** Alerts as the stack makes them, with `change` applied. */
function deployed(change: { state?: string; pattern?: object; target?: string; statements?: object[]; kms?: string } = {}) {
  events.reset();
  sns.reset();
  events.on(DescribeRuleCommand).resolves({
    Arn: RULE,
    State: (change.state ?? "ENABLED_WITH_ALL_CLOUDTRAIL_MANAGEMENT_EVENTS") as "ENABLED",
    EventPattern: JSON.stringify(change.pattern ?? rootActivityPattern([])),
  });
  events.on(ListTargetsByRuleCommand).resolves({ Targets: [{ Id: "sns", Arn: change.target ?? TOPIC }] });
  sns.on(GetTopicAttributesCommand).resolves({
    Attributes: {
      Policy: JSON.stringify({ Version: "2012-10-17", Statement: change.statements ?? [allow()] }),
      ...(change.kms ? { KmsMasterKeyId: change.kms } : {}),
    },
  });
  sns.on(ListSubscriptionsByTopicCommand).resolves({
    Subscriptions: [{ SubscriptionArn: `${TOPIC}:1a2b`, Endpoint: "security@example.com", Protocol: "email" }],
  });
}

const check = async () =>
  (await rootActivityAlertsCheck({ events: new EventBridgeClient({}), sns: new SNSClient({}) }, ALERTS, PLACE)).result;

describe("the doctor's root-activity alerts check", () => {
  it("is ok only when the rule receives AssumeRoot with the stack's pattern, targets the stack's topic, and EventBridge may publish", async () => {
    deployed();
    expect(await check()).toMatchObject({ status: "ok" });
  });

  it.each([
    ["the rule is DISABLED", { state: "DISABLED" }, "problem", "is DISABLED"],
    [
      "the rule is ENABLED, which may not receive read-only management events",
      { state: "ENABLED" },
      "cannot tell",
      "AWS does not say",
    ],
    ["another pattern", { pattern: { source: ["aws.nothing"] } }, "problem", "event pattern is not the stack's"],
    [
      "a topic of the same name in another account",
      { target: TOPIC.replace("111111111111", "666666666666") },
      "problem",
      "does not target",
    ],
    [
      "a policy without EventBridge",
      { statements: [allow({ Principal: { AWS: "*" } })] },
      "problem",
      "does not let events.amazonaws.com publish",
    ],
    [
      "a policy for another rule",
      { statements: [allow({ Condition: { ArnEquals: { "aws:SourceArn": `${RULE}-x` } } })] },
      "cannot tell",
      "other than aws:SourceArn",
    ],
    [
      "a Deny in the policy",
      { statements: [allow(), { Effect: "Deny", Principal: "*", Action: "sns:Publish", Resource: TOPIC }] },
      "cannot tell",
      "Deny",
    ],
    ["a KMS key on the topic", { kms: "alias/aws/sns" }, "cannot tell", "encrypted with alias/aws/sns"],
  ])("is not ok with %s", async (_, change, status, detail) => {
    deployed(change);
    expect(await check()).toMatchObject({ status, detail: expect.stringContaining(detail) });
  });
});
