// The root-task policies, by AWS's names: what sts:AssumeRoot is asked for, what the least-privilege policies
// allow through the sts:TaskPolicyArn condition key. Plain data, so a command that only prints them loads no AWS client.

/** The root-task policies this project uses, by AWS's names (`arn:aws:iam::aws:policy/root-task/<name>`). */
export const ROOT_TASKS = {
  audit: "IAMAuditRootUserCredentials",
  delete: "IAMDeleteRootUserCredentials",
  createPassword: "IAMCreateRootUserPassword",
} as const;

/** One of {@link ROOT_TASKS}. */
export type RootTask = (typeof ROOT_TASKS)[keyof typeof ROOT_TASKS];

/** The ARN of a root-task policy, as sts:AssumeRoot and the sts:TaskPolicyArn condition key take it. */
export function taskPolicyArn(task: RootTask, partition = "aws"): string {
  return `arn:${partition}:iam::aws:policy/root-task/${task}`;
}
