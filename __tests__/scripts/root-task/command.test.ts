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
    [["unlock-bucket-policy", "--account", "111122223333", "--bucket", "Bad_Name"], "is not an S3 bucket name"],
    [["unlock-bucket-policy", "--account", "111122223333", "--queue-url", "u"], "--queue-url is for unlock-queue-policy"],
    [["unlock-queue-policy", "--account", "111122223333", "--queue-url", "sqs"], "is not a URL"],
    [
      ["unlock-queue-policy", "--account", "111122223333", "--queue-url", "http://127.0.0.1:8/111122223333/q"],
      "is not on the configured SQS endpoint",
    ],
    [["unlock-bucket-policy", "--account", "111122223333", "--bucket", "bk1", "--save", ""], "--save needs a file name"],
    [
      ["unlock-bucket-policy", "--account", "111122223333", "--bucket", "bk1", "--dry-run", "--save", "f"],
      "--dry-run deletes nothing",
    ],
    [["unlock-bucket-policy", "--account", "111122223333", "--bucket", "bk1", "--bukcet", "b2"], "--bukcet"],
  ])("refuses %j with exit 2, one line and the usage", async (argv, message) => {
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
