// Root-activity alerts: which CloudTrail events mean "a central root session was asked for", where they are
// caught and how the message reads. Plain data, shared by the stack (the EventBridge rules), the doctor (which
// checks them), the plan gate, the policies and the tests.
//
// CloudTrail logs sts:AssumeRoot in the calling account (the management account or IAM's delegated
// administrator), in the region of the STS endpoint called. EventBridge receives it there as a management event:
// source "aws.sts", detail-type "AWS API Call via CloudTrail". So a rule in each covered region of each calling
// account forwards it to the default event bus of the management account in the stack's region (the home bus),
// where two rules alert: one for sessions AWS granted, one for calls AWS refused (the record has an errorCode).
// A forwarded event keeps its account and region, which the message names.

import { regionsEnabledWithoutOptIn } from "./partition-regions";
import type { Partition } from "./partitions";
import { ROOT_TASKS, taskPolicyArn } from "./root-tasks";

/** The home rule for sessions AWS granted, and the SNS topic's name. */
export const ROOT_ACTIVITY_RULE_NAME = "org-root-access-root-sessions";
/** The home rule for AssumeRoot calls AWS refused. */
export const ROOT_ACTIVITY_REFUSED_RULE_NAME = `${ROOT_ACTIVITY_RULE_NAME}-refused`;
/** The rule in every other covered region (and in the delegated administrator's account) that forwards to the home bus. */
export const ROOT_ACTIVITY_FORWARD_RULE_NAME = `${ROOT_ACTIVITY_RULE_NAME}-forward`;
/** The IAM role (one per calling account; IAM is global) that EventBridge uses to put forwarded events on the home bus. */
export const ROOT_ACTIVITY_FORWARD_ROLE_NAME = `${ROOT_ACTIVITY_RULE_NAME}-forward`;
/** The forwarders' role's inline policy, which lets it put events on the home bus. */
export const ROOT_ACTIVITY_FORWARD_POLICY_NAME = "put-events-on-the-alerting-bus";
/** The statement id of the home bus's permission for the delegated administrator's account. */
export const ROOT_ACTIVITY_BUS_PERMISSION_ID = "org-root-access-delegated-administrator";

/**
 * The rules' state. EventBridge's guide: a rule in state ENABLED matches every event "except for read-only AWS
 * management events delivered through CloudTrail" (it gets those whose names do not start with Describe, Get or
 * List); one in ENABLED_WITH_ALL_CLOUDTRAIL_MANAGEMENT_EVENTS matches them too. AWS does not say whether AssumeRoot
 * counts as read-only, so every rule takes the state that receives it either way; the patterns keep the volume to
 * AssumeRoot alone.
 */
export const ROOT_ACTIVITY_RULE_STATE = "ENABLED_WITH_ALL_CLOUDTRAIL_MANAGEMENT_EVENTS";

/** The root tasks the pipeline runs, the only ones `ignoreCallers` may silence: the audit and the removal. */
export const PIPELINE_TASKS = [ROOT_TASKS.audit, ROOT_TASKS.delete] as const;

const ASSUME_ROOT = {
  source: ["aws.sts"],
  "detail-type": ["AWS API Call via CloudTrail"],
  detail: { eventSource: ["sts.amazonaws.com"], eventName: ["AssumeRoot"] },
} as const;

/** What the forwarders send to the home bus: every AssumeRoot, granted or refused, from any caller. */
export function forwardPattern(): Record<string, unknown> {
  return { ...ASSUME_ROOT, detail: { ...ASSUME_ROOT.detail } };
}

/**
 * Sessions AWS granted (no errorCode), except the pipeline's own audit and removal sessions: a session of an
 * `ignoreCallers` role for one of {@link PIPELINE_TASKS} is silent; the same role asking for any other task alerts.
 * Each branch of the `$or` says why an event alerts, so an event alerts unless it is exactly the pipeline's:
 * - not a role's session (an IAM user, a federated user: no sessionIssuer), or another role;
 * - a task other than the pipeline's ("anything-but" is exact: another spelling of a task ARN alerts).
 */
export function rootActivityPattern(ignoreCallers: readonly string[], partition: Partition): Record<string, unknown> {
  const detail: Record<string, unknown> = { ...ASSUME_ROOT.detail, errorCode: [{ exists: false }] };
  if (ignoreCallers.length > 0) {
    const tasks = PIPELINE_TASKS.map((task) => taskPolicyArn(task, partition));
    detail.$or = [
      { userIdentity: { sessionContext: { sessionIssuer: { arn: [{ "anything-but": [...ignoreCallers] }] } } } },
      { userIdentity: { sessionContext: { sessionIssuer: { arn: [{ exists: false }] } } } },
      { requestParameters: { taskPolicyArn: { arn: [{ "anything-but": tasks }] } } },
      { requestParameters: { taskPolicyArn: { arn: [{ exists: false }] } } },
    ];
  }
  return { ...ASSUME_ROOT, detail };
}

/** Calls AWS refused, from anyone: `ignoreCallers` never silences these. */
export function refusedPattern(): Record<string, unknown> {
  return { ...ASSUME_ROOT, detail: { ...ASSUME_ROOT.detail, errorCode: [{ exists: true }] } };
}

// EventBridge puts an input path's value into a string template as it is, without escaping: a value holding a
// quote or a backslash would end the JSON string early and reword the message (or make it invalid). So the
// messages use only values AWS writes itself, or request parameters STS accepted (a granted session's account
// and task, which STS resolved to a member account and to one of its five task policies). A refused call's
// parameters are whatever the caller sent: its message leaves them out.

/** One input path of a message, and the shape of every value AWS can put there (tested against the template). */
export interface InputPath {
  readonly path: string;
  /** Who writes the value: AWS itself, or the caller (then only as STS accepted it). */
  readonly writtenBy: "AWS" | "caller, accepted by STS";
  readonly shape: RegExp;
}

const AWS_SET = {
  caller: {
    path: "$.detail.userIdentity.arn",
    writtenBy: "AWS",
    // IAM names and role session names: letters, digits and +=,.@_- ; paths with "/".
    shape: /^arn:aws(-us-gov|-cn)?:(iam|sts)::\d{12}:[\w+=,.@/-]+$/,
  },
  time: { path: "$.detail.eventTime", writtenBy: "AWS", shape: /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/ },
  region: { path: "$.region", writtenBy: "AWS", shape: /^[a-z]{2}(-[a-z]+)+-\d$/ },
  // An IPv4 or IPv6 address, or a service's name ("AWS Internal", "cloudformation.amazonaws.com").
  sourceIp: { path: "$.detail.sourceIPAddress", writtenBy: "AWS", shape: /^[\w.:\- ]+$/ },
  eventId: { path: "$.detail.eventID", writtenBy: "AWS", shape: /^[0-9a-f-]{36}$/ },
} as const satisfies Record<string, InputPath>;

/** The granted session's message: who, which account, which task, when, where. */
export const ROOT_ACTIVITY_INPUT_PATHS = {
  caller: AWS_SET.caller,
  // An account id or the root user's ARN, as STS accepted it.
  account: {
    path: "$.detail.requestParameters.targetPrincipal",
    writtenBy: "caller, accepted by STS",
    shape: /^(\d{12}|arn:aws(-us-gov|-cn)?:iam::\d{12}:root)$/,
  },
  // One of the five task policies: STS refuses any other.
  task: {
    path: "$.detail.requestParameters.taskPolicyArn.arn",
    writtenBy: "caller, accepted by STS",
    shape: /^arn:aws(-us-gov|-cn)?:iam::aws:policy\/root-task\/[A-Za-z0-9]+$/,
  },
  time: AWS_SET.time,
  region: AWS_SET.region,
  sourceIp: AWS_SET.sourceIp,
} as const satisfies Record<string, InputPath>;

/** The refused call's message: only what AWS wrote, and the error AWS answered. */
export const ROOT_ACTIVITY_REFUSED_INPUT_PATHS = {
  errorCode: { path: "$.detail.errorCode", writtenBy: "AWS", shape: /^[A-Za-z.]+$/ },
  caller: AWS_SET.caller,
  time: AWS_SET.time,
  region: AWS_SET.region,
  sourceIp: AWS_SET.sourceIp,
  eventId: AWS_SET.eventId,
} as const satisfies Record<string, InputPath>;

/** An input-paths map as EventBridge takes it: name to path. */
export function inputPathsMap(paths: Record<string, InputPath>): Record<string, string> {
  return Object.fromEntries(Object.entries(paths).map(([name, { path }]) => [name, path]));
}

/** The granted session's message (an SNS email's body): a JSON string, so that SNS delivers it as plain text. */
export const ROOT_ACTIVITY_INPUT_TEMPLATE = JSON.stringify(
  "Central root session requested: <caller> called sts:AssumeRoot for the root user of account <account> with " +
    "<task> at <time> (in <region>, from <sourceIp>). AWS granted it. What the session did is in account " +
    "<account>'s CloudTrail.",
);

/** The refused call's message. */
export const ROOT_ACTIVITY_REFUSED_INPUT_TEMPLATE = JSON.stringify(
  "Central root session refused (<errorCode>): <caller> called sts:AssumeRoot at <time> (in <region>, from " +
    "<sourceIp>) and AWS refused it. The account and task it asked for are in the caller's CloudTrail, event " +
    "<eventId>.",
);

/** What decides the covered regions: the stack's region and partition, and the alerts' `regions`. */
export interface AlertsPlace {
  readonly region: string;
  readonly partition: Partition;
  readonly rootActivityAlerts?: { readonly regions?: readonly string[] };
}

/**
 * The regions where an AssumeRoot raises the alert, the stack's (the home region) first: the configured
 * `regions`, or every region enabled without opting in. Sorted after the home region.
 */
export function coveredRegions({ region, partition, rootActivityAlerts }: AlertsPlace): readonly string[] {
  const regions = rootActivityAlerts?.regions ?? regionsEnabledWithoutOptIn(partition);
  return [region, ...[...regions].filter((other) => other !== region).sort()];
}
