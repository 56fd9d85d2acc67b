import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { stripVTControlCharacters } from "node:util";
import { CreateBucketCommand, S3Client } from "@aws-sdk/client-s3";
import { Emulator } from "../../tools/emulator/emulator";
import { clientConfig, readOrganizationState } from "../../tools/emulator/organization-state";
import { terraformEnvironment } from "../../tools/terraform/terraform";
import { copyProject } from "../support/project-copy";
import { credentialsOf } from "../support/aws";
import { seedMembers } from "../support/root-users";
import { PROJECT_ROOT } from "../support/paths";
import { actionsNeedingPermission, callsDuring, writeCalls } from "../support/stack-driver";
import { PolicyDocument, leastPrivilegePolicy, planPolicy } from "../../scripts/policy/least-privilege";
import { loadConfig } from "../../stacks/config/load";

const WORKFLOW = path.join(PROJECT_ROOT, "examples", "github-actions.yml");
const BUCKET = "acme-org-root-access-state";

let emulator: Emulator;
let work: string;

beforeAll(async () => {
  emulator = await Emulator.start();
  work = fs.mkdtempSync(path.join(os.tmpdir(), "root-access-pipeline-"));
});
afterAll(async () => {
  await emulator?.stop();
  if (work) fs.rmSync(work, { recursive: true, force: true });
});

/** One job's `run:` commands, in order (every one is a single line by design). */
function jobCommands(job: string): string[] {
  const text = fs.readFileSync(WORKFLOW, "utf8");
  const start = text.indexOf(`\n  ${job}:\n`);
  if (start < 0) throw new Error(`no job ${job} in ${WORKFLOW}`);
  const next = text.slice(start + 1).search(/\n {2}[\w-]+:\n/);
  const body = next < 0 ? text.slice(start) : text.slice(start, start + 1 + next);
  return [...body.matchAll(/^\s*- run: (.+)$/gm)].map((match) => match[1]);
}

function runSteps(commands: readonly string[], cwd: string, env: NodeJS.ProcessEnv) {
  return commands.map((command) => spawnSync("bash", ["-e", "-c", command], { cwd, env, encoding: "utf8" }));
}

// Three organizations, one stack each: the test credentials' account manages the first; the other two stacks
// assume a role in an account of their own (the emulator issues credentials for any role), which creates its own.
const STACKS = [
  { name: "root-access" },
  { name: "acquired-org", assumeRoleArn: "arn:aws:iam::111122223333:role/OrgRootAccessDeployer" },
  { name: "sandbox-org", assumeRoleArn: "arn:aws:iam::444455556666:role/OrgRootAccessDeployer" },
];

describe("examples/github-actions.yml", () => {
  it("runs its matrix, command for command, for three stacks: list, plan, gate, summary, apply, then the scheduled audit", async () => {
    // GIVEN a checkout as CI clones it (no node_modules) with three stacks, S3 state, a state bucket, and the jobs'
    // environment
    const project = copyProject(path.join(work, "checkout"), { nodeModules: false });
    fs.writeFileSync(
      path.join(project, "root-access.config.json"),
      JSON.stringify({
        stacks: STACKS.map((stack) => ({
          ...stack,
          features: ["RootCredentialsManagement", "RootSessions"],
          backend: { type: "s3", bucket: BUCKET },
        })),
      }),
    );
    await new S3Client({ ...clientConfig(emulator.environment()), forcePathStyle: true }).send(
      new CreateBucketCommand({ Bucket: BUCKET }),
    );
    const base = {
      ...terraformEnvironment(emulator.environment(), work),
      ROOT_ACCESS_CONFIG: "",
      // The emulator serves buckets by path; TF_CLI_ARGS_init adds that without touching the workflow's commands.
      TF_CLI_ARGS_init: "-backend-config=use_path_style=true",
    };
    const summaryOf = (stack: string) => path.join(work, `step-summary-${stack}.md`);
    const envOf = (stack: string) => ({ ...base, STACK: stack, GITHUB_STEP_SUMMARY: summaryOf(stack) });
    // The matrix's jobs share one checkout here: its `npm ci` runs once (each runner would run its own).
    let installed = false;
    const run = (command: string, env: NodeJS.ProcessEnv) => {
      if (command === "npm ci --omit=dev" && installed) return "";
      installed ||= command === "npm ci --omit=dev";
      const result = spawnSync("bash", ["-e", "-c", command], { cwd: project, env, encoding: "utf8" });
      if (result.status !== 0) throw new Error(`step "${command}" exited ${result.status}:\n${result.stdout}\n${result.stderr}`);
      return result.stdout;
    };

    // WHEN the stacks job lists the stacks, as the matrix reads its output
    const listJob = jobCommands("stacks");
    expect(listJob).toEqual(["npm ci --omit=dev", 'echo "list=$(npm run --silent synth -- --list)" >> "$GITHUB_OUTPUT"']);
    const output = path.join(work, "github-output");
    for (const command of listJob) run(command, { ...base, GITHUB_OUTPUT: output });
    const list = JSON.parse(/^list=(.*)$/m.exec(fs.readFileSync(output, "utf8"))![1]) as string[];
    // THEN it is the configuration's stacks, in order: what fromJSON fans the other jobs out over
    expect(list).toEqual(STACKS.map((stack) => stack.name));

    const planJob = jobCommands("plan");
    const applyJob = jobCommands("apply");
    expect([...planJob, ...applyJob]).toEqual([
      "npm ci --omit=dev",
      "npm run synth -- --hcl",
      'terraform -chdir="cdktf.out/stacks/$STACK" init -input=false',
      'terraform -chdir="cdktf.out/stacks/$STACK" plan -input=false -out=tfplan',
      'terraform -chdir="cdktf.out/stacks/$STACK" show -json tfplan > "plan-$STACK.json"',
      'npm run --silent plan-gate -- "plan-$STACK.json"',
      'npm run --silent doctor -- "$STACK" --before-apply',
      'npm run --silent plan-summary -- "plan-$STACK.json" >> "$GITHUB_STEP_SUMMARY"',
      'terraform -chdir="cdktf.out/stacks/$STACK" init -input=false',
      'terraform -chdir="cdktf.out/stacks/$STACK" apply -input=false tfplan',
    ]);
    const config = loadConfig({
      env: { ROOT_ACCESS_CONFIG: path.join(project, "root-access.config.json") },
      projectRoot: project,
    });
    const allowedBy = (document: PolicyDocument) => document.Statement.flatMap((statement) => statement.Action);
    const notAllowed = (calls: Record<string, number>, document: PolicyDocument) =>
      actionsNeedingPermission(calls).filter((action) => !action.startsWith("s3:") && !allowedBy(document).includes(action));

    // WHEN each stack's plan job and then its apply job run every `run:` step, as GitHub's bash would
    for (const stackName of list) {
      const stack = config.stacks.find((candidate) => candidate.name === stackName)!;
      const env = envOf(stackName);
      // The provider lock file the plan job made, which the artifact carries to the apply job.
      const lockFilePath = path.join(project, "cdktf.out", "stacks", stackName, ".terraform.lock.hcl");
      const planned = await callsDuring(emulator, () => Promise.resolve(planJob.map((command) => run(command, env))));
      const lockFile = fs.readFileSync(lockFilePath, "utf8");
      const applied = await callsDuring(emulator, () => Promise.resolve(applyJob.map((command) => run(command, env))));

      // THEN each job called only what its role's policy allows: the plan job's read-only one (npm run policy --
      // --plan, no write to AWS), the apply job's full one (S3 state calls are checked by resource in the unit tests)
      expect({ stackName, notAllowed: notAllowed(planned.calls, planPolicy(stack)) }).toEqual({ stackName, notAllowed: [] });
      expect({ stackName, notAllowed: notAllowed(applied.calls, leastPrivilegePolicy(stack)) }).toEqual({
        stackName,
        notAllowed: [],
      });
      expect(Object.keys(writeCalls(planned.calls)).filter((call) => !call.startsWith("s3:"))).toEqual([]);
      // AND the apply job's init kept the lock file the plan was made with
      expect(lockFile).toContain('provider "registry.terraform.io/hashicorp/aws"');
      expect(fs.readFileSync(lockFilePath, "utf8")).toBe(lockFile);
      // AND the gate passed, the summary says what the plan does, the doctor found nothing, and the apply created
      // the stack's organization
      expect(planned.result[5]).toContain(
        "plan-gate: the plan keeps every organization, trusted service, policy type, delegated administrator, root-user guardrail and root-activity alert.",
      );
      expect(fs.readFileSync(summaryOf(stackName), "utf8")).toContain(
        `## Plan summary: ${stackName}\n### Root access features\n- enable RootCredentialsManagement\n- enable RootSessions\n` +
          "### Organization\n- create aws_organizations_organization.organization\n- trust iam.amazonaws.com",
      );
      expect(fs.existsSync(path.join(project, "cdktf.out", "stacks", stackName, "cdk.hcl"))).toBe(true);
      expect(planned.result[6]).toContain("Centralized root access works here.");
      expect(stripVTControlCharacters(applied.result[1])).toContain(
        "Apply complete! Resources: 4 added, 0 changed, 0 destroyed.",
      );
    }
    // AND there are three organizations, one per stack's account, each with root access
    const accounts = ["123456789012", "111122223333", "444455556666"];
    for (const account of accounts) {
      const credentials =
        account === "123456789012"
          ? emulator.environment()
          : { ...emulator.environment(), ...(await credentialsOf(emulator.environment(), account)) };
      const state = await readOrganizationState(credentials);
      expect({ account, managedBy: state.organization?.managementAccountId, rootAccess: state.rootAccess }).toEqual({
        account,
        managedBy: account,
        rootAccess: { enabledFeatures: ["RootCredentialsManagement", "RootSessions"] },
      });
    }

    // WHEN a member account with a root password joins the first organization, and the scheduled audit job runs
    // for every stack
    const [member] = await seedMembers(emulator, emulator.environment(), ["passwordOnly"]);
    const audit = jobCommands("audit");
    expect(audit).toEqual([
      "npm ci --omit=dev",
      'npm run --silent doctor -- "$STACK"',
      'npm run --silent root-credentials -- audit "$STACK" --markdown >> "$GITHUB_STEP_SUMMARY"',
    ]);
    // One job after another: the emulator counts every caller's calls, so a job's window must hold its own only
    // (concurrent windows made one stack's sts:AssumeRole count against another's plan policy under load).
    const audits = [];
    for (const stackName of list) {
      const { result, calls } = await callsDuring(emulator, () =>
        Promise.resolve(runSteps(audit.slice(1), project, envOf(stackName))),
      );
      audits.push({ stackName, result, calls });
    }
    // THEN the doctor finds nothing wrong anywhere; the first stack's job fails on the audit step (exit 2) naming
    // the account in its step summary, and the others pass
    for (const {
      stackName,
      result: [diagnosis, report],
      calls,
    } of audits) {
      const stack = config.stacks.find((candidate) => candidate.name === stackName)!;
      expect({ stackName, doctor: diagnosis.status, audit: report.status }).toEqual({
        stackName,
        doctor: 0,
        audit: stackName === "root-access" ? 2 : 0,
      });
      expect(diagnosis.stdout).toContain("Centralized root access works here.");
      // (the audit job assumes the plan job's read-only role)
      expect(notAllowed(calls, planPolicy(stack))).toEqual([]);
    }
    expect(fs.readFileSync(summaryOf("root-access"), "utf8")).toContain(`| ${member} | passwordOnly-0 | password |`);
  });
});
