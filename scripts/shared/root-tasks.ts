import type { Partition } from "./partitions";
import type { RootAccessFeature } from "./program-contract";

// The root-task policies, by AWS's names: what sts:AssumeRoot is asked for, what the least-privilege policies
// allow through the sts:TaskPolicyArn condition key, and what this project does inside each session (which the
// doctor evaluates against the organization's SCPs). Plain data, so a command that only prints them loads no AWS
// client. The emulator keeps the same list in Python; a unit test checks that they agree.

/** The root-task policies, by AWS's names (`arn:<partition>:iam::aws:policy/root-task/<name>`). */
export const ROOT_TASKS = {
  audit: "IAMAuditRootUserCredentials",
  delete: "IAMDeleteRootUserCredentials",
  createPassword: "IAMCreateRootUserPassword",
  unlockBucketPolicy: "S3UnlockBucketPolicy",
  unlockQueuePolicy: "SQSUnlockQueuePolicy",
} as const;

/** One of {@link ROOT_TASKS}. */
export type RootTask = (typeof ROOT_TASKS)[keyof typeof ROOT_TASKS];

/**
 * What one call of a root session touches: the account's root user; nothing (the action takes no resource, `*`);
 * one of the root user's virtual MFA devices (any name); any S3 bucket of the account (any name, any region); any
 * SQS queue of the account (any name, any region).
 */
export type TaskResource = "root user" | "none" | "virtual MFA device" | "bucket" | "queue";

/** One call this project makes inside a root session of a task. */
export interface TaskRequest {
  readonly action: string;
  readonly resource: TaskResource;
}

/** A task: the feature AWS needs for it, and the calls this project makes in its sessions. */
export interface RootTaskDefinition {
  readonly feature: RootAccessFeature;
  readonly requests: readonly TaskRequest[];
}

const onRootUser = (...actions: string[]): TaskRequest[] => actions.map((action) => ({ action, resource: "root user" }));
const CREDENTIAL_READS = onRootUser(
  "iam:GetLoginProfile",
  "iam:ListAccessKeys",
  "iam:GetAccessKeyLastUsed",
  "iam:ListMFADevices",
  "iam:ListSigningCertificates",
  "iam:GetUser",
);

/**
 * Every task, in the order the doctor reports them. The IAM credential tasks need RootCredentialsManagement and
 * the unlock tasks RootSessions (AWS does not say so in one place; peer tools and AWS's console behave so).
 */
export const ROOT_TASK_DEFINITIONS: Record<RootTask, RootTaskDefinition> = {
  IAMAuditRootUserCredentials: {
    feature: "RootCredentialsManagement",
    requests: [{ action: "iam:GetAccountSummary", resource: "none" }, ...CREDENTIAL_READS],
  },
  IAMDeleteRootUserCredentials: {
    feature: "RootCredentialsManagement",
    requests: [
      ...CREDENTIAL_READS,
      ...onRootUser("iam:DeleteLoginProfile", "iam:DeleteAccessKey", "iam:DeleteSigningCertificate", "iam:DeactivateMFADevice"),
      { action: "iam:DeleteVirtualMFADevice", resource: "virtual MFA device" },
    ],
  },
  IAMCreateRootUserPassword: {
    feature: "RootCredentialsManagement",
    requests: onRootUser("iam:CreateLoginProfile", "iam:GetLoginProfile"),
  },
  S3UnlockBucketPolicy: {
    feature: "RootSessions",
    requests: [
      { action: "s3:GetBucketPolicy", resource: "bucket" },
      { action: "s3:DeleteBucketPolicy", resource: "bucket" },
    ],
  },
  SQSUnlockQueuePolicy: {
    feature: "RootSessions",
    requests: [
      { action: "sqs:GetQueueAttributes", resource: "queue" },
      { action: "sqs:SetQueueAttributes", resource: "queue" },
    ],
  },
};

/** The tasks a stack's features make available, in report order. */
export function tasksOf(features: readonly string[]): RootTask[] {
  return (Object.keys(ROOT_TASK_DEFINITIONS) as RootTask[]).filter((task) =>
    features.includes(ROOT_TASK_DEFINITIONS[task].feature),
  );
}

/** The ARN of a root-task policy, as sts:AssumeRoot and the sts:TaskPolicyArn condition key take it. */
export function taskPolicyArn(task: RootTask, partition: Partition): string {
  return `arn:${partition}:iam::aws:policy/root-task/${task}`;
}
