import { DeleteBucketPolicyCommand, GetBucketPolicyCommand, S3Client, S3ServiceException } from "@aws-sdk/client-s3";
import { GetQueueAttributesCommand, SQSClient, SetQueueAttributesCommand } from "@aws-sdk/client-sqs";
import { mockClient } from "aws-sdk-client-mock";
import * as fs from "node:fs";
import * as http from "node:http";
import * as https from "node:https";
import * as os from "node:os";
import * as path from "node:path";
import { describe as describeOutcome } from "../../../scripts/root-task/command";
import {
  UnlockFailed,
  UnlockProgress,
  queueAccount,
  queueRegion,
  savePolicyBeside,
  savePolicyTo,
  unlock,
} from "../../../scripts/root-task/unlock";

const s3 = mockClient(S3Client);
const sqs = mockClient(SQSClient);
const ACCOUNT = "111122223333";
const POLICY = '{"Version":"2012-10-17","Statement":[{"Effect":"Deny","Principal":"*","Action":"*","Resource":"*"}]}';
const SESSION = {
  credentials: { accessKeyId: "ASIA", secretAccessKey: "secret", sessionToken: "token" },
  region: "us-east-1",
  requestHandler: { httpAgent: new http.Agent(), httpsAgent: new https.Agent() },
};
const BUCKET = { kind: "bucket", bucket: "locked" } as const;
const QUEUE_URL = `https://sqs.eu-west-1.amazonaws.com/${ACCOUNT}/locked`;

let dir: string;
beforeEach(() => {
  s3.reset();
  sqs.reset();
  dir = fs.mkdtempSync(path.join(os.tmpdir(), "unlock-"));
});
afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

function s3Error(name: string): S3ServiceException {
  return new S3ServiceException({ name, $fault: "client", $metadata: { httpStatusCode: 403 }, message: `${name} from S3` });
}

describe("unlocking a bucket policy in a root session", () => {
  it("reads, saves the policy exactly, deletes it and reads again to verify", async () => {
    // GIVEN a bucket whose policy is there, then gone
    s3.on(GetBucketPolicyCommand).resolvesOnce({ Policy: POLICY }).rejectsOnce(s3Error("NoSuchBucketPolicy"));
    const saveTo = path.join(dir, "policy.json");
    // WHEN it is unlocked with --save
    const outcome = await unlock(ACCOUNT, BUCKET, SESSION, { dryRun: false, save: savePolicyTo(saveTo) });
    // THEN the policy was saved byte for byte before the delete, and the read after it found none
    expect(outcome).toEqual({
      accountId: ACCOUNT,
      task: "S3UnlockBucketPolicy",
      resource: "locked",
      status: "unlocked",
      policy: POLICY,
      savedTo: saveTo,
    });
    expect(fs.readFileSync(saveTo, "utf8")).toBe(POLICY);
    expect(s3.commandCalls(DeleteBucketPolicyCommand)).toHaveLength(1);
    expect(s3.commandCalls(GetBucketPolicyCommand)).toHaveLength(2);
    // AND a bucket in another region is followed there (S3 answers a 301 with the bucket's region)
    expect(s3.commandCalls(GetBucketPolicyCommand)[0].thisValue.config.followRegionRedirects).toBe(true);
    expect(describeOutcome(outcome)).toContain(`Deleted it (saved to ${saveTo}) in a root session (S3UnlockBucketPolicy)`);
    // AND only the account's own bucket is read or changed, whatever its name
    expect(s3.commandCalls(DeleteBucketPolicyCommand)[0].args[0].input).toEqual({
      Bucket: "locked",
      ExpectedBucketOwner: ACCOUNT,
    });
  });

  it("only reads in a dry run", async () => {
    s3.on(GetBucketPolicyCommand).resolves({ Policy: POLICY });
    const outcome = await unlock(ACCOUNT, BUCKET, SESSION, { dryRun: true });
    expect(outcome.status).toBe("dry run");
    expect(s3.commandCalls(DeleteBucketPolicyCommand)).toHaveLength(0);
    expect(describeOutcome(outcome)).toBe("Dry run: nothing was deleted.");
  });

  it("finds nothing to unlock on a bucket without a policy, and says a missing bucket is missing", async () => {
    s3.on(GetBucketPolicyCommand).rejectsOnce(s3Error("NoSuchBucketPolicy")).rejectsOnce(s3Error("NoSuchBucket"));
    const save = savePolicyBeside(dir, ACCOUNT, BUCKET);
    await expect(unlock(ACCOUNT, BUCKET, SESSION, { dryRun: false, save })).resolves.toMatchObject({
      status: "nothing to unlock",
    });
    await expect(unlock(ACCOUNT, BUCKET, SESSION, { dryRun: false, save })).rejects.toThrow(
      "bucket locked does not exist in that account (or not where its name or URL says). Nothing was changed.",
    );
    expect(s3.commandCalls(DeleteBucketPolicyCommand)).toHaveLength(0);
  });

  it("never overwrites a saved policy: a --save file that appeared meanwhile stops it before the delete", async () => {
    s3.on(GetBucketPolicyCommand).resolves({ Policy: POLICY });
    const saveTo = path.join(dir, "policy.json");
    fs.writeFileSync(saveTo, "an earlier policy");
    const failure = await unlock(ACCOUNT, BUCKET, SESSION, { dryRun: false, save: savePolicyTo(saveTo) }).catch(
      (error: unknown) => error,
    );
    expect(failure).toBeInstanceOf(UnlockFailed);
    expect((failure as UnlockFailed).message).toContain(`could not save its policy (EEXIST`);
    expect((failure as UnlockFailed).message).toContain("nothing was deleted");
    expect(fs.readFileSync(saveTo, "utf8")).toBe("an earlier policy");
    expect(s3.commandCalls(DeleteBucketPolicyCommand)).toHaveLength(0);
  });

  it("says the policy was saved and not deleted when the delete is denied", async () => {
    s3.on(GetBucketPolicyCommand).resolves({ Policy: POLICY });
    s3.on(DeleteBucketPolicyCommand).rejects(s3Error("AccessDenied"));
    const saveTo = path.join(dir, "policy.json");
    const failure = (await unlock(ACCOUNT, BUCKET, SESSION, { dryRun: false, save: savePolicyTo(saveTo) }).catch(
      (error: unknown) => error,
    )) as UnlockFailed;
    expect(failure).toBeInstanceOf(UnlockFailed);
    expect(failure.deleted).toBe(false);
    expect(failure.message).toMatch(/The policy was not deleted \(saved in .*policy\.json\)\.$/);
    expect(failure.message).toContain("S3UnlockBucketPolicy");
  });

  it("hands the policy over before anything is deleted, waits for the delete to show, and says it was deleted when it never does", async () => {
    // GIVEN a delete that never shows (another writer, or propagation)
    s3.on(GetBucketPolicyCommand).resolves({ Policy: POLICY });
    const events: string[] = [];
    s3.on(DeleteBucketPolicyCommand).callsFake(() => events.push("delete"));
    // WHEN it is unlocked, verifying three times
    const failure = (await unlock(ACCOUNT, BUCKET, SESSION, {
      dryRun: false,
      save: savePolicyBeside(dir, ACCOUNT, BUCKET),
      onRead: (policy) => events.push(`read ${policy.length}`),
      verifyDelaysMs: [1, 1],
    }).catch((error: unknown) => error)) as UnlockFailed;
    // THEN the policy was handed over first, read again three times, and the failure says it was deleted
    expect(events).toEqual([`read ${POLICY.length}`, "delete"]);
    expect(s3.commandCalls(GetBucketPolicyCommand)).toHaveLength(4);
    expect(failure).toBeInstanceOf(UnlockFailed);
    expect(failure.deleted).toBe(true);
    expect(failure.policy).toBe(POLICY);
    expect(failure.message).toContain("the policy was deleted, but reading again still finds one");
  });

  it("says the policy was deleted when the bucket is gone at the verifying read, not that nothing changed", async () => {
    s3.on(GetBucketPolicyCommand).resolvesOnce({ Policy: POLICY }).rejects(s3Error("NoSuchBucket"));
    const failure = (await unlock(ACCOUNT, BUCKET, SESSION, {
      dryRun: false,
      save: savePolicyBeside(dir, ACCOUNT, BUCKET),
    }).catch((error: unknown) => error)) as UnlockFailed;
    expect(failure).toBeInstanceOf(UnlockFailed);
    expect(failure.deleted).toBe(true);
    expect(failure.message).toMatch(
      /^verifying \(reading again\) the policy of bucket locked .* failed: .*The policy was deleted \(saved in .*\)\.$/,
    );
    expect(failure.message).not.toContain("Nothing was changed");
  });
});

describe("the policy on disk before anything is deleted", () => {
  it("is saved, when no --save is given, to a new file named after the account and the bucket, readable by its owner only", async () => {
    // GIVEN a locked bucket, and a policy saved for it by an earlier unlock
    s3.on(GetBucketPolicyCommand).resolvesOnce({ Policy: POLICY }).rejectsOnce(s3Error("NoSuchBucketPolicy"));
    fs.writeFileSync(path.join(dir, `${ACCOUNT}-locked.policy.json`), "an earlier policy");
    const progress: UnlockProgress = { deletion: "not sent" };
    // WHEN it is unlocked without --save
    const outcome = await unlock(ACCOUNT, BUCKET, SESSION, {
      dryRun: false,
      save: savePolicyBeside(dir, ACCOUNT, BUCKET),
      progress,
    });
    // THEN the policy went to a new file beside the earlier one, which is untouched, with mode 0600
    const saved = path.join(dir, `${ACCOUNT}-locked.1.policy.json`);
    expect(outcome.savedTo).toBe(saved);
    expect(fs.readFileSync(saved, "utf8")).toBe(POLICY);
    expect(fs.statSync(saved).mode & 0o777).toBe(0o600);
    expect(fs.readFileSync(path.join(dir, `${ACCOUNT}-locked.policy.json`), "utf8")).toBe("an earlier policy");
    // AND the progress says what was done
    expect(progress).toEqual({ policy: POLICY, savedTo: saved, deletion: "done" });
  });

  it("is written before the delete is sent: a delete in flight has the saved file behind it", async () => {
    // GIVEN a delete that is still in flight when looked at
    s3.on(GetBucketPolicyCommand).resolves({ Policy: POLICY });
    const progress: UnlockProgress = { deletion: "not sent" };
    const seen: string[] = [];
    s3.on(DeleteBucketPolicyCommand).callsFake(() => {
      seen.push(`${progress.deletion} ${fs.existsSync(progress.savedTo!) ? "saved" : "not saved"}`);
      throw s3Error("AccessDenied");
    });
    // WHEN it is unlocked
    await unlock(ACCOUNT, BUCKET, SESSION, { dryRun: false, save: savePolicyBeside(dir, ACCOUNT, BUCKET), progress }).catch(
      () => undefined,
    );
    // THEN at the delete the policy was already on disk, and the progress knew the delete was sent
    expect(seen).toEqual(["sent saved"]);
  });
});

describe("unlocking a queue policy in a root session", () => {
  it("deletes the Policy attribute by setting it empty, in the queue's own region", async () => {
    sqs
      .on(GetQueueAttributesCommand)
      .resolvesOnce({ Attributes: { Policy: POLICY } })
      .resolvesOnce({ Attributes: {} });
    const queue = { kind: "queue", queueUrl: QUEUE_URL } as const;
    const outcome = await unlock(ACCOUNT, queue, SESSION, { dryRun: false, save: savePolicyBeside(dir, ACCOUNT, queue) });
    expect(outcome).toMatchObject({ task: "SQSUnlockQueuePolicy", status: "unlocked", policy: POLICY });
    expect(sqs.commandCalls(SetQueueAttributesCommand)[0].args[0].input).toEqual({
      QueueUrl: QUEUE_URL,
      Attributes: { Policy: "" },
    });
    expect(await sqs.commandCalls(GetQueueAttributesCommand)[0].thisValue.config.region()).toBe("eu-west-1");
  });

  it("names SQS, not IAM, when SQS answers a server error, and says the policy was saved and not deleted", async () => {
    // GIVEN a queue whose policy reads, and an SQS that answers 500 to the delete
    sqs.on(GetQueueAttributesCommand).resolves({ Attributes: { Policy: POLICY } });
    sqs
      .on(SetQueueAttributesCommand)
      .rejects(
        Object.assign(new Error("internal"), { name: "InternalError", $fault: "server", $metadata: { httpStatusCode: 500 } }),
      );
    const queue = { kind: "queue", queueUrl: QUEUE_URL } as const;
    // WHEN it is unlocked
    const failure = unlock(ACCOUNT, queue, SESSION, { dryRun: false, save: savePolicyBeside(dir, ACCOUNT, queue) });
    // THEN the message names SQS and says what was done
    await expect(failure).rejects.toThrow(/SQS answered a server error \(InternalError, HTTP 500\)/);
    await expect(failure).rejects.toThrow(/The policy was not deleted \(saved in /);
    await expect(failure).rejects.not.toThrow(/IAM|terraform/);
  });

  it("addresses buckets by path when an endpoint is configured, so a dotted name is no host name", async () => {
    // GIVEN a bucket with dots in its name, behind a configured endpoint
    s3.on(GetBucketPolicyCommand).resolves({ Policy: POLICY });
    // WHEN it is read
    await unlock(ACCOUNT, { kind: "bucket", bucket: "locked.with.dots" }, SESSION, { dryRun: true, pathStyle: true });
    // THEN the client addresses it by path
    expect(s3.commandCalls(GetBucketPolicyCommand)[0].thisValue.config.forcePathStyle).toBe(true);
  });

  it("reads a queue's account and region from its URL", () => {
    expect([queueAccount(QUEUE_URL), queueRegion(QUEUE_URL)]).toEqual([ACCOUNT, "eu-west-1"]);
    expect(queueRegion(`https://us-gov-west-1.queue.amazonaws.com/${ACCOUNT}/q`)).toBe("us-gov-west-1");
    expect(queueRegion(`https://sqs.cn-north-1.amazonaws.com.cn/${ACCOUNT}/q`)).toBe("cn-north-1");
    expect(queueAccount("not a url")).toBeUndefined();
    expect(queueAccount(`https://sqs.us-east-1.amazonaws.com/${ACCOUNT}`)).toBeUndefined();
    expect(queueAccount(`https://sqs.us-east-1.amazonaws.com/${ACCOUNT}/orders.fifo`)).toBe(ACCOUNT);
    expect(queueAccount(`https://sqs.us-east-1.amazonaws.com/${ACCOUNT}/orders.txt`)).toBeUndefined();
    expect(queueAccount(`https://sqs.us-east-1.amazonaws.com/${ACCOUNT}/q/extra`)).toBeUndefined();
  });
});
