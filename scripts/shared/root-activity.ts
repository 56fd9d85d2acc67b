// Root-activity alerts: which CloudTrail events mean "a central root session was opened", and how the message
// reads. Plain data, shared by the stack (the EventBridge rule), the doctor (which checks the rule) and the tests.
//
// CloudTrail logs sts:AssumeRoot in the calling account (the management account or IAM's delegated
// administrator), in the region of the STS endpoint called. EventBridge receives it there as a management event:
// source "aws.sts", detail-type "AWS API Call via CloudTrail". A role's session is named by its role in
// userIdentity.sessionContext.sessionIssuer.arn; that is what ignoreCallers matches.

/** The EventBridge rule's and the SNS topic's name. */
export const ROOT_ACTIVITY_RULE_NAME = "org-root-access-root-sessions";

/**
 * The rule's state. EventBridge's guide: a rule in state ENABLED matches every event "except for read-only AWS
 * management events delivered through CloudTrail" (it gets those whose names do not start with Describe, Get or
 * List); one in ENABLED_WITH_ALL_CLOUDTRAIL_MANAGEMENT_EVENTS matches them too. AWS does not say whether AssumeRoot
 * counts as read-only, so the rule takes the state that receives it either way; its pattern keeps the volume to
 * AssumeRoot alone.
 */
export const ROOT_ACTIVITY_RULE_STATE = "ENABLED_WITH_ALL_CLOUDTRAIL_MANAGEMENT_EVENTS";

/** The event pattern: AssumeRoot only (not AssumeRole), except sessions of the `ignoreCallers` roles. */
export function rootActivityPattern(ignoreCallers: readonly string[]): Record<string, unknown> {
  const detail: Record<string, unknown> = { eventSource: ["sts.amazonaws.com"], eventName: ["AssumeRoot"] };
  if (ignoreCallers.length > 0) {
    // A caller that is not a role's session (an IAM user) has no sessionIssuer: it always raises the alert.
    detail.$or = [
      { userIdentity: { sessionContext: { sessionIssuer: { arn: [{ "anything-but": [...ignoreCallers] }] } } } },
      { userIdentity: { sessionContext: { sessionIssuer: { arn: [{ exists: false }] } } } },
    ];
  }
  return { source: ["aws.sts"], "detail-type": ["AWS API Call via CloudTrail"], detail };
}

/** What the message is made of: EventBridge input paths into the CloudTrail event. */
export const ROOT_ACTIVITY_INPUT_PATHS = {
  caller: "$.detail.userIdentity.arn",
  account: "$.detail.requestParameters.targetPrincipal",
  task: "$.detail.requestParameters.taskPolicyArn.arn",
  time: "$.detail.eventTime",
  region: "$.region",
  sourceIp: "$.detail.sourceIPAddress",
} as const;

/** The message (an SNS email's body): a JSON string, so that SNS delivers it as plain text. */
export const ROOT_ACTIVITY_INPUT_TEMPLATE = JSON.stringify(
  "Central root session requested: <caller> called sts:AssumeRoot for the root user of account <account> with " +
    "<task> at <time> (in <region>, from <sourceIp>). A refused call alerts too: its CloudTrail record has an " +
    "errorCode. What a session did is in account <account>'s CloudTrail.",
);
