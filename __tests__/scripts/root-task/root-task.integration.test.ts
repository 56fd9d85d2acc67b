import { EnableOrganizationsRootSessionsCommand } from "@aws-sdk/client-iam";
import { CreateOrganizationCommand, EnableAWSServiceAccessCommand } from "@aws-sdk/client-organizations";
import { CreateBucketCommand, GetBucketPolicyCommand, PutBucketPolicyCommand, S3Client } from "@aws-sdk/client-s3";
import { CreateQueueCommand, GetQueueAttributesCommand, SQSClient, SetQueueAttributesCommand } from "@aws-sdk/client-sqs";
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { Emulator } from "../../../tools/emulator/emulator";
import { clientConfig } from "../../../tools/emulator/organization-state";
import { createMemberAccount, credentialsOf, iamAs, organizationsAs } from "../../support/aws";
import { PROJECT_ROOT } from "../../support/paths";
import { startTracked } from "../../support/processes";

let emulator: Emulator;
let env: NodeJS.ProcessEnv;
let dir: string;

/** A policy that denies every principal every action on the resource: only the account's root user can remove it. */
const denyAll = (resource: string) =>
  JSON.stringify({
    Version: "2012-10-17",
    Statement: [{ Sid: "LockedOut", Effect: "Deny", Principal: "*", Action: "*", Resource: resource }],
  });

beforeAll(async () => {
  emulator = await Emulator.start();
  dir = fs.mkdtempSync(path.join(os.tmpdir(), "root-task-"));
  const config = (features: string[]) => {
    const file = path.join(dir, `${features.join("-") || "none"}.config.json`);
    fs.writeFileSync(file, JSON.stringify({ stacks: [{ name: "org", features }] }));
    return file;
  };
  config(["RootCredentialsManagement"]);
  env = { ...emulator.environment(), ROOT_ACCESS_CONFIG: config(["RootSessions"]) };
});
afterAll(async () => {
  await emulator?.stop();
  fs.rmSync(dir, { recursive: true, force: true });
});
beforeEach(() => emulator.reset());

/** `npm run root-task -- <argv>`, the built program. */
function rootTask(argv: string[], extraEnv: NodeJS.ProcessEnv = {}) {
  const result = spawnSync(process.execPath, [path.join(PROJECT_ROOT, "build", "root-task.js"), ...argv], {
    // As npm would run it from the test's folder: a policy saved by default lands there, never in the project.
    env: { ...env, INIT_CWD: dir, ...extraEnv },
    encoding: "utf8",
    cwd: dir,
  });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

/** An organization with RootSessions, a member account, and its bucket and queue locked by deny-all policies. */
async function lockedOutMember() {
  const { Organization } = await organizationsAs(env).send(new CreateOrganizationCommand({ FeatureSet: "ALL" }));
  await organizationsAs(env).send(new EnableAWSServiceAccessCommand({ ServicePrincipal: "iam.amazonaws.com" }));
  await iamAs(env).send(new EnableOrganizationsRootSessionsCommand({}));
  const member = await createMemberAccount(env, "workload");
  const asMember = clientConfig({ ...env, ...(await credentialsOf(env, member)) });
  const s3 = new S3Client({ ...asMember, forcePathStyle: true });
  const sqs = new SQSClient(asMember);
  await s3.send(new CreateBucketCommand({ Bucket: "locked-bucket" }));
  const bucketPolicy = denyAll("arn:aws:s3:::locked-bucket/*");
  await s3.send(new PutBucketPolicyCommand({ Bucket: "locked-bucket", Policy: bucketPolicy }));
  const { QueueUrl } = await sqs.send(new CreateQueueCommand({ QueueName: "locked-queue" }));
  const queuePolicy = denyAll(`arn:aws:sqs:us-east-1:${member}:locked-queue`);
  await sqs.send(new SetQueueAttributesCommand({ QueueUrl, Attributes: { Policy: queuePolicy } }));
  return { organizationId: Organization!.Id!, member, s3, sqs, queueUrl: QueueUrl!, bucketPolicy, queuePolicy };
}

describe("npm run root-task against the emulator", () => {
  it("unlocks a member's bucket and queue locked by deny-all policies, saving each policy exactly, in unlock sessions only", async () => {
    // GIVEN a member account whose bucket and queue deny every principal
    const { member, s3, sqs, queueUrl, bucketPolicy, queuePolicy } = await lockedOutMember();
    const savedBucket = path.join(dir, "bucket-policy.json");
    const savedQueue = path.join(dir, "queue-policy.json");
    fs.rmSync(savedBucket, { force: true });
    fs.rmSync(savedQueue, { force: true });

    // WHEN a dry run reads the bucket's policy
    const dry = rootTask(["unlock-bucket-policy", "--account", member, "--bucket", "locked-bucket", "--dry-run"]);
    // THEN it prints the policy and leaves it
    expect(dry.stderr).toBe("");
    expect(dry.code).toBe(0);
    expect(dry.stdout).toContain(bucketPolicy);
    expect(dry.stdout).toContain("Dry run: nothing was deleted.");
    expect((await s3.send(new GetBucketPolicyCommand({ Bucket: "locked-bucket" }))).Policy).toBe(bucketPolicy);

    // WHEN both are unlocked, saving the policies
    const bucket = rootTask(["unlock-bucket-policy", "--account", member, "--bucket", "locked-bucket", "--save", savedBucket]);
    const queue = rootTask(["unlock-queue-policy", "--account", member, "--queue-url", queueUrl, "--save", savedQueue, "--json"]);

    // THEN both policies are gone, verified, and saved exactly as they were
    expect(bucket.stderr).toBe("");
    expect(bucket.code).toBe(0);
    expect(bucket.stdout).toContain("has no policy now");
    expect(bucket.stdout).toContain(`open to ${member}'s own principals as far as their identity policies allow`);
    expect(bucket.stdout.indexOf(bucketPolicy)).toBeLessThan(bucket.stdout.indexOf("Deleted it"));
    await expect(s3.send(new GetBucketPolicyCommand({ Bucket: "locked-bucket" }))).rejects.toMatchObject({
      name: "NoSuchBucketPolicy",
    });
    expect(fs.readFileSync(savedBucket, "utf8")).toBe(bucketPolicy);
    expect(queue.code).toBe(0);
    const unlocked = JSON.parse(queue.stdout) as { policy: string };
    expect(unlocked).toMatchObject({ accountId: member, task: "SQSUnlockQueuePolicy", status: "unlocked", savedTo: savedQueue });
    const { Attributes } = await sqs.send(new GetQueueAttributesCommand({ QueueUrl: queueUrl, AttributeNames: ["Policy"] }));
    expect(Attributes?.Policy ?? "").toBe("");
    // SQS answers the policy in its own spacing: the file holds what it answered, byte for byte
    expect(fs.readFileSync(savedQueue, "utf8")).toBe(unlocked.policy);
    expect(JSON.parse(unlocked.policy)).toEqual(JSON.parse(queuePolicy));

    // AND the sessions were the two unlock tasks only, each call allowed by its task policy
    const sessions = await emulator.rootSessions();
    expect(sessions.map((session) => [session.accountId, session.task])).toEqual([
      [member, "S3UnlockBucketPolicy"],
      [member, "S3UnlockBucketPolicy"],
      [member, "SQSUnlockQueuePolicy"],
    ]);
    expect(sessions[1].actions).toEqual([
      ["s3:GetBucketPolicy", "allowed"],
      ["s3:DeleteBucketPolicy", "allowed"],
      ["s3:GetBucketPolicy", "allowed"],
    ]);
    expect(sessions[2].actions).toEqual([
      ["sqs:GetQueueAttributes", "allowed"],
      ["sqs:SetQueueAttributes", "allowed"],
      ["sqs:GetQueueAttributes", "allowed"],
    ]);

    // WHEN they are unlocked again THEN there is nothing to unlock
    const again = rootTask(["unlock-bucket-policy", "--account", member, "--bucket", "locked-bucket"]);
    expect(again.code).toBe(0);
    expect(again.stdout).toBe(`${member}: bucket locked-bucket has no policy: nothing to unlock.\n`);
    // AND a bucket that does not exist is an error that changed nothing
    const missing = rootTask(["unlock-bucket-policy", "--account", member, "--bucket", "no-such-bucket"]);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toBe(
      "root-task: error: bucket no-such-bucket does not exist in that account (or not where its name or URL says). Nothing was changed.\n",
    );
  });

  it("killed by SIGTERM while the delete is in flight, with --json: the policy is on disk and on stderr, and the document says the delete was sent", async () => {
    // GIVEN a locked queue, and SQS holding the reply to the delete (the emulator's holdReplies knob)
    const { member, queueUrl, queuePolicy } = await lockedOutMember();
    await emulator.configure({ holdReplies: { "sqs:SetQueueAttributes": 1 } });
    const operatorDir = fs.mkdtempSync(path.join(dir, "operator-"));
    // WHEN the unlock runs as npm would (INIT_CWD the operator's folder) and gets SIGTERM while the delete waits
    const { child, finished } = startTracked(
      process.execPath,
      [
        path.join(PROJECT_ROOT, "build", "root-task.js"),
        "unlock-queue-policy",
        "--account",
        member,
        "--queue-url",
        queueUrl,
        "--json",
      ],
      { env: { ...env, INIT_CWD: operatorDir }, cwd: PROJECT_ROOT },
    );
    for (let held = 0; held === 0; held = (await emulator.held()).held) await new Promise((resolve) => setTimeout(resolve, 20));
    child.kill("SIGTERM");
    const result = await finished;
    await emulator.release();
    // THEN it ends with 143, having saved the policy in the operator's folder (0600) and shown it on stderr
    expect(result.code).toBe(143);
    const saved = path.join(operatorDir, `${member}-locked-queue.policy.json`);
    expect(JSON.parse(fs.readFileSync(saved, "utf8"))).toEqual(JSON.parse(queuePolicy));
    expect(fs.statSync(saved).mode & 0o777).toBe(0o600);
    expect(result.stderr).toContain(`root-task: ${member}: the policy of queue ${queueUrl}, as it was:`);
    // AND its failure document says what was done: saved, and the delete sent, its effect unknown
    expect(JSON.parse(result.stdout)).toMatchObject({
      accountId: member,
      status: "failed",
      savedTo: saved,
      deleted: "unknown",
      reason: expect.stringContaining("interrupted by SIGTERM while the delete was in flight"),
    });
  });

  it("refuses the management account, an account outside the organization and a stack without RootSessions, before any session", async () => {
    // GIVEN an organization with a locked member
    const { member, queueUrl } = await lockedOutMember();
    const management = "123456789012";
    const cases: [string[], NodeJS.ProcessEnv, string][] = [
      [["--account", management], {}, `Account ${management} is the management account`],
      [["--account", "999999999999"], {}, "Account 999999999999 is not a member account of"],
      [
        ["--account", member],
        { ROOT_ACCESS_CONFIG: path.join(dir, "RootCredentialsManagement.config.json") },
        'stack "org" does not enable RootSessions, which S3UnlockBucketPolicy needs',
      ],
    ];
    for (const [flags, extraEnv, message] of cases) {
      // WHEN the unlock is asked for THEN it fails with one line naming the fix, and no session was opened
      const result = rootTask(["unlock-bucket-policy", "--bucket", "locked-bucket", ...flags], extraEnv);
      expect(result.code).toBe(1);
      expect(result.stderr).toContain(message);
      expect(result.stderr.trim().split("\n")).toHaveLength(1);
    }
    // AND a queue URL of another account is a usage error
    const other = rootTask(["unlock-queue-policy", "--account", "999999999999", "--queue-url", queueUrl]);
    expect(other.code).toBe(2);
    expect(other.stderr).toContain(`belongs to account ${member}, not --account 999999999999`);
    expect(await emulator.rootSessions()).toEqual([]);
  });

  it("unlocks a bucket whose name has dots behind the emulator's endpoint (by path: it is no host name there)", async () => {
    // GIVEN a member's locked bucket whose name has dots, and AWS_ENDPOINT_URL set to the emulator
    const { member, s3 } = await lockedOutMember();
    await s3.send(new CreateBucketCommand({ Bucket: "locked.with.dots" }));
    await s3.send(new PutBucketPolicyCommand({ Bucket: "locked.with.dots", Policy: denyAll("arn:aws:s3:::locked.with.dots/*") }));
    // WHEN it is unlocked
    const result = rootTask(["unlock-bucket-policy", "--account", member, "--bucket", "locked.with.dots", "--json"]);
    // THEN it is unlocked, and nothing but the document is printed (no SDK message, no stack trace)
    expect(result.code).toBe(0);
    expect(JSON.parse(result.stdout)).toMatchObject({ accountId: member, resource: "locked.with.dots", status: "unlocked" });
    expect(result.stderr).not.toMatch(/Invalid URL|TypeError|\n\s+at /);
  });
});
