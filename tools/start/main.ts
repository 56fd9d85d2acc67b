import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { silenceSdkNodeVersionNotice } from "../../scripts/aws/sdk-notice";
import { EXIT_CODES, parseCommandLine, reportFailure } from "../../scripts/command-line/command-line";
import { projectRoot } from "../../stacks/config/project-root";
import { Emulator } from "../emulator/emulator";
import { OrganizationState, readOrganizationState } from "../emulator/organization-state";
import { Terraform, describeFailure, requireTerraform, stopTerraformRuns, terraformEnvironment } from "../terraform/terraform";
import { COMMAND_LINE } from "./usage";

// `npm start`: the whole setup on a laptop with no AWS account. Starts the local emulator, synthesizes the
// project's configuration, runs terraform init and apply against the emulator, prints a summary, shows that a
// second plan is clean, and stops the emulator. Everything it writes (cdktf.out, state) lives in a temporary
// folder, so it can never mix with the state of a real deployment. Interrupted (Ctrl-C, a closed output pipe),
// it stops terraform and the emulator and removes that folder before it exits.

/** Exit codes of an interrupted run, as shells report them. */
const INTERRUPTED: Record<string, number> = { SIGINT: 130, SIGTERM: 143, SIGHUP: 129, EPIPE: 1 };

const log = (line = "") => process.stdout.write(`${line}\n`);

/** What to undo when the run ends, however it ends. */
const cleanups: (() => unknown)[] = [];
let stopping: Promise<void> | undefined;

function stop(): Promise<void> {
  stopping ??= (async () => {
    await stopTerraformRuns();
    for (const cleanup of cleanups.reverse()) await cleanup();
  })();
  return stopping;
}

function interrupt(reason: string): void {
  void stop().then(() => process.exit(INTERRUPTED[reason] ?? 1));
}

async function main(argv: readonly string[]): Promise<number> {
  try {
    if (parseCommandLine(COMMAND_LINE, argv).help) {
      log(COMMAND_LINE.help);
      return EXIT_CODES.ok;
    }
  } catch (error) {
    return reportFailure(COMMAND_LINE, error, { stdout: log, stderr: (text) => process.stderr.write(`${text}\n`) });
  }
  const started = Date.now();
  silenceSdkNodeVersionNotice();
  requireTerraform();
  const work = fs.mkdtempSync(path.join(os.tmpdir(), "org-root-access-start-"));
  cleanups.push(() => fs.rmSync(work, { recursive: true, force: true }));
  const timings: string[] = [];
  const step = async <T>(label: string, run: () => Promise<T> | T): Promise<T> => {
    log(`org-root-access: ${label}...`);
    const t0 = Date.now();
    const result = await run();
    // Interrupted meanwhile: the handler is stopping everything and will exit; say nothing more.
    if (stopping) await new Promise(() => undefined);
    timings.push(`${label.split(" ")[0]} ${seconds(Date.now() - t0)}`);
    log(`org-root-access: ${label} done in ${seconds(Date.now() - t0)}`);
    return result;
  };

  const emulator = await step("starting the local AWS emulator (moto with the root access extension)", () => Emulator.start());
  timings.length = 0;
  cleanups.push(() => emulator.stop());
  const env = terraformEnvironment(emulator.environment(), work);
  const outdir = path.join(work, "cdktf.out");
  const stacks = await step("synth", () => synthesize(env, outdir));
  for (const stack of stacks) {
    const terraform = new Terraform(path.join(outdir, "stacks", stack), env, work);
    const before = await readOrganizationState(env);
    await step(`init of stack "${stack}"`, () => terraform.init());
    const applied = await step(`apply of stack "${stack}" against ${emulator.endpoint}`, () => terraform.apply());
    if (applied.code !== 0) {
      log(describeFailure(applied));
      return EXIT_CODES.failed;
    }
    const after = await readOrganizationState(env);
    const plan = await step(`plan of stack "${stack}"`, () => terraform.plan());
    printSummary(stack, emulator.endpoint, before, after, plan.code, [...timings, `total ${seconds(Date.now() - started)}`]);
    if (plan.code !== 0) {
      log(describeFailure(plan));
      return EXIT_CODES.failed;
    }
    const diagnosis = await step(`doctor for stack "${stack}"`, () => runDoctor(env, stack));
    log();
    log(diagnosis.stdout.trimEnd());
    if (diagnosis.status !== 0) return EXIT_CODES.failed;
  }
  log();
  log("This ran against a local emulator, not AWS: nothing in any real account was touched.");
  log("To enable root access in a real organization, use its management account's credentials:");
  log("  export AWS_PROFILE=<management account profile>");
  log("  npx cdktf deploy root-access        (see docs/operations/deploying.md)");
  log("The default mode creates the organization. If the account already belongs to one (most do), set");
  log('organization.mode to "adopt" and organization.id to its id (aws organizations describe-organization).');
  return EXIT_CODES.ok;
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

// npm run doctor for the stack, as an operator would run it next: what would stop central root sessions.
function runDoctor(env: NodeJS.ProcessEnv, stack: string) {
  return spawnSync(process.execPath, [path.join(projectRoot(), "build", "doctor.js"), stack], {
    cwd: projectRoot(),
    env,
    encoding: "utf8",
  });
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

for (const signal of ["SIGINT", "SIGTERM", "SIGHUP"] as const) {
  process.once(signal, () => {
    process.stderr.write(`\norg-root-access: ${signal}: stopping terraform and the emulator, removing the temporary folder...\n`);
    interrupt(signal);
  });
}
for (const stream of [process.stdout, process.stderr]) {
  // `npm start | head`: the reader went away; stop everything as for Ctrl-C.
  stream.on("error", (error: NodeJS.ErrnoException) => {
    if (error.code === "EPIPE") interrupt("EPIPE");
    else throw error;
  });
}

main(process.argv.slice(2))
  .then((code) => stop().then(() => code))
  .then(
    (code) => {
      process.exitCode = code;
    },
    async (error: Error) => {
      await stop();
      process.stderr.write(`org-root-access: ${error.message}\n`);
      process.exitCode = 1;
    },
  );
