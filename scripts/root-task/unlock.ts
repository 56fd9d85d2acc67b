import * as fs from "node:fs";
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
  readonly what: string;
  /** The policy document, or undefined when there is none; throws when the resource does not exist. */
  read(): Promise<string | undefined>;
  remove(): Promise<void>;
}

export interface UnlockOptions {
  readonly dryRun: boolean;
  /** A file to write the policy to before it is deleted. */
  readonly saveTo?: string;
}

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
    target.kind === "bucket" ? await bucketPolicy(target.bucket, session) : await queuePolicy(target.queueUrl, session);
  const resource = target.kind === "bucket" ? target.bucket : target.queueUrl;
  const base = { accountId, task: store.task, resource };
  const policy = await step(store, "reading", undefined, undefined, false, () => store.read());
  if (policy === undefined) return { ...base, status: "nothing to unlock" };
  if (options.dryRun) return { ...base, status: "dry run", policy };
  if (options.saveTo !== undefined) {
    try {
      fs.writeFileSync(options.saveTo, policy, { flag: "wx" });
    } catch (error) {
      throw new UnlockFailed(
        `${store.what} in ${accountId}: could not save its policy to ${options.saveTo} (${(error as Error).message}); ` +
          `nothing was deleted.`,
        policy,
        undefined,
        false,
      );
    }
  }
  await step(store, "deleting", policy, options.saveTo, false, () => store.remove());
  const after = await step(store, "verifying (reading again)", policy, options.saveTo, true, () => store.read());
  if (after !== undefined) {
    throw new UnlockFailed(
      `${store.what} in ${accountId}: the policy was deleted, but reading again still finds one (${after.length} ` +
        `characters): another writer put it back, or the delete has not propagated. Run the command again.`,
      policy,
      options.saveTo,
      true,
    );
  }
  return { ...base, status: "unlocked", policy, savedTo: options.saveTo };
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
    if (error instanceof ScriptError) throw error;
    const done = deleted ? "The policy was deleted" : policy === undefined ? "Nothing was changed" : "The policy was not deleted";
    const saved = savedTo === undefined ? "" : ` (saved in ${savedTo})`;
    const reason =
      explainAwsError(error, {
        operation: `${doing} the policy of ${store.what} in a root session (${store.task})`,
        permission: `the root-task policy ${store.task}, and no SCP or RCP denying it to root sessions`,
      }) ?? `${awsErrorCode(error) ?? "error"}: ${(error as Error).message}`;
    throw new UnlockFailed(`${reason} ${done}${saved}.`, policy, savedTo, deleted);
  }
}

async function bucketPolicy(bucket: string, session: RootSessionCredentials): Promise<PolicyStore> {
  const { DeleteBucketPolicyCommand, GetBucketPolicyCommand, S3Client } = await import("@aws-sdk/client-s3");
  // A bucket in another region answers with a redirect to it; the client follows.
  const s3 = new S3Client({ ...session, followRegionRedirects: true });
  const what = `bucket ${bucket}`;
  return {
    task: ROOT_TASKS.unlockBucketPolicy,
    what,
    read: async () => {
      try {
        return (await s3.send(new GetBucketPolicyCommand({ Bucket: bucket }))).Policy ?? undefined;
      } catch (error) {
        if (awsErrorCode(error) === "NoSuchBucketPolicy") return undefined;
        if (awsErrorCode(error) === "NoSuchBucket") throw notFound(what);
        throw error;
      }
    },
    remove: async () => {
      await s3.send(new DeleteBucketPolicyCommand({ Bucket: bucket }));
    },
  };
}

async function queuePolicy(queueUrl: string, session: RootSessionCredentials): Promise<PolicyStore> {
  const { GetQueueAttributesCommand, SQSClient, SetQueueAttributesCommand } = await import("@aws-sdk/client-sqs");
  const sqs = new SQSClient({ ...session, region: queueRegion(queueUrl) ?? session.region });
  const what = `queue ${queueUrl}`;
  return {
    task: ROOT_TASKS.unlockQueuePolicy,
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
  return new ScriptError(`${what} does not exist in that account (or not where its name or URL says). Nothing was changed.`);
}

/** The region of an SQS queue URL (https://sqs.<region>.amazonaws.com/... or the legacy <region>.queue.amazonaws.com). */
export function queueRegion(queueUrl: string): string | undefined {
  const host = URL.canParse(queueUrl) ? new URL(queueUrl).hostname : "";
  return (
    /^sqs\.([a-z0-9-]+)\.amazonaws\.com(\.cn)?$/.exec(host)?.[1] ?? /^([a-z0-9-]+)\.queue\.amazonaws\.com(\.cn)?$/.exec(host)?.[1]
  );
}

/** The account id in an SQS queue URL's path (/<account>/<name>), or undefined. */
export function queueAccount(queueUrl: string): string | undefined {
  if (!URL.canParse(queueUrl)) return undefined;
  return /^\/(\d{12})\/[^/]+\/?$/.exec(new URL(queueUrl).pathname)?.[1];
}
