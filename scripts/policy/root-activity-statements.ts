import type { StackConfig } from "../../stacks/config/schema";
import { MEMBER_ROOT_ACTIVITY_PREFIX } from "../shared/member-root-activity";
import {
  ROOT_ACTIVITY_FORWARD_ROLE_NAME,
  ROOT_ACTIVITY_FORWARD_RULE_NAME,
  ROOT_ACTIVITY_RULE_NAME,
  coveredRegions,
} from "../shared/root-activity";
import type { PolicyDocument, PolicyStatement } from "./policy-types";

// What terraform and the doctor call on the alerts' rules, and on the forwarders' role.
const RULE_READS = ["events:DescribeRule", "events:ListTargetsByRule", "events:ListTagsForResource"];
const RULE_WRITES = ["events:PutRule", "events:PutTargets", "events:RemoveTargets", "events:DeleteRule"];
const ROLE_READS = ["iam:GetRole", "iam:GetRolePolicy", "iam:ListRolePolicies", "iam:ListAttachedRolePolicies"];
const ROLE_WRITES = [
  "iam:CreateRole",
  "iam:PutRolePolicy",
  "iam:DeleteRolePolicy",
  "iam:DeleteRole",
  "iam:ListInstanceProfilesForRole",
];

/** The plan's check of opted-in regions; the doctor's of enabled regions and of the trails. */
const COVERAGE_READS: PolicyStatement = {
  Sid: "RootActivityAlertCoverage",
  Effect: "Allow",
  Action: ["ec2:DescribeRegions", "cloudtrail:DescribeTrails", "cloudtrail:GetTrailStatus", "cloudtrail:GetEventSelectors"],
  Resource: "*",
};

/** The forwarders' role `role` (an ARN, or a pattern of them): read, or managed and passed to EventBridge only. */
function forwardRoleStatements(role: string, access: "manage" | "read"): PolicyStatement[] {
  const manage = access === "manage";
  return [
    { Sid: "RootActivityForwardRole", Effect: "Allow", Action: [...ROLE_READS, ...(manage ? ROLE_WRITES : [])], Resource: role },
    ...(manage
      ? [
          {
            Sid: "RootActivityForwardRolePass",
            Effect: "Allow" as const,
            Action: ["iam:PassRole"],
            Resource: role,
            Condition: { StringEquals: { "iam:PassedToService": "events.amazonaws.com" } },
          },
        ]
      : []),
  ];
}

/**
 * The root-activity alerts: the EventBridge rules (alerting at home, forwarding elsewhere) and their targets, the
 * forwarders' role, the home bus's permission for the delegated administrator, the stack's topic (its policy and
 * subscriptions; only reads of a given one), the member-activity filters and alarms, the role assumed in the
 * delegated administrator's account, and what the plan and the doctor read: enabled regions, trails. "read":
 * what a plan refreshes and the doctor checks.
 */
export function rootActivityAlertStatements(stack: StackConfig, access: "manage" | "read"): PolicyStatement[] {
  const { rootActivityAlerts: alerts, partition, region } = stack;
  if (alerts === undefined) return [];
  const regions = coveredRegions(stack);
  const topic = alerts.topicArn ?? `arn:${partition}:sns:${region}:*:${ROOT_ACTIVITY_RULE_NAME}`;
  const manage = access === "manage";
  const ownTopic = alerts.topicArn === undefined;
  const forwarding = regions.length > 1 || stack.delegatedAdministratorAccountId !== undefined;
  const statements: PolicyStatement[] = [
    {
      Sid: "RootActivityAlertRules",
      Effect: "Allow",
      Action: [...RULE_READS, ...(manage ? RULE_WRITES : [])],
      // The alerting pair and the forwarder: every name starts with the alerting rule's.
      Resource: regions.map((covered) => `arn:${partition}:events:${covered}:*:rule/${ROOT_ACTIVITY_RULE_NAME}*`),
    },
    {
      Sid: "RootActivityAlertTopic",
      Effect: "Allow",
      Action: [
        "sns:GetTopicAttributes",
        "sns:ListSubscriptionsByTopic",
        ...(ownTopic ? ["sns:ListTagsForResource", "sns:GetSubscriptionAttributes"] : []),
        ...(manage && ownTopic
          ? ["sns:CreateTopic", "sns:SetTopicAttributes", "sns:Subscribe", "sns:Unsubscribe", "sns:DeleteTopic"]
          : []),
      ],
      // A subscription's ARN is its topic's, a colon and an id.
      Resource: ownTopic ? [topic, `${topic}:*`] : topic,
    },
    COVERAGE_READS,
  ];
  if (forwarding)
    statements.push(...forwardRoleStatements(`arn:${partition}:iam::*:role/${ROOT_ACTIVITY_FORWARD_ROLE_NAME}`, access));
  if (stack.delegatedAdministratorAccountId !== undefined) {
    statements.push({
      Sid: "RootActivityBusPermission",
      Effect: "Allow",
      Action: ["events:DescribeEventBus", ...(manage ? ["events:PutPermission", "events:RemovePermission"] : [])],
      Resource: `arn:${partition}:events:${region}:*:event-bus/default`,
    });
  }
  if (stack.delegatedAdministratorAccountId !== undefined && alerts.delegatedAdministratorRoleName !== undefined) {
    // Plan and apply both assume it (terraform reads the forwarders there): the role must hold only the forwarders'
    // rights in that account (docs/operations/root-activity-alerts.md), never an administrator's.
    statements.push({
      Sid: "AssumeDelegatedAdministratorRole",
      Effect: "Allow",
      Action: ["sts:AssumeRole"],
      Resource: `arn:${partition}:iam::${stack.delegatedAdministratorAccountId}:role/${alerts.delegatedAdministratorRoleName}`,
    });
  }
  if (alerts.organizationTrailLogGroup !== undefined) {
    statements.push(
      {
        Sid: "MemberRootActivityFilters",
        Effect: "Allow",
        Action: ["logs:DescribeMetricFilters", ...(manage ? ["logs:PutMetricFilter", "logs:DeleteMetricFilter"] : [])],
        Resource: `arn:${partition}:logs:${region}:*:log-group:${alerts.organizationTrailLogGroup}:*`,
      },
      {
        Sid: "MemberRootActivityAlarms",
        Effect: "Allow",
        Action: [
          "cloudwatch:DescribeAlarms",
          "cloudwatch:ListTagsForResource",
          ...(manage ? ["cloudwatch:PutMetricAlarm", "cloudwatch:DeleteAlarms"] : []),
        ],
        Resource: `arn:${partition}:cloudwatch:${region}:*:alarm:${MEMBER_ROOT_ACTIVITY_PREFIX}*`,
      },
    );
  }
  return statements;
}

/**
 * The policy of the role the stack assumes in IAM's delegated administrator's account
 * (rootActivityAlerts.delegatedAdministratorRoleName), which plan and apply both act as there: the forwarders in
 * every covered region and their role, the region read of the plan's opted-in check, and the doctor's reads. Nothing
 * else: an administrator's role there could open root sessions in every member account. Undefined without one.
 */
export function delegatedAdministratorRolePolicy(stack: StackConfig): PolicyDocument | undefined {
  const { rootActivityAlerts: alerts, partition, delegatedAdministratorAccountId: accountId } = stack;
  if (alerts?.delegatedAdministratorRoleName === undefined || accountId === undefined) return undefined;
  return {
    Version: "2012-10-17",
    Statement: [
      {
        Sid: "RootActivityForwarders",
        Effect: "Allow",
        Action: [...RULE_READS, ...RULE_WRITES],
        Resource: coveredRegions(stack).map(
          (region) => `arn:${partition}:events:${region}:${accountId}:rule/${ROOT_ACTIVITY_FORWARD_RULE_NAME}`,
        ),
      },
      ...forwardRoleStatements(`arn:${partition}:iam::${accountId}:role/${ROOT_ACTIVITY_FORWARD_ROLE_NAME}`, "manage"),
      COVERAGE_READS,
    ],
  };
}
