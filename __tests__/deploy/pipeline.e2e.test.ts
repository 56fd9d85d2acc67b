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

describe("examples/github-actions.yml", () => {
  it("runs, command for command, against the emulator: plan, gate, summary, apply of the saved plan, then the scheduled audit", async () => {
    // GIVEN a checkout as CI clones it (no node_modules) with an S3 backend in its config, a state bucket, and the
    // job's environment
    const project = copyProject(path.join(work, "checkout"), { nodeModules: false });
    fs.writeFileSync(
      path.join(project, "root-access.config.json"),
      JSON.stringify({
        stacks: [
          {
            name: "root-access",
            features: ["RootCredentialsManagement", "RootSessions"],
            backend: { type: "s3", bucket: BUCKET },
          },
        ],
      }),
    );
    await new S3Client({ ...clientConfig(emulator.environment()), forcePathStyle: true }).send(
      new CreateBucketCommand({ Bucket: BUCKET }),
    );
    const summaryFile = path.join(work, "step-summary.md");
    const env = {
      ...terraformEnvironment(emulator.environment(), work),
      STACK: "root-access",
      GITHUB_STEP_SUMMARY: summaryFile,
      ROOT_ACCESS_CONFIG: "",
      // The emulator serves buckets by path; TF_CLI_ARGS_init adds that without touching the workflow's commands.
      TF_CLI_ARGS_init: "-backend-config=use_path_style=true",
    };

    // WHEN every `run:` step executes in order, as GitHub's bash would run it
    const commands = [...jobCommands("plan"), ...jobCommands("apply")];
    expect(commands).toEqual([
      "npm ci --omit=dev",
      "npm run synth -- --hcl",
      'terraform -chdir="cdktf.out/stacks/$STACK" init -input=false',
      'terraform -chdir="cdktf.out/stacks/$STACK" plan -input=false -out=tfplan',
      'terraform -chdir="cdktf.out/stacks/$STACK" show -json tfplan > plan.json',
      "npm run --silent plan-gate -- plan.json",
      'npm run --silent doctor -- "$STACK" --before-apply',
      'npm run --silent plan-summary -- plan.json >> "$GITHUB_STEP_SUMMARY"',
      'terraform -chdir="cdktf.out/stacks/$STACK" init -input=false',
      'terraform -chdir="cdktf.out/stacks/$STACK" apply -input=false tfplan',
    ]);
    const planJob = jobCommands("plan");
    // The provider lock file the plan job made, which the artifact carries to the apply job.
    const lockFilePath = path.join(project, "cdktf.out", "stacks", "root-access", ".terraform.lock.hcl");
    let lockFile = "";
    const outputs: string[] = [];
    const callsOf: Record<string, Record<string, number>> = {};
    for (const [job, steps] of [
      ["plan", planJob],
      ["apply", commands.slice(planJob.length)],
    ] as const) {
      if (job === "apply") lockFile = fs.readFileSync(lockFilePath, "utf8");
      ({ calls: callsOf[job] } = await callsDuring(emulator, () => {
        for (const command of steps) {
          const result = spawnSync("bash", ["-e", "-c", command], { cwd: project, env, encoding: "utf8" });
          outputs.push(result.stdout);
          if (result.status !== 0)
            throw new Error(`step "${command}" exited ${result.status}:\n${result.stdout}\n${result.stderr}`);
        }
        return Promise.resolve();
      }));
    }

    // THEN each job called only what its role's policy allows: the plan job's read-only one (npm run policy --
    // --plan, no write to AWS), the apply job's full one (S3 state calls are checked by resource in the unit tests)
    const config = loadConfig({
      env: { ROOT_ACCESS_CONFIG: path.join(project, "root-access.config.json") },
      projectRoot: project,
    });
    const [stack] = config.stacks;
    const allowedBy = (document: PolicyDocument) => document.Statement.flatMap((statement) => statement.Action);
    const notAllowed = (calls: Record<string, number>, document: PolicyDocument) =>
      actionsNeedingPermission(calls).filter((action) => !action.startsWith("s3:") && !allowedBy(document).includes(action));
    expect(notAllowed(callsOf.plan, planPolicy(stack))).toEqual([]);
    expect(notAllowed(callsOf.apply, leastPrivilegePolicy(stack))).toEqual([]);
    expect(Object.keys(writeCalls(callsOf.plan)).filter((call) => !call.startsWith("s3:"))).toEqual([]);
    // AND the apply job's init kept the lock file the plan was made with
    expect(lockFile).toContain('provider "registry.terraform.io/hashicorp/aws"');
    expect(fs.readFileSync(lockFilePath, "utf8")).toBe(lockFile);

    // THEN the gate passed, the summary says what the plan does, and root access is enabled
    expect(outputs[5]).toContain(
      "plan-gate: the plan keeps every organization, trusted service, policy type, delegated administrator and root-user guardrail.",
    );
    expect(fs.readFileSync(summaryFile, "utf8")).toContain(
      "## Plan summary: root-access\n### Root access features\n- enable RootCredentialsManagement\n- enable RootSessions\n### Organization\n- create aws_organizations_organization.organization\n- trust iam.amazonaws.com",
    );
    expect(fs.existsSync(path.join(project, "cdktf.out", "stacks", "root-access", "cdk.hcl"))).toBe(true);
    expect(outputs[6]).toContain("Centralized root access works here.");
    expect(stripVTControlCharacters(outputs[9])).toContain("Apply complete! Resources: 4 added, 0 changed, 0 destroyed.");
    expect((await readOrganizationState(emulator.environment())).rootAccess).toEqual({
      enabledFeatures: ["RootCredentialsManagement", "RootSessions"],
    });

    // WHEN a member account with a root password joins, and the scheduled audit job runs
    const [member] = await seedMembers(emulator, emulator.environment(), ["passwordOnly"]);
    const audit = jobCommands("audit");
    expect(audit).toEqual([
      "npm ci --omit=dev",
      'npm run --silent doctor -- "$STACK"',
      'npm run --silent root-credentials -- audit "$STACK" --markdown >> "$GITHUB_STEP_SUMMARY"',
    ]);
    const {
      result: [install, diagnosis, report],
      calls: auditCalls,
    } = await callsDuring(emulator, () => Promise.resolve(runSteps(audit, project, env)));
    // (the audit job assumes the plan job's read-only role: its root sessions are the audit task's)
    expect(auditCalls).toHaveProperty(["sts:AssumeRoot"]);
    expect(notAllowed(auditCalls, planPolicy(stack))).toEqual([]);
    // THEN the doctor finds nothing wrong, the job fails on the audit step (exit 2), and the step summary names the account
    expect(install.status).toBe(0);
    expect(diagnosis.stdout).toContain("Centralized root access works here.");
    expect(diagnosis.status).toBe(0);
    expect(report.status).toBe(2);
    expect(fs.readFileSync(summaryFile, "utf8")).toContain(`| ${member} | passwordOnly-0 | password |`);
  });
});
