import * as fs from "node:fs";
import * as path from "node:path";
import { ScriptError, awsErrorCode, explainAwsError } from "../aws/aws-errors";
import type { RootSessionCredentials } from "../aws/root-session";
import { ROOT_TASKS, RootTask } from "../shared/root-tasks";

// The two break-glass tasks: a bucket policy or a queue policy that denies every principal, which only the
// account's root user can remove. Inside one root session: read the policy, save it, delete it, read again.

/** What to unlock: a bucket by name, or a queue by URL. */
export type UnlockTarget =
  { readonly kind: "bucket"; readonly bucket: string } | { readonly kind: "queue"; readonly queueUrl: string };

/** What an unlock did. */
export interface UnlockOutcome {
  readonly accountId: string;
  readonly task: RootTask;
  /** The bucket's name or the queue's URL. */
  readonly resource: string;
  /** "unlocked": deleted and verified gone; "nothing to unlock": it had no policy; "dry run": read only. */
  readonly status: "unlocked" | "nothing to unlock" | "dry run";
  /** The policy document as it was read, exactly (undefined when there was none). */
  readonly policy?: string;
  /** Where the policy was saved before it was deleted. */
  readonly savedTo?: string;
}

/** An unlock that stopped partway: what was done before the step that failed. */
export class UnlockFailed extends ScriptError {
  override readonly name = "UnlockFailed";
  constructor(
    message: string,
    /** The policy as read, when the read got that far. */
    readonly policy: string | undefined,
    readonly savedTo: string | undefined,
    /** Whether the policy was deleted. */
    readonly deleted: boolean,
  ) {
    super(message);
  }
}

/** How the policy of one kind of resource is read and deleted, in a root session. */
interface PolicyStore {
  readonly task: RootTask;
  /** The service that holds the policy, for messages. */
  readonly service: "S3" | "SQS";
  readonly what: string;
  /** The policy document, or undefined when there is none; throws when the resource does not exist. */
  read(): Promise<string | undefined>;
  remove(): Promise<void>;
}

/**
 * How far an unlock got, kept up to date as it goes: what an interrupted command reports. `deletion` is "sent"
 * while the delete is in flight (it may or may not have taken effect).
 */
export interface UnlockProgress {
  policy?: string;
  savedTo?: string;
  deletion: "not sent" | "sent" | "done";
}

export interface UnlockOptions {
  readonly dryRun: boolean;
  /**
   * Writes the policy somewhere durable, never over an existing file, and returns where: called before the delete,
   * which does not happen when it throws. Required unless a dry run.
   */
  readonly save?: (policy: string) => string;
  /** Told the policy as soon as it is read, before anything is deleted: the caller prints it there and then. */
  readonly onRead?: (policy: string) => void;
  /** Updated as the unlock goes. */
  readonly progress?: UnlockProgress;
  /** Waits between verifying reads that still find the policy (a delete takes time to propagate). */
  readonly verifyDelaysMs?: readonly number[];
  /**
   * Buckets addressed by path rather than by host name: where an endpoint is configured (an emulator, a proxy),
   * whose host does not resolve `<bucket>.<host>`, and a bucket name with dots is no host name at all.
   */
  readonly pathStyle?: boolean;
}

/**
 * How long the verifying read waits for a delete to show: SQS says attribute changes take up to 60 s to
 * propagate, S3 is strongly consistent; about 75 s in all before the unlock says the policy is still there.
 */
const VERIFY_DELAYS_MS = [1_000, 2_000, 4_000, 8_000, 15_000, 15_000, 30_000];

/** The task a target needs. */
export function taskOf(target: UnlockTarget): RootTask {
  return target.kind === "bucket" ? ROOT_TASKS.unlockBucketPolicy : ROOT_TASKS.unlockQueuePolicy;
}

/**
 * Unlocks `target` in `accountId` with a root session's credentials: reads its policy; unless a dry run, writes
 * it to `saveTo` (refusing a file that exists), deletes it and reads again to verify. Throws {@link UnlockFailed}
 * saying exactly what was done when a step fails.
 */
export async function unlock(
  accountId: string,
  target: UnlockTarget,
  session: RootSessionCredentials,
  options: UnlockOptions,
): Promise<UnlockOutcome> {
  const store =
    target.kind === "bucket"
      ? await bucketPolicy(target.bucket, accountId, session, options.pathStyle ?? false)
      : await queuePolicy(target.queueUrl, session);
  const resource = target.kind === "bucket" ? target.bucket : target.queueUrl;
  const base = { accountId, task: store.task, resource };
  const progress = options.progress ?? { deletion: "not sent" };
  const policy = await step(store, "reading", undefined, undefined, false, () => store.read());
  if (policy === undefined) return { ...base, status: "nothing to unlock" };
  progress.policy = policy;
  options.onRead?.(policy);
  if (options.dryRun) return { ...base, status: "dry run", policy };
  // Durable before anything is deleted: whatever happens next (a kill included), the policy as it was is on disk.
  let savedTo: string;
  try {
    if (options.save === undefined) throw new Error("no place to save it was given");
    savedTo = options.save(policy);
  } catch (error) {
    throw new UnlockFailed(
      `${store.what} in ${accountId}: could not save its policy (${(error as Error).message}); nothing was deleted.`,
      policy,
      undefined,
      false,
    );
  }
  progress.savedTo = savedTo;
  progress.deletion = "sent";
  await step(store, "deleting", policy, savedTo, false, () => store.remove());
  progress.deletion = "done";
  const delays = options.verifyDelaysMs ?? VERIFY_DELAYS_MS;
  for (let attempt = 0; ; attempt++) {
    const after = await step(store, "verifying (reading again)", policy, savedTo, true, () => store.read());
    if (after === undefined) break;
    if (attempt >= delays.length) {
      throw new UnlockFailed(
        `${store.what} in ${accountId}: the policy was deleted, but reading again still finds one (${after.length} ` +
          `characters) after ${Math.round(delays.reduce((sum, ms) => sum + ms, 0) / 1000)} s: another writer put it ` +
          `back, or the delete has not propagated. Run the command again.`,
        policy,
        savedTo,
        true,
      );
    }
    await new Promise((resolve) => setTimeout(resolve, delays[attempt]));
  }
  return { ...base, status: "unlocked", policy, savedTo };
}

/**
 * Saves a policy to `file`, created for it alone (never over an existing file) and readable by its owner only:
 * a bucket policy may name principals and networks.
 */
export function savePolicyTo(file: string): (policy: string) => string {
  return (policy) => {
    fs.writeFileSync(file, policy, { flag: "wx", mode: 0o600 });
    return file;
  };
}

/**
 * Saves a policy to a new file in `directory` named after the account and the resource
 * (`<account>-<bucket or queue>.policy.json`, then `.1.policy.json`, ... when that exists): the default, so that
 * a policy is never deleted without a copy on disk.
 */
export function savePolicyBeside(directory: string, accountId: string, target: UnlockTarget): (policy: string) => string {
  const name = (target.kind === "bucket" ? target.bucket : (target.queueUrl.split("/").pop() ?? "queue")).replace(
    /[^\w.-]/g,
    "_",
  );
  return (policy) => {
    for (let attempt = 0; ; attempt++) {
      const file = path.join(directory, `${accountId}-${name}${attempt === 0 ? "" : `.${attempt}`}.policy.json`);
      try {
        return savePolicyTo(file)(policy);
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== "EEXIST" || attempt >= 1_000) throw error;
      }
    }
  };
}

// One call of the unlock, its failure said with what was done before it.
async function step<T>(
  store: PolicyStore,
  doing: string,
  policy: string | undefined,
  savedTo: string | undefined,
  deleted: boolean,
  call: () => Promise<T>,
): Promise<T> {
  try {
    return await call();
  } catch (error) {
    const done = deleted ? "The policy was deleted" : policy === undefined ? "Nothing was changed" : "The policy was not deleted";
    const saved = savedTo === undefined ? "" : ` (saved in ${savedTo})`;
    const operation = `${doing} the policy of ${store.what} in a root session (${store.task})`;
    // A resource that is not there says so itself; after the delete, as the step that failed.
    if (error instanceof ScriptError) {
      const text = deleted ? `${operation} failed: ${error.message}` : error.message;
      throw new UnlockFailed(`${text}. ${done}${saved}.`, policy, savedTo, deleted);
    }
    const reason =
      explainAwsError(error, {
        operation,
        permission: `the root-task policy ${store.task}, and no SCP or RCP denying it to root sessions`,
        service: store.service,
        rerun: "run the same command again later (it reads the policy first, so it deletes nothing twice).",
      }) ?? `${operation} failed (${awsErrorCode(error) ?? "error"}: ${(error as Error).message}).`;
    throw new UnlockFailed(`${reason} ${done}${saved}.`, policy, savedTo, deleted);
  }
}

async function bucketPolicy(
  bucket: string,
  accountId: string,
  session: RootSessionCredentials,
  pathStyle: boolean,
): Promise<PolicyStore> {
  const { DeleteBucketPolicyCommand, GetBucketPolicyCommand, S3Client } = await import("@aws-sdk/client-s3");
  // A bucket in another region answers with a redirect to it; the client follows.
  const s3 = new S3Client({ ...session, followRegionRedirects: true, forcePathStyle: pathStyle });
  // ExpectedBucketOwner: a bucket of another account with this name answers 403, never its policy.
  const what = `bucket ${bucket}`;
  return {
    task: ROOT_TASKS.unlockBucketPolicy,
    service: "S3",
    what,
    read: async () => {
      try {
        return (
          (await s3.send(new GetBucketPolicyCommand({ Bucket: bucket, ExpectedBucketOwner: accountId }))).Policy ?? undefined
        );
      } catch (error) {
        if (awsErrorCode(error) === "NoSuchBucketPolicy") return undefined;
        if (awsErrorCode(error) === "NoSuchBucket") throw notFound(what);
        throw error;
      }
    },
    remove: async () => {
      await s3.send(new DeleteBucketPolicyCommand({ Bucket: bucket, ExpectedBucketOwner: accountId }));
    },
  };
}

async function queuePolicy(queueUrl: string, session: RootSessionCredentials): Promise<PolicyStore> {
  const { GetQueueAttributesCommand, SQSClient, SetQueueAttributesCommand } = await import("@aws-sdk/client-sqs");
  // The session's credentials go to SQS's endpoint for the queue's region, never to the host the URL names.
  const sqs = new SQSClient({ ...session, region: queueRegion(queueUrl) ?? session.region, useQueueUrlAsEndpoint: false });
  const what = `queue ${queueUrl}`;
  return {
    task: ROOT_TASKS.unlockQueuePolicy,
    service: "SQS",
    what,
    read: async () => {
      try {
        const { Attributes } = await sqs.send(new GetQueueAttributesCommand({ QueueUrl: queueUrl, AttributeNames: ["Policy"] }));
        return Attributes?.Policy || undefined;
      } catch (error) {
        const code = awsErrorCode(error);
        if (code === "QueueDoesNotExist" || code === "AWS.SimpleQueueService.NonExistentQueue") throw notFound(what);
        throw error;
      }
    },
    // An empty Policy attribute removes the queue's policy (SQS has no DeleteQueuePolicy action).
    remove: async () => {
      await sqs.send(new SetQueueAttributesCommand({ QueueUrl: queueUrl, Attributes: { Policy: "" } }));
    },
  };
}

function notFound(what: string): ScriptError {
  return new ScriptError(`${what} does not exist in that account (or not where its name or URL says)`);
}

/** The region of an SQS queue URL (https://sqs.<region>.amazonaws.com/... or the legacy <region>.queue.amazonaws.com). */
export function queueRegion(queueUrl: string): string | undefined {
  const host = URL.canParse(queueUrl) ? new URL(queueUrl).hostname : "";
  return (
    /^sqs\.([a-z0-9-]+)\.amazonaws\.com(\.cn)?$/.exec(host)?.[1] ?? /^([a-z0-9-]+)\.queue\.amazonaws\.com(\.cn)?$/.exec(host)?.[1]
  );
}

/**
 * Why `queueUrl` is not an SQS queue URL this command sends a root session to, or undefined when it is: https on
 * SQS's own host (sqs.<region>.amazonaws.com[.cn], or the legacy <region>.queue.amazonaws.com[.cn]), or, when an
 * endpoint is configured (AWS_ENDPOINT_URL, an emulator), on that endpoint; written plainly (no credentials,
 * query, fragment, "." or ".." segment, or escaped character), so that the URL checked is the URL sent.
 */
export function queueUrlProblem(queueUrl: string, endpoint: string | undefined): string | undefined {
  if (!URL.canParse(queueUrl)) return "is not a URL";
  const url = new URL(queueUrl);
  if (url.username !== "" || url.password !== "") return "has credentials in it, which a queue URL does not";
  if (url.search !== "" || queueUrl.includes("?")) return "has a query, which a queue URL does not";
  if (url.hash !== "" || queueUrl.includes("#")) return "has a fragment, which a queue URL does not";
  if (url.href !== queueUrl || queueUrl.includes("%")) return `is not written plainly (it reads as ${url.href})`;
  if (endpoint !== undefined) {
    return url.origin === new URL(endpoint).origin ? undefined : `is not on the configured SQS endpoint ${endpoint}`;
  }
  if (url.protocol !== "https:") return "is not https";
  return queueRegion(queueUrl) === undefined ? "is not on an SQS host (sqs.<region>.amazonaws.com)" : undefined;
}

/**
 * The account id in an SQS queue URL's path (/<account>/<name>, the name 1 to 80 letters, digits, "_" and "-", a
 * FIFO queue's ending in ".fifo"), or undefined.
 */
export function queueAccount(queueUrl: string): string | undefined {
  if (!URL.canParse(queueUrl)) return undefined;
  return /^\/(\d{12})\/(?:[A-Za-z0-9_-]{1,80}|[A-Za-z0-9_-]{1,75}\.fifo)$/.exec(new URL(queueUrl).pathname)?.[1];
}
