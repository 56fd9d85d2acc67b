import { MEMBER_ROOT_ACTIVITY } from "../../../scripts/shared/member-root-activity";
import { regionsEnabledWithoutOptIn } from "../../../scripts/shared/partition-regions";
import {
  ROOT_ACTIVITY_REFUSED_RULE_NAME,
  ROOT_ACTIVITY_RULE_NAME,
  forwardPattern,
  refusedPattern,
  rootActivityPattern,
} from "../../../scripts/shared/root-activity";
import { Json, synthJson } from "../../support/stack-synth";

const PIPELINE = "arn:aws:iam::111122223333:role/root-access-pipeline";
const BUS = "arn:aws:events:us-east-1:${data.aws_caller_identity.root-activity.account_id}:event-bus/default";

/** The aws provider configurations, by alias ("" for the default one). */
function providers(json: Json): Record<string, Json> {
  const list: Json[] = Array.isArray(json.provider.aws) ? json.provider.aws : [json.provider.aws];
  return Object.fromEntries(list.map((provider) => [provider.alias ?? "", provider]));
}

describe("root-activity alerts, synthesized", () => {
  it("with addresses: a rule for granted sessions and one for refused calls, a topic EventBridge may publish to for these two only, a subscription per address", () => {
    // GIVEN alerts by email that ignore the pipeline's role, in one region WHEN the stack is synthesized
    const { resource } = synthJson({
      rootActivityAlerts: { email: ["a@example.com", "b@example.com"], ignoreCallers: [PIPELINE], regions: ["us-east-1"] },
    });
    // THEN both rules receive every AssumeRoot management event, with their patterns
    const rules = resource.aws_cloudwatch_event_rule;
    expect(Object.keys(rules).sort()).toEqual(["root-activity", "root-activity-refused"]);
    expect(rules["root-activity"]).toMatchObject({
      name: ROOT_ACTIVITY_RULE_NAME,
      state: "ENABLED_WITH_ALL_CLOUDTRAIL_MANAGEMENT_EVENTS",
    });
    expect(rules["root-activity-refused"]).toMatchObject({
      name: ROOT_ACTIVITY_REFUSED_RULE_NAME,
      state: "ENABLED_WITH_ALL_CLOUDTRAIL_MANAGEMENT_EVENTS",
    });
    expect(JSON.parse(rules["root-activity"].event_pattern)).toEqual(rootActivityPattern([PIPELINE], "aws"));
    // (written out once, as EventBridge reads it: an event alerts unless it is the pipeline's own audit or removal)
    expect(JSON.parse(rules["root-activity"].event_pattern)).toEqual({
      source: ["aws.sts"],
      "detail-type": ["AWS API Call via CloudTrail"],
      detail: {
        eventSource: ["sts.amazonaws.com"],
        eventName: ["AssumeRoot"],
        errorCode: [{ exists: false }],
        $or: [
          { userIdentity: { sessionContext: { sessionIssuer: { arn: [{ "anything-but": [PIPELINE] }] } } } },
          { userIdentity: { sessionContext: { sessionIssuer: { arn: [{ exists: false }] } } } },
          {
            requestParameters: {
              taskPolicyArn: {
                arn: [
                  {
                    "anything-but": [
                      "arn:aws:iam::aws:policy/root-task/IAMAuditRootUserCredentials",
                      "arn:aws:iam::aws:policy/root-task/IAMDeleteRootUserCredentials",
                    ],
                  },
                ],
              },
            },
          },
          { requestParameters: { taskPolicyArn: { arn: [{ exists: false }] } } },
        ],
      },
    });
    expect(JSON.parse(rules["root-activity-refused"].event_pattern)).toEqual(refusedPattern());
    // AND both target the stack's topic, whose policy names the two rules as the only sources
    for (const id of ["root-activity", "root-activity-refused"]) {
      expect(resource.aws_cloudwatch_event_target[id]).toMatchObject({
        rule: `\${aws_cloudwatch_event_rule.${id}.name}`,
        arn: "${aws_sns_topic.root-activity.arn}",
      });
    }
    const policy = JSON.parse(resource.aws_sns_topic_policy["root-activity"].policy);
    expect(policy.Statement).toEqual([
      expect.objectContaining({
        Principal: { Service: "events.amazonaws.com" },
        Action: "sns:Publish",
        Condition: {
          ArnEquals: {
            "aws:SourceArn": [
              "${aws_cloudwatch_event_rule.root-activity.arn}",
              "${aws_cloudwatch_event_rule.root-activity-refused.arn}",
            ],
          },
        },
      }),
    ]);
    expect(Object.values(resource.aws_sns_topic_subscription).map((s: any) => [s.protocol, s.endpoint])).toEqual([
      ["email", "a@example.com"],
      ["email", "b@example.com"],
    ]);
    // AND one region means no forwarder, no role, no other provider
    expect(resource.aws_iam_role).toBeUndefined();
  });

  it("with a topic: targets it, and creates no topic, policy or subscription", () => {
    const topicArn = "arn:aws:sns:us-east-1:111122223333:security";
    const { resource } = synthJson({ rootActivityAlerts: { topicArn, regions: ["us-east-1"] } });
    expect(resource.aws_cloudwatch_event_target["root-activity"].arn).toBe(topicArn);
    expect(resource.aws_cloudwatch_event_target["root-activity-refused"].arn).toBe(topicArn);
    expect(JSON.parse(resource.aws_cloudwatch_event_rule["root-activity"].event_pattern).detail.$or).toBeUndefined();
    expect([resource.aws_sns_topic, resource.aws_sns_topic_policy, resource.aws_sns_topic_subscription]).toEqual([
      undefined,
      undefined,
      undefined,
    ]);
  });

  it("by default covers every region enabled without opting in: a forwarder to the home bus in each other one, through its own provider", () => {
    // GIVEN alerts without regions WHEN synthesized
    const json = synthJson({ rootActivityAlerts: { email: ["a@example.com"] } });
    const others = regionsEnabledWithoutOptIn("aws").filter((region) => region !== "us-east-1");
    expect(others).toHaveLength(16);
    // THEN each other region has a provider configuration in that region, and a forwarder through it
    const configured = providers(json);
    for (const region of others) {
      expect(configured[`management-${region}`]).toEqual({ alias: `management-${region}`, region });
      const rule = json.resource.aws_cloudwatch_event_rule[`root-activity-forward-management-${region}`];
      expect(rule).toMatchObject({ provider: `aws.management-${region}`, name: `${ROOT_ACTIVITY_RULE_NAME}-forward` });
      expect(JSON.parse(rule.event_pattern)).toEqual(forwardPattern());
      expect(json.resource.aws_cloudwatch_event_target[`root-activity-forward-management-${region}`]).toMatchObject({
        provider: `aws.management-${region}`,
        arn: BUS,
        role_arn: "${aws_iam_role.root-activity-forward-management.arn}",
      });
    }
    // AND the role may only put events on the home bus, for this account's rules
    const role = json.resource.aws_iam_role["root-activity-forward-management"];
    expect(JSON.parse(role.assume_role_policy).Statement[0]).toMatchObject({
      Principal: { Service: "events.amazonaws.com" },
      Condition: { StringEquals: { "aws:SourceAccount": "${data.aws_caller_identity.root-activity.account_id}" } },
    });
    expect(JSON.parse(json.resource.aws_iam_role_policy["root-activity-forward-management"].policy).Statement).toEqual([
      { Effect: "Allow", Action: "events:PutEvents", Resource: BUS },
    ]);
    // AND the plan fails while the account has opted in to a region outside the covered ones
    const regions = json.data.aws_regions["root-activity-regions"];
    expect(regions.filter).toEqual([{ name: "opt-in-status", values: ["opted-in"] }]);
    expect(regions.lifecycle.postcondition[0].condition).toBe(
      `\${length(setsubtract(self.names, ${JSON.stringify(["us-east-1", ...others])})) == 0}`,
    );
  });

  it("with IAM's delegated administrator: a provider per covered region assuming the configured role, forwarders there, and the home bus's permission", () => {
    const json = synthJson({
      assumeRoleArn: "arn:aws:iam::111122223333:role/deployer",
      delegatedAdministratorAccountId: "222233334444",
      rootActivityAlerts: {
        email: ["a@example.com"],
        regions: ["us-east-1", "eu-west-1"],
        delegatedAdministratorRoleName: "Forwarders",
      },
    });
    const configured = providers(json);
    for (const region of ["us-east-1", "eu-west-1"]) {
      // THEN the chain goes through the stack's role into the delegated administrator's
      expect(configured[`delegated-administrator-${region}`].assume_role).toEqual([
        { role_arn: "arn:aws:iam::111122223333:role/deployer", session_name: "org-root-access" },
        { role_arn: "arn:aws:iam::222233334444:role/Forwarders", session_name: "org-root-access" },
      ]);
      expect(json.resource.aws_cloudwatch_event_rule[`root-activity-forward-delegated-administrator-${region}`]).toMatchObject({
        provider: `aws.delegated-administrator-${region}`,
        depends_on: ["aws_cloudwatch_event_permission.root-activity-delegated-administrator"],
      });
      expect(json.resource.aws_cloudwatch_event_target[`root-activity-forward-delegated-administrator-${region}`].arn).toBe(BUS);
    }
    expect(json.resource.aws_iam_role["root-activity-forward-delegated-administrator"].provider).toBe(
      "aws.delegated-administrator-us-east-1",
    );
    expect(json.resource.aws_cloudwatch_event_permission["root-activity-delegated-administrator"]).toEqual({
      action: "events:PutEvents",
      principal: "222233334444",
      statement_id: "org-root-access-delegated-administrator",
    });
    // AND the delegated administrator's opted-in regions are checked too
    expect(json.data.aws_regions["root-activity-delegated-administrator-regions"].provider).toBe(
      "aws.delegated-administrator-us-east-1",
    );
  });

  it("in GovCloud: the partition's regions and ARNs", () => {
    const json = synthJson({ region: "us-gov-west-1", rootActivityAlerts: { email: ["a@example.com"], ignoreCallers: [] } });
    expect(Object.keys(providers(json)).sort()).toEqual(["", "management-us-gov-east-1"]);
    expect(json.resource.aws_cloudwatch_event_target["root-activity-forward-management-us-gov-east-1"].arn).toBe(
      BUS.replace("arn:aws:events:us-east-1", "arn:aws-us-gov:events:us-gov-west-1"),
    );
    const ignoring = synthJson({
      region: "us-gov-west-1",
      rootActivityAlerts: { email: ["a@example.com"], ignoreCallers: [PIPELINE.replace("arn:aws:", "arn:aws-us-gov:")] },
    });
    expect(ignoring.resource.aws_cloudwatch_event_rule["root-activity"].event_pattern).toContain(
      "arn:aws-us-gov:iam::aws:policy/root-task/IAMAuditRootUserCredentials",
    );
  });

  it("with the organization trail's log group: a metric filter and an alarm per kind of member root activity, which CloudWatch may publish", () => {
    const { resource } = synthJson({
      rootActivityAlerts: {
        email: ["a@example.com"],
        regions: ["us-east-1"],
        organizationTrailLogGroup: "aws-controltower/CloudTrailLogs",
      },
    });
    for (const activity of MEMBER_ROOT_ACTIVITY) {
      expect(resource.aws_cloudwatch_log_metric_filter[activity.name]).toMatchObject({
        log_group_name: "aws-controltower/CloudTrailLogs",
        pattern: activity.filterPattern,
      });
      expect(resource.aws_cloudwatch_metric_alarm[activity.name]).toMatchObject({
        metric_name: activity.metric,
        threshold: 1,
        comparison_operator: "GreaterThanOrEqualToThreshold",
        treat_missing_data: "notBreaching",
        alarm_actions: ["${aws_sns_topic.root-activity.arn}"],
      });
    }
    const statements = JSON.parse(resource.aws_sns_topic_policy["root-activity"].policy).Statement;
    expect(statements[1]).toMatchObject({
      Principal: { Service: "cloudwatch.amazonaws.com" },
      Condition: {
        ArnLike: {
          "aws:SourceArn":
            "arn:aws:cloudwatch:us-east-1:${data.aws_caller_identity.root-activity.account_id}:alarm:org-root-access-member-root-*",
        },
      },
    });
  });

  it("without the setting: nothing, and one provider", () => {
    const json = synthJson({});
    expect(json.resource.aws_cloudwatch_event_rule).toBeUndefined();
    expect(Object.keys(providers(json))).toEqual([""]);
  });
});
