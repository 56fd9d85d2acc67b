import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { silenceSdkNodeVersionNotice } from "../../scripts/root-access/sdk-notice";
import { projectRoot } from "../../stacks/config/project-root";
import { Emulator } from "../emulator/emulator";
import { OrganizationState, readOrganizationState } from "../emulator/organization-state";
import { Terraform, describeFailure, requireTerraform, terraformEnvironment } from "../terraform/terraform";

// `npm start`: the whole setup on a laptop with no AWS account. Starts the local emulator, synthesizes the
// project's configuration, runs terraform init and apply against the emulator, prints a summary, shows that a
// second plan is clean, and stops the emulator. Everything it writes (cdktf.out, state) lives in a temporary
// folder, so it can never mix with the state of a real deployment.

const log = (line = "") => process.stdout.write(`${line}\n`);

async function main(): Promise<number> {
  const started = Date.now();
  silenceSdkNodeVersionNotice();
  requireTerraform();
  log("org-root-access: starting the local AWS emulator (moto with the root access extension)...");
  const emulator = await Emulator.start();
  const work = fs.mkdtempSync(path.join(os.tmpdir(), "org-root-access-start-"));
  try {
    const env = terraformEnvironment(emulator.environment(), work);
    const timings: string[] = [];
    const timed = async <T>(label: string, step: () => Promise<T> | T): Promise<T> => {
      const t0 = Date.now();
      const result = await step();
      timings.push(`${label} ${seconds(Date.now() - t0)}`);
      return result;
    };

    const outdir = path.join(work, "cdktf.out");
    const stacks = await timed("synth", () => synthesize(env, outdir));
    for (const stack of stacks) {
      const terraform = new Terraform(path.join(outdir, "stacks", stack), env, work);
      const before = await readOrganizationState(env);
      await timed("init", () => terraform.init());
      log(`org-root-access: terraform apply of stack "${stack}" against ${emulator.endpoint}...`);
      const applied = await timed("apply", () => terraform.apply());
      if (applied.code !== 0) {
        log(describeFailure(applied));
        return 1;
      }
      const after = await readOrganizationState(env);
      const plan = await timed("plan", () => terraform.plan());
      printSummary(stack, emulator.endpoint, before, after, plan.code, [...timings, `total ${seconds(Date.now() - started)}`]);
      if (plan.code !== 0) {
        log(describeFailure(plan));
        return 1;
      }
    }
    log();
    log("This ran against a local emulator, not AWS: nothing in any real account was touched.");
    log("To enable root access in a real organization, use its management account's credentials:");
    log("  export AWS_PROFILE=<management account profile>");
    log("  npx cdktf deploy root-access        (see README: Deploying to a real organization)");
    return 0;
  } finally {
    await emulator.stop();
    fs.rmSync(work, { recursive: true, force: true });
  }
}

function synthesize(env: NodeJS.ProcessEnv, outdir: string): string[] {
  const result = spawnSync(process.execPath, [path.join(projectRoot(), "build", "main.js")], {
    cwd: projectRoot(),
    env: { ...env, CDKTF_OUTDIR: outdir },
    encoding: "utf8",
  });
  if (result.status !== 0) {
    throw new Error(`synth failed:\n${result.stderr}`);
  }
  const manifest = JSON.parse(fs.readFileSync(path.join(outdir, "manifest.json"), "utf8")) as { stacks: Record<string, unknown> };
  return Object.keys(manifest.stacks);
}

function printSummary(
  stack: string,
  endpoint: string,
  before: OrganizationState,
  after: OrganizationState,
  planCode: number,
  timings: string[],
): void {
  const org = after.organization;
  log();
  log(`org-root-access: stack "${stack}" applied against the LOCAL EMULATOR`);
  log(`  Emulator        ${endpoint} (moto, not AWS)`);
  log(
    `  Organization    ${org ? `${org.id} (feature set ${org.featureSet}, management account ${org.managementAccountId})` : "none"}`,
  );
  log(`  Trusted access  ${after.trustedServices.join(", ") || "none"}`);
  log(`  Root access     before: ${describeFeatures(before)}`);
  log(`                  after:  ${describeFeatures(after)}`);
  log(`  Plan after      ${planCode === 0 ? "clean: nothing left to change" : `NOT clean (terraform plan exit ${planCode})`}`);
  log(`  Time            ${timings.join(", ")}`);
}

function describeFeatures(state: OrganizationState): string {
  if (!state.organization) return "no organization yet";
  if ("error" in state.rootAccess) return `not available (${state.rootAccess.error})`;
  return state.rootAccess.enabledFeatures.join(", ") || "no features enabled";
}

function seconds(ms: number): string {
  return `${(ms / 1000).toFixed(1)} s`;
}

main().then(
  (code) => {
    process.exitCode = code;
  },
  (error: Error) => {
    process.stderr.write(`org-root-access: ${error.message}\n`);
    process.exitCode = 1;
  },
);
