// The shapes of AWS identifiers and of this project's names, written once: the configuration's schema, the
// program's options and the commands all test against these.

/** AWS account ids: 12 digits. */
export const ACCOUNT_ID_PATTERN = /^\d{12}$/;

/** AWS organization ids: "o-" and 10 to 32 lowercase letters or digits. */
export const ORGANIZATION_ID_PATTERN = /^o-[a-z0-9]{10,32}$/;

/** IAM role ARNs in any partition, with an optional path. */
export const ROLE_ARN_PATTERN = /^arn:aws(-[a-z]+)*:iam::\d{12}:role\/([\w+=,.@-]+\/)*[\w+=,.@-]{1,64}$/;

/** AWS region names, for example "us-east-1" or "us-gov-west-1". */
export const REGION_PATTERN = /^[a-z]{2}(-[a-z]+)+-\d{1,2}$/;

/** A stack name: it becomes a folder and a state file name, and the script names it in messages. */
export const STACK_NAME_PATTERN = /^[A-Za-z][A-Za-z0-9_-]{0,63}$/;
