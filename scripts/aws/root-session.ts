import { IAMClient } from "@aws-sdk/client-iam";
import { AssumeRootCommand, STSClient, STSClientConfig } from "@aws-sdk/client-sts";
import * as http from "node:http";
import * as https from "node:https";
import { AssumeRootPacer } from "./assume-root-pacer";
import { Partition, partitionOfRegion } from "../shared/partitions";
import { ROOT_TASK_DEFINITIONS, RootTask, taskPolicyArn } from "../shared/root-tasks";
import type { CredentialProvider } from "./assumed-role";
import { ClientSettings, credentialsOf } from "./aws-clients";
import { ScriptError, awsErrorCode, explainAwsError } from "./aws-errors";

/** How long a root session lasts: the task is a handful of calls, and AWS allows at most 900 s. */
const SESSION_SECONDS = 900;

/** Connections to one endpoint at a time, as the SDK's own default. */
const MAX_SOCKETS = 50;

/** How many sessions one task in one account may take when they expire midway (a slow or throttled run). */
const SESSIONS_PER_TASK = 3;

/** What a client needs to act in a root session: its credentials, the region, and the shared connections. */
export interface RootSessionCredentials {
  readonly credentials: { readonly accessKeyId: string; readonly secretAccessKey: string; readonly sessionToken?: string };
  readonly region: string | undefined;
  readonly requestHandler: { readonly httpAgent: http.Agent; readonly httpsAgent: https.Agent };
}

/** sts:AssumeRoot refused or failed: no session was opened, so nothing was done in the account by it. */
export class RootSessionRefused extends ScriptError {
  override readonly name = "RootSessionRefused";
}

/**
 * Opens short sts:AssumeRoot sessions in member accounts. AssumeRoot is rate-limited at a rate AWS does not
 * publish: calls go through an {@link AssumeRootPacer}, which learns the rate from the throttles it gets.
 */
export class RootSessions {
  private readonly sts: STSClient;
  /** The partition the sessions are opened in: the region's, which decides the STS endpoint called. */
  private readonly partition: Partition | undefined;
  /**
   * One pool of connections for STS and every session's IAM client. A session is a handful of calls: a client
   * with its own pool would open new connections (TCP and TLS handshakes) in each account and leave them idle,
   * some 4 sockets per account, 40,000 in an organization of 10,000 accounts.
   */
  private readonly connections = {
    httpAgent: new http.Agent({ keepAlive: true, maxSockets: MAX_SOCKETS }),
    httpsAgent: new https.Agent({ keepAlive: true, maxSockets: MAX_SOCKETS }),
  };

  constructor(
    private readonly settings: {
      readonly region?: string;
      readonly credentials?: CredentialProvider;
      readonly endpoints?: { readonly sts?: string };
      /** The most sts:AssumeRoot calls per second (`--rate`); without it, the rate AWS grants, learned. */
      readonly rate?: number;
    },
    private readonly pacer = new AssumeRootPacer(settings.rate),
  ) {
    this.partition = settings.region === undefined ? undefined : partitionOfRegion(settings.region);
    // Throttling is the pacer's to handle (it learns the rate from it); the SDK retries what is transient.
    this.sts = new STSClient({
      region: settings.region,
      credentials: settings.credentials,
      retryStrategy: transientOnly(),
      requestHandler: this.connections,
    });
  }

  /**
   * Runs `work` with an IAM client acting as `accountId`'s root user for `task`. A session that expires midway
   * (ExpiredToken) is opened again, up to {@link SESSIONS_PER_TASK} sessions, and `work` runs again: `work` must
   * read before it writes, and keep outside itself what an earlier session did. A session AWS refuses to open
   * throws {@link RootSessionRefused}.
   */
  async run<T>(accountId: string, task: RootTask, work: (iam: IAMClient) => Promise<T>): Promise<T> {
    return this.runAs(accountId, task, (session) =>
      work(
        new IAMClient({ region: this.settings.region, requestHandler: session.requestHandler, credentials: session.credentials }),
      ),
    );
  }

  /**
   * {@link run} for any service: `work` gets the session's credentials, region and this pool of connections, to
   * make the client the task needs (S3 for S3UnlockBucketPolicy, SQS for SQSUnlockQueuePolicy).
   */
  async runAs<T>(accountId: string, task: RootTask, work: (session: RootSessionCredentials) => Promise<T>): Promise<T> {
    for (let session = 1; ; session++) {
      const credentials = await this.open(accountId, task);
      try {
        return await work({ credentials, region: this.settings.region, requestHandler: this.connections });
      } catch (error) {
        if (awsErrorCode(error) !== "ExpiredToken" || session >= SESSIONS_PER_TASK) throw error;
      }
    }
  }

  private async open(accountId: string, task: RootTask): Promise<RootSessionCredentials["credentials"]> {
    if (this.partition === undefined) {
      throw new RootSessionRefused(
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
    for (let attempt = 1; ; attempt++) {
      await this.pacer.slot();
      try {
        ({ Credentials: issued } = await this.sts.send(command));
        this.pacer.succeeded();
        break;
      } catch (error) {
        if (!isThrottling(error) || attempt >= THROTTLED_ATTEMPTS) {
          throw assumeRootFailed(accountId, task, error, this.settings.endpoints?.sts);
        }
        this.pacer.throttled();
      }
    }
    if (!issued?.AccessKeyId || !issued.SecretAccessKey) {
      throw new RootSessionRefused(`sts:AssumeRoot for ${accountId} returned no credentials.`);
    }
    return { accessKeyId: issued.AccessKeyId, secretAccessKey: issued.SecretAccessKey, sessionToken: issued.SessionToken };
  }
}

/** Root sessions with the same credentials and role as the script's other clients. */
export function createRootSessions(settings: ClientSettings & { readonly rate?: number }): RootSessions {
  return new RootSessions({
    region: settings.region,
    credentials: credentialsOf(settings),
    endpoints: settings.endpoints,
    rate: settings.rate,
  });
}

/** How many times one AssumeRoot call is tried while the service throttles it (the pacer slows down each time). */
const THROTTLED_ATTEMPTS = 30;

function isThrottling(error: unknown): boolean {
  const code = awsErrorCode(error);
  return code === "Throttling" || code === "TooManyRequests" || code === "RequestLimitExceeded";
}

/**
 * The SDK's retry for transient failures only (network, 5xx): up to three attempts with jittered exponential
 * backoff. A throttle is returned at once, for the pacer: one retry layer per error class.
 */
function transientOnly(): NonNullable<STSClientConfig["retryStrategy"]> {
  const token = (count: number, delay: number) => ({ getRetryCount: () => count, getRetryDelay: () => delay });
  return {
    mode: "standard",
    acquireInitialRetryToken: () => Promise.resolve(token(0, 0)),
    refreshRetryTokenForRetry: (previous, { errorType }) => {
      const count = previous.getRetryCount() + 1;
      if ((errorType !== "TRANSIENT" && errorType !== "SERVER_ERROR") || count >= 3) {
        return Promise.reject(new Error("not retried"));
      }
      return Promise.resolve(token(count, Math.random() * 100 * 2 ** count));
    },
    recordSuccess: () => undefined,
  };
}

/** Explains a refused or failed sts:AssumeRoot, naming the account, the task and what AWS requires. */
function assumeRootFailed(accountId: string, task: RootTask, cause: unknown, endpoint?: string): RootSessionRefused {
  if (awsErrorCode(cause) === "AccessDenied") {
    const { feature } = ROOT_TASK_DEFINITIONS[task];
    return new RootSessionRefused(
      `sts:AssumeRoot into ${accountId} with ${task} was refused (AccessDenied). AWS allows it only when the caller is ` +
        `an IAM principal of the management account or of IAM's delegated administrator with sts:AssumeRoot allowed ` +
        `for that task policy (npm run policy prints it), the account is an active member of the organization, and ` +
        `the organization has ${feature} enabled (the stack's features). Nothing was changed in ${accountId}.`,
      { cause },
    );
  }
  const known = explainAwsError(cause, { operation: `sts:AssumeRoot into ${accountId}`, permission: "sts:AssumeRoot", endpoint });
  return known
    ? new RootSessionRefused(known, { cause })
    : new RootSessionRefused(`sts:AssumeRoot into ${accountId} failed: ${String(cause)}`, { cause });
}
