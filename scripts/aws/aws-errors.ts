import { ExpectedError } from "../shared/expected-error";
import { SCRIPT_ENVIRONMENT } from "../shared/program-contract";
import { profileProblem } from "./aws-profile";

/** An expected failure of the program or of a command's call to AWS: printed without a stack trace. */
export class ScriptError extends ExpectedError {
  override readonly name: string = "ScriptError";
}

/** Where an AWS error happened, for the explanation. */
export interface ErrorContext {
  /** The API operation that failed, e.g. `EnableOrganizationsRootSessions`. */
  readonly operation: string;
  /** What to grant when it is denied, e.g. `organizations:ListAccounts`. */
  readonly permission: string;
  /** The role the script assumed, if any. */
  readonly roleArn?: string;
  /** The endpoint the call went to when one is configured (AWS_ENDPOINT_URL_<SERVICE> or AWS_ENDPOINT_URL). */
  readonly endpoint?: string;
  /** The service that answered (`S3`, `SQS`); by default the one `permission` names (`iam:...` → IAM). */
  readonly service?: string;
  /** What a re-run does, after a fault on AWS's side; by default the program's (it only writes what is missing). */
  readonly rerun?: string;
}

const SERVICE_NAMES: Record<string, string> = {
  iam: "IAM",
  sts: "STS",
  s3: "S3",
  sqs: "SQS",
  organizations: "Organizations",
  cloudtrail: "CloudTrail",
  events: "EventBridge",
  sns: "SNS",
};

/** The service a context's call went to, by name, or "AWS" when it does not say. */
function serviceOf({ service, permission }: ErrorContext): string {
  if (service !== undefined) return service;
  const prefix = /^([a-z0-9-]+):[A-Za-z*]/.exec(permission)?.[1];
  return (prefix && SERVICE_NAMES[prefix]) ?? "AWS";
}

/** How long the script waits for IAM to catch up, and where that length was set, so a message names the setting. */
export interface WaitSetting {
  readonly seconds: number;
  /** The stack whose terraform runs the script (ROOT_ACCESS_STACK); absent when a person or pipeline runs it. */
  readonly stack?: string;
}

// Inside terraform the wait comes from the stack's configuration; otherwise from the flag or variable.
function raiseTheWait({ seconds, stack }: WaitSetting): string {
  return stack !== undefined
    ? `raise "serviceAccessWaitSeconds" of stack "${stack}" in the configuration (now ${seconds}), synthesize and apply again`
    : `run again with a longer --wait-seconds (or ${SCRIPT_ENVIRONMENT.waitSeconds}; now ${seconds})`;
}

/** IAM still answered ServiceAccessNotEnabled when the wait budget ran out. */
export function serviceAccessStillNotEnabled(operation: string, wait: WaitSetting): ScriptError {
  return new ScriptError(
    `IAM trusted access is not enabled for the organization: ${operation} answered ServiceAccessNotEnabledException ` +
      `for ${wait.seconds} s. If trusted access for iam.amazonaws.com was just enabled, IAM may need longer to ` +
      `see it: ${raiseTheWait(wait)}. Otherwise enable it (aws organizations enable-aws-service-access ` +
      `--service-principal iam.amazonaws.com, which this stack's organization resource does) and run again.`,
  );
}

/** IAM accepted the write, but reads within the wait budget do not show its effect yet. */
export function notVerified(
  feature: string,
  verb: "enable" | "disable",
  after: readonly string[],
  wait: WaitSetting,
): ScriptError {
  return new ScriptError(
    `IAM accepted the request to ${verb} ${feature}, but ListOrganizationsFeatures still listed ` +
      `[${after.join(", ")}] after ${wait.seconds} s. The change may still be propagating: ${raiseTheWait(wait)}; ` +
      `the script only writes what is missing, so a re-run is safe.`,
  );
}

const AWS_ERROR_EXPLANATIONS: Record<string, (context: ErrorContext) => string> = {
  ServiceAccessNotEnabled: ({ operation }) =>
    `${operation} failed: IAM trusted access is not enabled for the organization (ServiceAccessNotEnabledException). ` +
    `Enable it (aws organizations enable-aws-service-access --service-principal iam.amazonaws.com, which this ` +
    `stack's organization resource does) and run again.`,
  OrganizationNotFound: ({ operation }) =>
    `${operation} failed: the account these credentials belong to is not in an AWS Organization ` +
    `(OrganizationNotFoundException). Run with credentials of the organization's management account, ` +
    `or apply the stack so that it creates the organization first.`,
  OrganizationNotInAllFeaturesMode: ({ operation }) =>
    `${operation} failed: the organization has only consolidated billing enabled ` +
    `(OrganizationNotInAllFeaturesModeException); centralized root access needs all features. Enabling all ` +
    `features needs the approval of every member account: start it in the Organizations console or with ` +
    `aws organizations enable-all-features, then run again.`,
  CallerIsNotManagementAccount: ({ operation }) =>
    `${operation} failed: it must be called from the organization's management account, and these credentials ` +
    `belong to a member account (CallerIsNotManagementAccountException). Nothing was changed. IAM's delegated ` +
    `administrator may check and disable root access features, but only the management account can enable ` +
    `them: run with management account credentials, or set the stack's assumeRoleArn to a role in the ` +
    `management account.`,
  AccountNotManagementOrDelegatedAdministrator: ({ operation }) =>
    `${operation} failed: these credentials belong to an account that is neither the organization's management ` +
    `account nor IAM's delegated administrator (AccountNotManagementOrDelegatedAdministratorException). Run with ` +
    `credentials of one of those accounts.`,
  AccessDenied: ({ operation, permission, roleArn }) =>
    `${operation} failed: the credentials are not allowed to call it (AccessDenied). Grant the caller ` +
    permission +
    (roleArn ? ` in the policy of ${roleArn}` : "") +
    ` (npm run policy prints the stack's), and check that no service control policy denies it.`,
  ExpiredToken: ({ operation }) =>
    `${operation} failed: the session credentials have expired (ExpiredToken). Refresh them and run again.`,
  InvalidClientTokenId: ({ operation }) =>
    `${operation} failed: AWS does not recognise the access key (InvalidClientTokenId). Check AWS_PROFILE or ` +
    `AWS_ACCESS_KEY_ID, and that the credentials are for this partition.`,
};

const UNREACHABLE_CODES = new Set([
  "ECONNREFUSED",
  "ECONNRESET",
  "ENOTFOUND",
  "EAI_AGAIN",
  "ETIMEDOUT",
  "EHOSTUNREACH",
  "ENETUNREACH",
]);

interface ErrorLike {
  readonly name: string;
  readonly message: string;
  readonly code?: string;
  readonly $fault?: string;
  readonly $metadata?: { readonly httpStatusCode?: number };
}

// Duck-typed rather than `instanceof Error`: errors can come from another realm (the SDK's, a test runner's).
function asErrorLike(error: unknown): ErrorLike | undefined {
  return typeof error === "object" && error !== null && typeof (error as ErrorLike).name === "string"
    ? (error as ErrorLike)
    : undefined;
}

/** An AWS error's code without the `Exception` suffix: IAM's wire codes carry it, its API reference does not. */
export function awsErrorCode(error: unknown): string | undefined {
  return asErrorLike(error)?.name.replace(/Exception$/, "");
}

/** The network failure behind an error (ECONNREFUSED, socket hang up, ...), or undefined if it is not one. */
function networkFailure(error: ErrorLike): string | undefined {
  if (error.code && UNREACHABLE_CODES.has(error.code)) {
    return error.code;
  }
  // The SDK wraps what its HTTP handler throws when that is not an Error of its own realm.
  const wrapped = /^AWS SDK error wrapper for (\w+): (.*)$/.exec(error.message);
  if (wrapped || error.name === "TimeoutError") {
    return wrapped ? `${wrapped[1]}: ${wrapped[2]}` : `TimeoutError: ${error.message}`;
  }
  return undefined;
}

/** A one-paragraph explanation of an AWS or network error, or undefined when it is not one we know. */
export function explainAwsError(cause: unknown, context: ErrorContext): string | undefined {
  const error = asErrorLike(cause);
  if (!error) {
    return undefined;
  }
  const explain = AWS_ERROR_EXPLANATIONS[awsErrorCode(error) ?? ""];
  if (explain) {
    return explain(context);
  }
  const networkCode = networkFailure(error);
  if (networkCode) {
    const endpoint = context.endpoint ?? "AWS's endpoint";
    return (
      `${context.operation} failed: the connection to ${endpoint} failed (${networkCode}), even after the SDK's retries. ` +
      `Check the network, proxy settings and AWS_ENDPOINT_URL, then run again; the script only writes what is ` +
      `missing, so a re-run is safe.`
    );
  }
  const status = error.$metadata?.httpStatusCode ?? 0;
  if (error.$fault === "server" || status >= 500) {
    return (
      `${context.operation} failed: ${serviceOf(context)} answered a server error (${error.name}, HTTP ${status || "5xx"}) ` +
      `even after the SDK's retries. The fault is on AWS's side: ` +
      (context.rerun ??
        "run again later (terraform re-runs a failed step on the next apply); the script only writes what is missing, so a re-run is safe.")
    );
  }
  const credentialsMissing = error.name === "CredentialsProviderError";
  const regionMissing = /region is missing/i.test(error.message);
  // A named profile that is not there, or whose credential_process fails, is the cause of both: say that.
  const profile = credentialsMissing || regionMissing ? profileProblem(process.env) : undefined;
  if (profile) return `${context.operation} failed: ${profile}.`;
  if (credentialsMissing) {
    return (
      `${context.operation} failed: no AWS credentials were found (${error.message}). Set AWS_PROFILE, or ` +
      `AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, for the organization's management account.`
    );
  }
  if (regionMissing) {
    return `${context.operation} failed: no AWS region is set. Pass --region, or set ${SCRIPT_ENVIRONMENT.region} or AWS_REGION.`;
  }
  return undefined;
}

/** Explains a failure of STS AssumeRole for the role the stack configured. */
export function assumeRoleFailed(roleArn: string, cause: unknown, endpoint?: string): ScriptError {
  const known = explainAwsError(cause, { operation: `sts:AssumeRole on ${roleArn}`, permission: "sts:AssumeRole", endpoint });
  if (known && awsErrorCode(cause) !== "AccessDenied") {
    return new ScriptError(known, { cause });
  }
  const error = asErrorLike(cause);
  const detail = error ? `${error.name}: ${error.message}` : String(cause);
  return new ScriptError(
    `Could not assume ${roleArn} (${detail}). The role's trust policy must allow the calling principal, and the ` +
      `caller needs sts:AssumeRole on the role. Nothing was changed.`,
    { cause },
  );
}

/**
 * A command's failure as one line: an expected error's own message, an AWS error explained for `context` (the
 * caller's account in no organization, said as such); anything else is a bug, rethrown for its stack trace.
 */
export function commandFailureText(error: unknown, context: ErrorContext): string {
  if (error instanceof ExpectedError) return error.message;
  if (awsErrorCode(error) === "AWSOrganizationsNotInUse") {
    return "the credentials' account is in no organization (AWSOrganizationsNotInUseException): run with credentials of the organization's management account.";
  }
  const known = explainAwsError(error, context);
  if (known) return known;
  throw error;
}
