import { DeleteBucketPolicyCommand, GetBucketPolicyCommand, S3Client } from "@aws-sdk/client-s3";
import { DescribeAccountCommand, DescribeOrganizationCommand, OrganizationsClient } from "@aws-sdk/client-organizations";
import { AssumeRootCommand, STSClient } from "@aws-sdk/client-sts";
import { mockClient } from "aws-sdk-client-mock";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { COMMAND_LINE, rootTask } from "../../../scripts/root-task/command";
import { queueUrlProblem } from "../../../scripts/root-task/unlock";

let dir: string;
let config: string;
beforeAll(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), "root-task-command-"));
  config = path.join(dir, "root-access.config.json");
  fs.writeFileSync(config, JSON.stringify({ stacks: [{ name: "org", features: ["RootSessions"] }] }));
});
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

/** Runs the command with no AWS reachable: every case here must end before the first AWS call. */
async function run(...argv: string[]) {
  const stdout: string[] = [];
  const stderr: string[] = [];
  const code = await rootTask(
    {
      argv,
      env: { ROOT_ACCESS_CONFIG: config, AWS_ENDPOINT_URL: "http://127.0.0.1:9", AWS_MAX_ATTEMPTS: "1" },
      io: { stdout: (text) => stdout.push(text), stderr: (text) => stderr.push(text) },
    },
    dir,
  );
  return { code, stdout: stdout.join("\n"), stderr: stderr.join("\n") };
}

describe("npm run root-task's command line", () => {
  it("prints its help and exits 0", async () => {
    expect(await run("--help")).toEqual({ code: 0, stdout: COMMAND_LINE.help, stderr: "" });
  });

  it.each([
    [["unlock-bucket"], "unknown task"],
    [["unlock-bucket-policy", "--bucket", "b"], "unlock-bucket-policy needs --account <id>"],
    [["unlock-bucket-policy", "--account", "12345"], "is not a 12-digit account id"],
    [["unlock-bucket-policy", "--account", "111122223333"], "unlock-bucket-policy needs --bucket <name>"],
    [["unlock-bucket-policy", "--account", "111122223333", "--bucket", "Bad_Name"], "has characters other than lowercase"],
    [["unlock-bucket-policy", "--account", "111122223333", "--bucket", "a..b"], "has two adjacent periods"],
    [["unlock-bucket-policy", "--account", "111122223333", "--bucket", "192.168.5.4"], "is formatted as an IP address"],
    [["unlock-bucket-policy", "--account", "111122223333", "--bucket", "xn--bucket"], "starts with xn--"],
    [["unlock-bucket-policy", "--account", "111122223333", "--bucket", "sthree-b"], "starts with sthree-"],
    [["unlock-bucket-policy", "--account", "111122223333", "--bucket", "amzn-s3-demo-b"], "starts with amzn-s3-demo-"],
    [["unlock-bucket-policy", "--account", "111122223333", "--bucket", "logs-s3alias"], "ends with -s3alias"],
    [["unlock-bucket-policy", "--account", "111122223333", "--bucket", "logs--ol-s3"], "ends with --ol-s3"],
    [["unlock-bucket-policy", "--account", "111122223333", "--bucket", "logs.mrap"], "ends with .mrap"],
    [["unlock-bucket-policy", "--account", "111122223333", "--bucket", "logs--x-s3"], "ends with --x-s3"],
    [["unlock-bucket-policy", "--account", "111122223333", "--bucket", "logs--table-s3"], "ends with --table-s3"],
    [["unlock-bucket-policy", "--account", "111122223333", "--bucket", "logs-"], "does not begin and end with a letter"],
    [["unlock-bucket-policy", "--account", "111122223333", "--bucket", "ab"], "is 2 characters long"],
    [["unlock-bucket-policy", "--account", "111122223333", "--bucket", "a".repeat(64)], "is 64 characters long"],
    [["unlock-bucket-policy", "--account", "111122223333", "--queue-url", "u"], "--queue-url is for unlock-queue-policy"],
    [["unlock-queue-policy", "--account", "111122223333", "--queue-url", "sqs"], "is not a URL"],
    [
      ["unlock-queue-policy", "--account", "111122223333", "--queue-url", "http://127.0.0.1:8/111122223333/q"],
      "is not on the configured SQS endpoint",
    ],
    [
      [
        "unlock-queue-policy",
        "--account",
        "111122223333",
        "--queue-url",
        "http://127.0.0.1:9/444455556666/q/../../111122223333/q",
      ],
      "is not written plainly (it reads as http://127.0.0.1:9/111122223333/q)",
    ],
    [
      ["unlock-queue-policy", "--account", "111122223333", "--queue-url", "http://127.0.0.1:9/111122223333/q?QueueUrl=x"],
      "has a query",
    ],
    [
      ["unlock-queue-policy", "--account", "111122223333", "--queue-url", "http://127.0.0.1:9/111122223333/q#x"],
      "has a fragment",
    ],
    [
      ["unlock-queue-policy", "--account", "111122223333", "--queue-url", "http://127.0.0.1:9/111122223333/q%2Fother"],
      "is not written plainly",
    ],
    [
      ["unlock-queue-policy", "--account", "111122223333", "--queue-url", "http://127.0.0.1:9/111122223333/q.txt"],
      "is not a queue URL",
    ],
    [["unlock-bucket-policy", "--account", "111122223333", "--bucket", "bk1", "--save", ""], "--save needs a file name"],
    [["unlock-bucket-policy", "--account", "111122223333", "--bucket", "bk1", "--save", "-"], "--save - is not a file"],
    [
      ["unlock-bucket-policy", "--account", "111122223333", "--bucket", "bk1", "--dry-run", "--save", "f"],
      "--dry-run deletes nothing",
    ],
    [["unlock-bucket-policy", "--account", "111122223333", "--bucket", "bk1", "--bukcet", "b2"], "--bukcet"],
  ])("refuses %j with exit 2, one line and the usage, before any AWS call", async (argv, message) => {
    // GIVEN no AWS reachable WHEN the command is given the input THEN it is refused before anything is sent
    const result = await run(...argv);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain(message);
    expect(result.stderr).toContain(COMMAND_LINE.synopsis);
    expect(result.stdout).toBe("");
  });

  it("refuses a --save file that exists before reading anything", async () => {
    const existing = path.join(dir, "saved.json");
    fs.writeFileSync(existing, "{}");
    const result = await run("unlock-bucket-policy", "--account", "111122223333", "--bucket", "bk1", "--save", existing);
    expect(result.code).toBe(1);
    expect(result.stderr).toBe(
      `root-task: --save ${existing} exists; name a new file (a saved policy is never overwritten). Nothing was done.`,
    );
  });
});

describe("where a root session's credentials may go", () => {
  it("takes a queue URL only on SQS's own https hosts, or on the configured endpoint", () => {
    expect(queueUrlProblem("https://sqs.eu-west-1.amazonaws.com/111122223333/q", undefined)).toBeUndefined();
    expect(queueUrlProblem("https://sqs.cn-north-1.amazonaws.com.cn/111122223333/q", undefined)).toBeUndefined();
    expect(queueUrlProblem("https://us-east-1.queue.amazonaws.com/111122223333/q", undefined)).toBeUndefined();
    expect(queueUrlProblem("http://sqs.eu-west-1.amazonaws.com/111122223333/q", undefined)).toBe("is not https");
    expect(queueUrlProblem("https://sqs.us-east-1.amazonaws.com.evil.example/111122223333/q", undefined)).toBe(
      "is not on an SQS host (sqs.<region>.amazonaws.com)",
    );
    expect(queueUrlProblem("http://127.0.0.1:4566/111122223333/q", "http://127.0.0.1:4566")).toBeUndefined();
  });
});

describe("an unlock that is interrupted, or saves where the operator is", () => {
  const organizations = mockClient(OrganizationsClient);
  const sts = mockClient(STSClient);
  const s3 = mockClient(S3Client);
  const ACCOUNT = "111122223333";
  const POLICY = '{"Version":"2012-10-17","Statement":[{"Effect":"Deny","Principal":"*","Action":"*","Resource":"*"}]}';
  beforeEach(() => {
    for (const mock of [organizations, sts, s3]) mock.reset();
    organizations
      .on(DescribeOrganizationCommand)
      .resolves({ Organization: { Id: "o-a1b2c3d4e5", MasterAccountId: "999999999999" } });
    organizations.on(DescribeAccountCommand).resolves({ Account: { Id: ACCOUNT, Status: "ACTIVE" } });
    sts.on(AssumeRootCommand).resolves({
      Credentials: { AccessKeyId: "ASIA", SecretAccessKey: "s", SessionToken: "t", Expiration: new Date(Date.now() + 900_000) },
    });
    s3.on(GetBucketPolicyCommand).resolves({ Policy: POLICY });
  });
  afterAll(() => [organizations, sts, s3].forEach((mock) => mock.restore()));

  /** The command, with a signal that arrives when `interruptAt` is called (from inside an S3 call). */
  function interruptible(argv: string[], operatorDir: string) {
    const stdout: string[] = [];
    const stderr: string[] = [];
    let say: ((signal: "SIGINT" | "SIGTERM") => void) | undefined;
    const interruptAt = (signal: "SIGINT" | "SIGTERM") => say?.(signal);
    const running = rootTask(
      {
        argv,
        env: { ROOT_ACCESS_CONFIG: config, AWS_REGION: "us-east-1", INIT_CWD: operatorDir },
        io: { stdout: (text) => stdout.push(text), stderr: (text) => stderr.push(text) },
        onInterrupt: (handler) => {
          say = handler;
          return () => (say = undefined);
        },
      },
      dir,
    );
    return { running, interruptAt, stdout, stderr };
  }

  it("with --json, interrupted while the delete is in flight: the policy was on disk and stderr first, and the document says so", async () => {
    // GIVEN an operator in their own folder, and a SIGTERM that arrives while the delete is in flight
    const operatorDir = fs.mkdtempSync(path.join(os.tmpdir(), "operator-"));
    const run = interruptible(["unlock-bucket-policy", "--account", ACCOUNT, "--bucket", "locked", "--json"], operatorDir);
    s3.on(DeleteBucketPolicyCommand).callsFake(() => {
      run.interruptAt("SIGTERM");
      return new Promise(() => undefined); // never answers: the process ends on the signal
    });
    void run.running;
    await new Promise((resolve) => setTimeout(resolve, 50));
    // THEN the policy was printed on stderr as soon as it was read, and saved, 0600, in the operator's folder
    const saved = path.join(operatorDir, `${ACCOUNT}-locked.policy.json`);
    expect(fs.readFileSync(saved, "utf8")).toBe(POLICY);
    expect(fs.statSync(saved).mode & 0o777).toBe(0o600);
    expect(run.stderr[0]).toBe(`root-task: ${ACCOUNT}: the policy of bucket locked, as it was:\n${POLICY}`);
    // AND the failure document says what was done: saved, and the delete sent without knowing whether it took effect
    expect(JSON.parse(run.stdout.join("\n"))).toEqual({
      accountId: ACCOUNT,
      resource: "bucket locked",
      status: "failed",
      policy: POLICY,
      savedTo: saved,
      deleted: "unknown",
      reason:
        "interrupted by SIGTERM while the delete was in flight: the policy may or may not be deleted; read it " +
        `(aws s3api get-bucket-policy, aws sqs get-queue-attributes) to know. It is saved in ${saved}.`,
    });
    fs.rmSync(operatorDir, { recursive: true, force: true });
  });

  it("interrupted during the verifying read: the document says the policy was deleted and where it is", async () => {
    const operatorDir = fs.mkdtempSync(path.join(os.tmpdir(), "operator-"));
    const run = interruptible(["unlock-bucket-policy", "--account", ACCOUNT, "--bucket", "locked", "--json"], operatorDir);
    s3.on(DeleteBucketPolicyCommand).resolves({});
    s3.on(GetBucketPolicyCommand)
      .resolvesOnce({ Policy: POLICY })
      .callsFake(() => {
        run.interruptAt("SIGINT");
        return new Promise(() => undefined);
      });
    void run.running;
    await new Promise((resolve) => setTimeout(resolve, 50));
    const document = JSON.parse(run.stdout.join("\n"));
    expect(document).toMatchObject({ status: "failed", deleted: true, policy: POLICY });
    expect(document.reason).toBe(
      `interrupted by SIGINT after the policy was deleted, before it was verified. It is saved in ${document.savedTo}.`,
    );
    fs.rmSync(operatorDir, { recursive: true, force: true });
  });

  it("takes --save relative to the folder npm was run from", async () => {
    // GIVEN an operator in their own folder who names a relative file
    const operatorDir = fs.mkdtempSync(path.join(os.tmpdir(), "operator-"));
    s3.on(GetBucketPolicyCommand).resolvesOnce({ Policy: POLICY }).rejects({ name: "NoSuchBucketPolicy" });
    s3.on(DeleteBucketPolicyCommand).resolves({});
    const run = interruptible(
      ["unlock-bucket-policy", "--account", ACCOUNT, "--bucket", "locked", "--save", "saved/policy.json"],
      operatorDir,
    );
    fs.mkdirSync(path.join(operatorDir, "saved"));
    // WHEN it unlocks THEN the file is in the operator's folder
    expect(await run.running).toBe(0);
    expect(fs.readFileSync(path.join(operatorDir, "saved", "policy.json"), "utf8")).toBe(POLICY);
    fs.rmSync(operatorDir, { recursive: true, force: true });
  });
});
