import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { synth } from "../../../main";
import { Invocation } from "../../../scripts/command-line/command-line";
import { doctor } from "../../../scripts/doctor/command";
import { drift } from "../../../scripts/drift/command";
import { planGate } from "../../../scripts/plan-gate/command";
import { planSummary } from "../../../scripts/plan-summary/command";
import { policy } from "../../../scripts/policy/command";
import type { PolicyDocument } from "../../../scripts/policy/least-privilege";
import { execute } from "../../../scripts/root-access/command";
import { rootCredentials } from "../../../scripts/root-credentials/command";

// Every command keeps the same conventions (scripts/command-line/command-line.ts): --help prints the usage and exits 0, an
// unknown flag or a stray argument prints one line and the synopsis and exits non-zero, and nothing is run.

const root = fs.mkdtempSync(path.join(os.tmpdir(), "root-access-command-line-"));
afterAll(() => fs.rmSync(root, { recursive: true, force: true }));

type Command = (invocation: Invocation) => Promise<number> | number;

const COMMANDS: [string, Command, string, number][] = [
  ["synth", (invocation) => synth(invocation), "Usage: npm run synth [-- --hcl] [--quiet] [--list]", 2],
  ["plan-gate", (invocation) => planGate(invocation), "Usage: npm run plan-gate -- <plan.json>", 2],
  ["plan-summary", planSummary, "Usage: npm run plan-summary -- <plan.json>", 2],
  [
    "policy",
    (invocation) => policy(invocation, root),
    "Usage: npm run policy -- [<stack>] [--plan | --break-glass | --delegated-administrator]",
    2,
  ],
  // drift's 2 means drift, so its usage errors exit 1
  ["drift", (invocation) => drift(invocation, root), "Usage: npm run drift -- [<stack>]", 1],
];

async function run(command: Command, argv: string[]) {
  const stdout: string[] = [];
  const stderr: string[] = [];
  const env = { ROOT_ACCESS_CONFIG: "", CDKTF_OUTDIR: path.join(root, "out") };
  const code = await command({ argv, env, io: { stdout: (t) => stdout.push(t), stderr: (t) => stderr.push(t) } });
  return { code, stdout: stdout.join("\n"), stderr: stderr.join("\n") };
}

describe.each(COMMANDS)("%s", (name, command, synopsis, usageExit) => {
  it("prints its usage for --help and -h, and exits 0", async () => {
    for (const flag of ["--help", "-h"]) {
      const result = await run(command, [flag]);
      expect(result).toMatchObject({ code: 0, stderr: "" });
      expect(result.stdout.startsWith(synopsis.split(" [")[0].split(" <")[0])).toBe(true);
    }
  });

  it("refuses an unknown flag with one line and the synopsis, running nothing", async () => {
    const result = await run(command, ["--hlc"]);
    expect(result).toEqual({ code: usageExit, stdout: "", stderr: `${name}: unknown flag --hlc\n${synopsis} (--help for more)` });
    expect(fs.existsSync(path.join(root, "out"))).toBe(false);
  });

  it("refuses a stray argument the same way", async () => {
    const result = await run(command, ["a", "b", "c"]);
    expect(result).toEqual({
      code: usageExit,
      stdout: "",
      stderr: `${name}: unexpected argument ${name === "synth" ? '"a"' : name.startsWith("plan") ? '"b"' : '"b"'}\n${synopsis} (--help for more)`,
    });
  });
});

describe("commands that call AWS", () => {
  // Each is run as its user would run it; a malformed endpoint must be one line, never the SDK's stack trace.
  const AWS_COMMANDS: [string, Command, string[]][] = [
    ["doctor", (invocation) => doctor(invocation, root), []],
    ["root-credentials", (invocation) => rootCredentials(invocation, root), ["audit"]],
    ["drift", (invocation) => drift(invocation, root), []],
    ["plan-gate", (invocation) => planGate(invocation), [path.join(root, "plan.json")]],
    ["root-access", execute, ["check", "RootSessions"]],
  ];

  it.each(AWS_COMMANDS)(
    "%s: a malformed AWS_ENDPOINT_URL is one line naming it, exit 1, no call made",
    async (_, command, argv) => {
      for (const [name, value] of [
        ["AWS_ENDPOINT_URL", "localhost:4566"],
        ["AWS_ENDPOINT_URL_STS", "http://[::1"],
        ["AWS_ENDPOINT_URL", " "],
      ]) {
        const stderr: string[] = [];
        const code = await command({
          argv,
          env: { ROOT_ACCESS_CONFIG: "", AWS_REGION: "us-east-1", [name]: value },
          io: { stdout: () => undefined, stderr: (text) => stderr.push(text) },
        });
        // One line; the program (and drift, which runs it) adds its usage line, the environment being part of it.
        const [first, ...rest] = stderr.join("\n").split("\n");
        expect(code).toBe(1);
        expect(first).toContain(`${name} ${JSON.stringify(value)} is not an http(s) URL`);
        expect(rest.every((line) => line.startsWith("Usage: root-access"))).toBe(true);
      }
    },
  );

  it("root-credentials: a single-value flag given twice is a usage error, never 'the last one wins'", async () => {
    const stderr: string[] = [];
    const code = await rootCredentials(
      {
        argv: ["remove", "--account", "111122223333", "--account", "444455556666"],
        env: { ROOT_ACCESS_CONFIG: "" },
        io: { stdout: () => undefined, stderr: (t) => stderr.push(t) },
      },
      root,
    );
    expect(code).toBe(1);
    expect(stderr.join("\n")).toContain("root-credentials: --account is given twice; give it once");
  });

  it("the program: a flag given twice is a usage error too", async () => {
    const stderr: string[] = [];
    const code = await execute({
      argv: ["check", "--region", "us-east-1", "--region", "eu-west-1"],
      env: {},
      io: { stdout: () => undefined, stderr: (t) => stderr.push(t) },
    });
    expect(code).toBe(1);
    expect(stderr.join("\n")).toContain("Invalid command line: --region is given twice; give it once.");
  });
});

describe("synth", () => {
  it("--list prints the stacks' names as one JSON array, in configuration order, and synthesizes nothing", async () => {
    // GIVEN a configuration of three organizations
    const config = path.join(root, "three.config.json");
    const stacks = ["prod-org", "sandbox-org", "acquired-org"];
    fs.writeFileSync(config, JSON.stringify({ stacks: stacks.map((name) => ({ name, region: "eu-west-1" })) }));
    const stdout: string[] = [];
    // WHEN the matrix job lists them
    const code = await synth({
      argv: ["--list"],
      env: { ROOT_ACCESS_CONFIG: config, CDKTF_OUTDIR: path.join(root, "out") },
      io: { stdout: (t) => stdout.push(t), stderr: (t) => stdout.push(t) },
    });
    // THEN one line, a JSON array a CI matrix reads with fromJSON, and no stack folder
    expect(code).toBe(0);
    expect(stdout).toEqual([JSON.stringify(stacks)]);
    expect(fs.existsSync(path.join(root, "out"))).toBe(false);
  });

  it("fails in one line, writing nothing, when CDKTF_OUTDIR's parent folder does not exist", async () => {
    const outdir = path.join(root, "no", "such", "cdktf.out");
    const stderr: string[] = [];
    const code = await synth({
      argv: [],
      env: { ROOT_ACCESS_CONFIG: "", CDKTF_OUTDIR: outdir },
      io: { stdout: () => undefined, stderr: (t) => stderr.push(t) },
    });
    expect(code).toBe(1);
    expect(stderr).toEqual([
      `CDKTF_OUTDIR names ${outdir}, but ${path.dirname(outdir)} does not exist. Create it, or point CDKTF_OUTDIR at a folder that can be created.`,
    ]);
    expect(fs.existsSync(path.join(root, "no"))).toBe(false);
  });
});

describe("policy", () => {
  it("prints the full policy by default and the plan job's read-only one with --plan", async () => {
    const full = JSON.parse((await run((invocation) => policy(invocation, root), [])).stdout) as PolicyDocument;
    const planOnly = await run((invocation) => policy(invocation, root), ["--plan"]);
    expect(planOnly.code).toBe(0);
    const plan = JSON.parse(planOnly.stdout) as PolicyDocument;
    const actions = (document: PolicyDocument) => document.Statement.flatMap((statement) => statement.Action);
    expect(actions(full)).toContain("organizations:CreateOrganization");
    expect(actions(plan)).not.toContain("organizations:CreateOrganization");
    expect(actions(plan)).toContain("organizations:DescribeOrganization");
  });

  it("says in one line that a stack without IAM's delegated administrator's role has no such policy", async () => {
    const result = await run((invocation) => policy(invocation, root), ["--delegated-administrator"]);
    expect(result).toEqual({
      code: 1,
      stdout: "",
      stderr:
        "policy: stack root-access assumes no role in IAM's delegated administrator's account (it needs delegatedAdministratorAccountId and rootActivityAlerts.delegatedAdministratorRoleName)",
    });
    const both = await run((invocation) => policy(invocation, root), ["--plan", "--delegated-administrator"]);
    expect(both.stderr.split("\n")[0]).toBe("policy: one of --plan, --break-glass and --delegated-administrator");
  });
});
