import {
  DescribeRuleCommand,
  DisableRuleCommand,
  EventBridgeClient,
  ListTargetsByRuleCommand,
  PutEventsCommand,
  PutTargetsCommand,
  TestEventPatternCommand,
} from "@aws-sdk/client-eventbridge";
import {
  GetTopicAttributesCommand,
  ListSubscriptionsByTopicCommand,
  SNSClient,
  SetTopicAttributesCommand,
  SubscribeCommand,
} from "@aws-sdk/client-sns";
import { CloudWatchLogsClient, CreateLogGroupCommand, DescribeMetricFiltersCommand } from "@aws-sdk/client-cloudwatch-logs";
import { CloudTrailClient, CreateTrailCommand, StartLoggingCommand } from "@aws-sdk/client-cloudtrail";
import { CreateBucketCommand, S3Client } from "@aws-sdk/client-s3";
import { CreateQueueCommand, GetQueueAttributesCommand, ReceiveMessageCommand, SQSClient } from "@aws-sdk/client-sqs";
import { leastPrivilegePolicy } from "../../scripts/policy/least-privilege";
import { MEMBER_ROOT_ACTIVITY } from "../../scripts/shared/member-root-activity";
import { ROOT_ACTIVITY_RULE_NAME } from "../../scripts/shared/root-activity";
import { parseAppConfig } from "../../stacks/config/load";
import { clientConfig } from "../../tools/emulator/organization-state";
import { assumeRole, assumeRoot, iamUser, roleSession } from "../support/cloudtrail-events";
import { STACK, actionsNeedingPermission, useScenario } from "../support/stack-driver";

const scenario = useScenario();

/** A multi-region trail that is logging, recording management events (CloudTrail's default selectors). */
async function startTrail(env: NodeJS.ProcessEnv): Promise<void> {
  await new S3Client({ ...clientConfig(env), forcePathStyle: true }).send(new CreateBucketCommand({ Bucket: "org-trail" }));
  const trail = new CloudTrailClient(clientConfig(env));
  await trail.send(new CreateTrailCommand({ Name: "org-trail", S3BucketName: "org-trail", IsMultiRegionTrail: true }));
  await trail.send(new StartLoggingCommand({ Name: "org-trail" }));
}

const PIPELINE = "arn:aws:iam::111111111111:role/root-access-pipeline";
const PERSON = "arn:aws:iam::111111111111:role/aws-reserved/sso.amazonaws.com/AWSReservedSSO_BreakGlass_0123456789abcdef";
const STACK_CONFIG = {
  features: ["RootSessions"],
  // One region: each region is one more provider process; root-activity-regions.e2e covers several.
  rootActivityAlerts: {
    email: ["security@example.com", "oncall@example.com"],
    ignoreCallers: [PIPELINE],
    regions: ["us-east-1"],
  },
};

function allowedActions(stack: Record<string, unknown>): string[] {
  const config = parseAppConfig({ stacks: [{ name: STACK, ...stack }] }, "test").stacks[0];
  return leastPrivilegePolicy(config).Statement.flatMap((statement) => statement.Action);
}

describe("root-activity alerts", () => {
  it("apply creates the rule, the topic, its policy and the subscriptions; the plan after is clean; the pattern matches AssumeRoot only, not the ignored pipeline", async () => {
    const { driver } = scenario;
    const events = new EventBridgeClient(clientConfig(driver.env));
    const sns = new SNSClient(clientConfig(driver.env));

    // WHEN a stack with alerts by email, ignoring the pipeline's role, is applied from nothing
    const { calls } = await driver.callsDuring(() => driver.given(STACK_CONFIG));

    // THEN the rule is enabled and targets the topic with the readable message
    const rule = await events.send(new DescribeRuleCommand({ Name: ROOT_ACTIVITY_RULE_NAME }));
    expect(rule.State).toBe("ENABLED_WITH_ALL_CLOUDTRAIL_MANAGEMENT_EVENTS");
    const { Targets } = await events.send(new ListTargetsByRuleCommand({ Rule: ROOT_ACTIVITY_RULE_NAME }));
    expect(Targets).toHaveLength(1);
    const [target] = Targets!;
    expect(target.Arn).toMatch(new RegExp(`^arn:aws:sns:us-east-1:\\d{12}:${ROOT_ACTIVITY_RULE_NAME}$`));
    expect(target.InputTransformer?.InputPathsMap).toMatchObject({
      caller: "$.detail.userIdentity.arn",
      account: "$.detail.requestParameters.targetPrincipal",
      task: "$.detail.requestParameters.taskPolicyArn.arn",
    });
    // AND the topic lets EventBridge publish, for the two alerting rules only, and both addresses are subscribed by email
    const { Attributes } = await sns.send(new GetTopicAttributesCommand({ TopicArn: target.Arn }));
    expect(JSON.parse(Attributes!.Policy)).toEqual({
      Version: "2012-10-17",
      Statement: [
        {
          Sid: "EventBridgePublishesRootSessionAlerts",
          Effect: "Allow",
          Principal: { Service: "events.amazonaws.com" },
          Action: "sns:Publish",
          Resource: target.Arn,
          Condition: { ArnEquals: { "aws:SourceArn": [rule.Arn, `${rule.Arn}-refused`] } },
        },
      ],
    });
    const { Subscriptions } = await sns.send(new ListSubscriptionsByTopicCommand({ TopicArn: target.Arn }));
    expect(Subscriptions!.map((subscription) => [subscription.Protocol, subscription.Endpoint]).sort()).toEqual([
      ["email", "oncall@example.com"],
      ["email", "security@example.com"],
    ]);
    // AND the plan after it is clean, and every call it made is in the stack's least-privilege policy
    expect(await driver.converged()).toEqual({ planExitCode: 0, writes: {} });
    const allowed = allowedActions(STACK_CONFIG);
    expect(actionsNeedingPermission(calls).filter((action) => !allowed.includes(action))).toEqual([]);

    // WHEN CloudTrail-shaped events are tested against the deployed rule's pattern (EventBridge's TestEventPattern)
    const matches = async (event: Record<string, unknown>) =>
      (await events.send(new TestEventPatternCommand({ EventPattern: rule.EventPattern, Event: JSON.stringify(event) }))).Result;
    // THEN an AssumeRoot by a person matches, by a role that only shares the pipeline's prefix too, by an IAM user too
    expect(await matches(assumeRoot(roleSession(PERSON, "alice@example.com")))).toBe(true);
    expect(await matches(assumeRoot(roleSession(`${PIPELINE}-copy`, "x")))).toBe(true);
    expect(await matches(assumeRoot(iamUser("break-glass")))).toBe(true);
    // AND the pipeline's role asking for a task the pipeline never runs matches
    expect(await matches(assumeRoot(roleSession(PIPELINE, "org-root-access"), "222222222222", "S3UnlockBucketPolicy"))).toBe(
      true,
    );
    // AND a refused call, even the pipeline's own audit, matches the refused rule and not the granted one
    const refusedRule = await events.send(new DescribeRuleCommand({ Name: `${ROOT_ACTIVITY_RULE_NAME}-refused` }));
    const refused = assumeRoot(roleSession(PIPELINE, "org-root-access"), "222222222222", "IAMAuditRootUserCredentials");
    Object.assign(refused.detail as Record<string, unknown>, { errorCode: "AccessDenied" });
    expect(await matches(refused)).toBe(false);
    const matchesRefused = async (event: Record<string, unknown>) =>
      (await events.send(new TestEventPatternCommand({ EventPattern: refusedRule.EventPattern, Event: JSON.stringify(event) })))
        .Result;
    expect(await matchesRefused(refused)).toBe(true);
    expect(await matchesRefused(assumeRoot(roleSession(PERSON, "alice@example.com")))).toBe(false);
    // AND the pipeline's own audit and removal, an AssumeRole and an AssumeRoot name from another source do not
    for (const task of ["IAMAuditRootUserCredentials", "IAMDeleteRootUserCredentials"]) {
      expect(await matches(assumeRoot(roleSession(PIPELINE, "org-root-access"), "222222222222", task))).toBe(false);
    }
    expect(await matches(assumeRole(roleSession(PERSON, "alice@example.com"), PIPELINE))).toBe(false);
    expect(await matches({ ...assumeRoot(iamUser("break-glass")), source: "aws.signin" })).toBe(false);

    // WHEN the doctor looks before anyone confirmed the email AWS sent THEN nobody receives the alerts: a problem
    const doctorSays = (name: string) => driver.doctor().checks.find((check) => check.check === name);
    const alertCheck = () => doctorSays("root-activity alerts");
    expect(alertCheck()).toMatchObject({
      status: "problem",
      detail: expect.stringContaining(
        "has no confirmed subscription for security@example.com, oncall@example.com (pending): nobody receives the alerts",
      ),
    });
    // AND without a trail, CloudTrail delivers nothing to EventBridge: a problem too
    expect(doctorSays("CloudTrail for the alerts")).toMatchObject({
      status: "problem",
      detail: expect.stringContaining("no trail records management events in us-east-1 of the management account"),
    });
    // WHEN both addresses confirm and a multi-region trail logs THEN the alerts work, in the one region they cover
    expect(await scenario.emulator.confirmSubscription("oncall@example.com")).toBe(1);
    expect(await scenario.emulator.confirmSubscription("security@example.com")).toBe(1);
    await startTrail(driver.env);
    expect(doctorSays("CloudTrail for the alerts")).toMatchObject({ status: "ok" });
    expect(alertCheck()).toMatchObject({
      status: "limited",
      detail: expect.stringContaining("rootActivityAlerts.regions leaves out ap-northeast-1, ap-northeast-2"),
    });
    // WHEN someone subscribes another address THEN the doctor names it: it receives every alert
    await sns.send(new SubscribeCommand({ TopicArn: target.Arn, Protocol: "email", Endpoint: "someone@example.net" }));
    expect(alertCheck()).toMatchObject({
      status: "problem",
      detail: expect.stringContaining("subscriptions the stack does not declare: email:someone@example.net"),
    });
    // WHEN someone points the rule at another topic, or rewrites its message THEN the doctor names the difference
    const elsewhere = target.Arn!.replace(/:[^:]+$/, ":somewhere-else");
    await events.send(new PutTargetsCommand({ Rule: ROOT_ACTIVITY_RULE_NAME, Targets: [{ ...target, Arn: elsewhere }] }));
    expect(alertCheck()).toMatchObject({
      status: "problem",
      detail: expect.stringContaining(`${ROOT_ACTIVITY_RULE_NAME} does not target ${target.Arn} (its targets: ${elsewhere})`),
    });
    const constant = { InputPathsMap: {}, InputTemplate: '"All is well."' };
    await events.send(
      new PutTargetsCommand({ Rule: ROOT_ACTIVITY_RULE_NAME, Targets: [{ ...target, InputTransformer: constant }] }),
    );
    expect(alertCheck()).toMatchObject({
      status: "problem",
      detail: expect.stringContaining(`${ROOT_ACTIVITY_RULE_NAME}'s message to ${target.Arn} is not the stack's`),
    });
    // WHEN someone replaces the topic's policy with one that leaves EventBridge out THEN the doctor says so
    await sns.send(
      new SetTopicAttributesCommand({
        TopicArn: target.Arn,
        AttributeName: "Policy",
        AttributeValue: JSON.stringify({
          Version: "2012-10-17",
          Statement: [{ Effect: "Allow", Principal: { AWS: "*" }, Action: "sns:Subscribe", Resource: target.Arn }],
        }),
      }),
    );
    expect(alertCheck()).toMatchObject({
      status: "problem",
      detail: expect.stringContaining("does not let events.amazonaws.com publish"),
    });
    // WHEN someone disables the rule outside terraform THEN the doctor says so
    await events.send(new DisableRuleCommand({ Name: ROOT_ACTIVITY_RULE_NAME }));
    expect(alertCheck()).toMatchObject({ status: "problem", detail: expect.stringContaining("is DISABLED") });
  });

  it("sends a readable message to the topic when a person opens a root session, and nothing for the pipeline's own sessions", async () => {
    const { driver } = scenario;
    const events = new EventBridgeClient(clientConfig(driver.env));
    const sns = new SNSClient(clientConfig(driver.env));
    const sqs = new SQSClient(clientConfig(driver.env));
    // GIVEN the stack applied, with an organization trail's log group for member accounts' root activity, and a
    // queue subscribed to its topic (raw delivery: the message as the email shows it)
    const logs = new CloudWatchLogsClient(clientConfig(driver.env));
    await logs.send(new CreateLogGroupCommand({ logGroupName: "org-trail" }));
    const withTrail = {
      ...STACK_CONFIG,
      rootActivityAlerts: { ...STACK_CONFIG.rootActivityAlerts, organizationTrailLogGroup: "org-trail" },
    };
    const { calls } = await driver.callsDuring(() => driver.given(withTrail));
    // THEN the trail's log group has the three filters, every call was in the stack's policy, and the plan after is clean
    const allowed = allowedActions(withTrail);
    expect(actionsNeedingPermission(calls).filter((action) => !allowed.includes(action))).toEqual([]);
    const { metricFilters = [] } = await logs.send(new DescribeMetricFiltersCommand({ logGroupName: "org-trail" }));
    expect(metricFilters.map((filter) => [filter.filterName, filter.filterPattern]).sort()).toEqual(
      MEMBER_ROOT_ACTIVITY.map((activity) => [activity.name, activity.filterPattern]).sort(),
    );
    expect(await driver.converged()).toEqual({ planExitCode: 0, writes: {} });
    const [target] = (await events.send(new ListTargetsByRuleCommand({ Rule: ROOT_ACTIVITY_RULE_NAME }))).Targets!;
    const { QueueUrl } = await sqs.send(new CreateQueueCommand({ QueueName: "alerts-inbox" }));
    const { Attributes } = await sqs.send(new GetQueueAttributesCommand({ QueueUrl, AttributeNames: ["QueueArn"] }));
    await sns.send(
      new SubscribeCommand({
        TopicArn: target.Arn,
        Protocol: "sqs",
        Endpoint: Attributes!.QueueArn,
        Attributes: { RawMessageDelivery: "true" },
      }),
    );
    // WHEN the pipeline opens a session, then a person does (EventBridge receives CloudTrail's AssumeRoot events)
    const put = (event: Record<string, unknown>) =>
      events.send(
        new PutEventsCommand({
          Entries: [{ Source: "aws.sts", DetailType: "AWS API Call via CloudTrail", Detail: JSON.stringify(event.detail) }],
        }),
      );
    await put(assumeRoot(roleSession(PIPELINE, "org-root-access"), "333333333333", "IAMAuditRootUserCredentials"));
    await put(assumeRoot(roleSession(PERSON, "alice@example.com"), "222222222222", "S3UnlockBucketPolicy"));
    // THEN one message arrived, the person's: who, where, with which task, when and from where
    const { Messages } = await sqs.send(new ReceiveMessageCommand({ QueueUrl, MaxNumberOfMessages: 10, WaitTimeSeconds: 1 }));
    expect(Messages?.map((message) => message.Body)).toEqual([
      "Central root session requested: arn:aws:sts::111111111111:assumed-role/AWSReservedSSO_BreakGlass_0123456789abcdef/alice@example.com " +
        "called sts:AssumeRoot for the root user of account 222222222222 with arn:aws:iam::aws:policy/root-task/S3UnlockBucketPolicy " +
        "at 2026-12-07T09:12:11Z (in us-east-1, from 192.0.2.1). AWS granted it. " +
        "What the session did is in account 222222222222's CloudTrail.",
    ]);
  });
});
