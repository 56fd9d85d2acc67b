import { IAMClient } from "@aws-sdk/client-iam";
import { AssumeRootCommand, STSClient } from "@aws-sdk/client-sts";
import { Partition, partitionOfRegion } from "../shared/partitions";
import { ROOT_TASK_DEFINITIONS, RootTask, taskPolicyArn } from "../shared/root-tasks";
import type { CredentialProvider } from "./assumed-role";
import { ClientSettings, credentialsOf } from "./aws-clients";
import { ScriptError, awsErrorCode, explainAwsError } from "./aws-errors";

/** How long a root session lasts: the task is a handful of calls, and AWS allows at most 900 s. */
const SESSION_SECONDS = 900;

/**
 * Opens short sts:AssumeRoot sessions in member accounts. AssumeRoot is rate-limited, so its client uses the
 * SDK's adaptive retry mode (a client-side token bucket that slows down on throttling) with room for retries.
 */
export class RootSessions {
  private readonly sts: STSClient;
  /** The partition the sessions are opened in: the region's, which decides the STS endpoint called. */
  private readonly partition: Partition | undefined;

  constructor(
    private readonly settings: {
      readonly region?: string;
      readonly credentials?: CredentialProvider;
      readonly endpoints?: { readonly sts?: string };
    },
  ) {
    this.partition = settings.region === undefined ? undefined : partitionOfRegion(settings.region);
    this.sts = new STSClient({
      region: settings.region,
      credentials: settings.credentials,
      retryMode: "adaptive",
      maxAttempts: 10,
    });
  }

  /**
   * Runs `work` with an IAM client acting as `accountId`'s root user for `task`. A session that expires midway
   * (ExpiredToken) is opened again once and `work` runs again, so `work` must read before it writes.
   */
  async run<T>(accountId: string, task: RootTask, work: (iam: IAMClient) => Promise<T>): Promise<T> {
    try {
      return await work(await this.open(accountId, task));
    } catch (error) {
      if (awsErrorCode(error) !== "ExpiredToken") throw error;
      return work(await this.open(accountId, task));
    }
  }

  private async open(accountId: string, task: RootTask): Promise<IAMClient> {
    if (this.partition === undefined) {
      throw new ScriptError(
        `sts:AssumeRoot needs a region of a partition with centralized root access (aws, aws-us-gov, aws-cn); the ` +
          `region is ${this.settings.region === undefined ? "not set" : JSON.stringify(this.settings.region)}. Nothing was changed in ${accountId}.`,
      );
    }
    const command = new AssumeRootCommand({
      TargetPrincipal: accountId,
      TaskPolicyArn: { arn: taskPolicyArn(task, this.partition) },
      DurationSeconds: SESSION_SECONDS,
    });
    let issued;
    try {
      ({ Credentials: issued } = await this.sts.send(command));
    } catch (error) {
      throw assumeRootFailed(accountId, task, error, this.settings.endpoints?.sts);
    }
    if (!issued?.AccessKeyId || !issued.SecretAccessKey) {
      throw new ScriptError(`sts:AssumeRoot for ${accountId} returned no credentials.`);
    }
    return new IAMClient({
      region: this.settings.region,
      credentials: {
        accessKeyId: issued.AccessKeyId,
        secretAccessKey: issued.SecretAccessKey,
        sessionToken: issued.SessionToken,
      },
    });
  }
}

/** Root sessions with the same credentials and role as the script's other clients. */
export function createRootSessions(settings: ClientSettings): RootSessions {
  return new RootSessions({ region: settings.region, credentials: credentialsOf(settings), endpoints: settings.endpoints });
}

/** Explains a refused or failed sts:AssumeRoot, naming the account, the task and what AWS requires. */
function assumeRootFailed(accountId: string, task: RootTask, cause: unknown, endpoint?: string): ScriptError {
  if (awsErrorCode(cause) === "AccessDenied") {
    const { feature } = ROOT_TASK_DEFINITIONS[task];
    return new ScriptError(
      `sts:AssumeRoot into ${accountId} with ${task} was refused (AccessDenied). AWS allows it only when the caller is ` +
        `an IAM principal of the management account or of IAM's delegated administrator with sts:AssumeRoot allowed ` +
        `for that task policy (npm run policy prints it), the account is an active member of the organization, and ` +
        `the organization has ${feature} enabled (the stack's features). Nothing was changed in ${accountId}.`,
      { cause },
    );
  }
  const known = explainAwsError(cause, { operation: `sts:AssumeRoot into ${accountId}`, endpoint });
  return known
    ? new ScriptError(known, { cause })
    : new ScriptError(`sts:AssumeRoot into ${accountId} failed: ${String(cause)}`, { cause });
}
