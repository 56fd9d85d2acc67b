import { execSync, spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { CreateOrganizationCommand, EnableAWSServiceAccessCommand, OrganizationsClient } from "@aws-sdk/client-organizations";
import { silenceSdkNodeVersionNotice } from "../../scripts/aws/sdk-notice";
import { projectRoot } from "../../stacks/config/project-root";
import { Emulator } from "../emulator/emulator";
import { clientConfig } from "../emulator/organization-state";
import { terraformEnvironment } from "../terraform/terraform";
import { alertsFigures } from "./alerts";
import { createTemplateBaseline } from "./baseline";
import { Row, mergeReport, table, verdict } from "./benchmarks-file";
import { BenchFailure, Figure, Sample, Subject, measure, measureInTurns, median, requireTool, timeCommand } from "./measure";
import { doctorFigures } from "./doctor";
import { whatIfFigures } from "./what-if";
import { rootCredentialsFigures } from "./root-credentials";
import { scaleFigures } from "./scale";
import { CPU_LOG_VARIABLE, PROVIDER_ROW, TerraformCpu, countingTerraform, terraformCpu } from "./terraform-cpu";
import { COMMAND_LINE, GROUPS } from "./usage";

// `npm run bench`: every figure of BENCHMARKS.md, each against its baseline measured in the same run, since
// absolute times on a shared 2-core machine mean little. Never part of npm test.

const ROOT = projectRoot();
const NODE = process.execPath;
const work = fs.mkdtempSync(path.join(os.tmpdir(), "org-root-access-bench-"));
const sections: string[] = [];

function writeConfig(name: string, stacks: object[]): string {
  const file = path.join(work, `${name}.json`);
  fs.writeFileSync(file, JSON.stringify({ stacks }));
  return file;
}

async function synthFigures(): Promise<void> {
  const defaults = writeConfig("default", [{}]);
  const env = { ...process.env, ROOT_ACCESS_CONFIG: defaults, CDKTF_OUTDIR: path.join(work, "out") };
  const baselineDir = createTemplateBaseline(ROOT, path.join(work, "baseline"));

  const fast = { runs: 10 };
  const npmSynth = await measure(
    "npm run synth (build up to date)",
    () => timeCommand("npm", ["run", "--silent", "synth"], { cwd: ROOT, env }),
    fast,
  );
  // Touching main.ts (same bytes, new mtime) makes the build redo the app's bundle, as after an edit.
  const touchApp = () => fs.utimesSync(path.join(ROOT, "main.ts"), new Date(), new Date());
  const afterEdit = await measure(
    "npm run synth right after an edit (esbuild rebuilds the app)",
    () => timeCommand("npm", ["run", "--silent", "synth"], { cwd: ROOT, env }),
    {
      ...fast,
      prepare: touchApp,
    },
  );
  const appOnly = await measure(
    "node build/main.js (the app alone)",
    () => timeCommand(NODE, ["build/main.js"], { cwd: ROOT, env }),
    fast,
  );
  const npmAlone = await measure(
    "npm --version (npm's own start, for reference)",
    () => timeCommand("npm", ["--version"], { cwd: ROOT, env }),
    fast,
  );
  const tsNode = await measure("baseline: ts-node main.ts, barrel imports", () =>
    timeCommand("npx", ["ts-node", "main.ts"], {
      cwd: baselineDir,
      env: { ...env, CDKTF_OUTDIR: path.join(work, "baseline-out") },
    }),
  );
  const speedup = tsNode.median / npmSynth.median;
  const faster = (figure: Figure) => `${(tsNode.median / figure.median).toFixed(1)}x faster`;
  sections.push(
    `## 1. Synth of the default app\n\n${table([
      { figure: npmSynth, ratio: faster(npmSynth) },
      { figure: afterEdit, ratio: faster(afterEdit) },
      { figure: appOnly, ratio: faster(appOnly) },
      { figure: npmAlone },
      { figure: tsNode, ratio: "baseline" },
    ])}\n\n${verdict(
      speedup >= 20 && npmSynth.peakMb < 100,
      "at least 20 times faster than the baseline, under 100 MB peak",
      `npm run synth is ${speedup.toFixed(1)}x faster at ${npmSynth.peakMb.toFixed(0)} MB peak (the baseline peaks at ${tsNode.peakMb.toFixed(0)} MB).`,
    )} ` +
      `Right after an edit, the first synth also rebuilds the app's bundle and is ${faster(afterEdit)}; every later one ` +
      `finds the build up to date. Of what remains, ${((npmAlone.median / npmSynth.median) * 100).toFixed(0)}% is npm's own start, which ` +
      `\`node tools/launch.mjs main\` avoids.`,
  );

  // The CLI path, in copies so neither touches the checkout's cdktf.out.
  const cliProject = path.join(work, "cli-project");
  for (const entry of ["main.ts", "cdktf.json", "package.json", "tsconfig.json", "stacks", "scripts", "tools"])
    fs.cpSync(path.join(ROOT, entry), path.join(cliProject, entry), { recursive: true });
  fs.symlinkSync(path.join(ROOT, "node_modules"), path.join(cliProject, "node_modules"));
  const { CDKTF_OUTDIR: _outdir, ...withoutOutdir } = env;
  const cliEnv = { ...withoutOutdir, CHECKPOINT_DISABLE: "1", CI: "1" };
  const cli = await measure("npx cdktf synth (this project)", () =>
    timeCommand("npx", ["cdktf", "synth"], { cwd: cliProject, env: cliEnv }),
  );
  const cliBaseline = await measure("baseline: npx cdktf synth with ts-node and barrel imports", () =>
    timeCommand("npx", ["cdktf", "synth"], { cwd: baselineDir, env: cliEnv }),
  );
  sections.push(
    `## 2. The cdktf CLI path\n\n${table([
      { figure: cli, ratio: `${(cliBaseline.median / cli.median).toFixed(1)}x faster` },
      { figure: cliBaseline, ratio: "baseline" },
    ])}\n\nThe CLI itself costs about ${(cli.median - npmSynth.median).toFixed(1)} s on top of the app (it starts, spawns the app, reads the output).`,
  );

  // Each count twice: into the previous synth's output (the edit loop: cdktf first deletes the old assets) and
  // into a fresh folder (a pipeline's clean checkout).
  const counts = [1, 5, 25];
  const subjects = counts.flatMap((count): Subject[] => {
    const config = writeConfig(
      `stacks-${count}`,
      Array.from({ length: count }, (_, i) => ({ name: `org${i}`, backend: { type: "s3", bucket: "acme-tfstate" } })),
    );
    const label = `${count} organization stack${count === 1 ? "" : "s"}`;
    const synthInto = (outdir: string) => () =>
      timeCommand(NODE, ["build/main.js"], { cwd: ROOT, env: { ...env, ROOT_ACCESS_CONFIG: config, CDKTF_OUTDIR: outdir } });
    const fresh = path.join(work, `fresh-${count}`);
    return [
      { label: `${label}, over the previous output`, run: synthInto(path.join(work, `out-${count}`)) },
      {
        label: `${label}, into a fresh folder`,
        run: synthInto(fresh),
        prepare: () => fs.rmSync(fresh, { recursive: true, force: true }),
      },
    ];
  });
  const figures = await measureInTurns(subjects, { runs: 10 });
  const [overOne, freshOne] = figures;
  const rows = figures.map((figure, index) => {
    const base = index % 2 === 0 ? overOne : freshOne;
    return { figure, ratio: figure === base ? "baseline" : `${(figure.median / base.median).toFixed(2)}x` };
  });
  const judge = (one: Figure, twentyFive: Figure) => ({
    ratio: twentyFive.median / one.median,
    perStackMs: ((twentyFive.median - one.median) / 24) * 1000,
  });
  const over = judge(overOne, figures[4]);
  const fresh = judge(freshOne, figures[5]);
  sections.push(
    `## 3. Several organizations\n\n${table(rows)}\n\nEach extra stack costs ${over.perStackMs.toFixed(1)} ms over the previous output ` +
      `and ${fresh.perStackMs.toFixed(1)} ms into a fresh folder: cdktf resolving the stack's tokens, writing its cdk.tf.json and ` +
      `copying the script asset into it. ${verdict(
        over.ratio <= 2 && fresh.ratio <= 2,
        "25 stacks within 2 times the single-stack time",
        `${over.ratio.toFixed(2)}x over the previous output, ${fresh.ratio.toFixed(2)}x into a fresh folder.`,
      )}`,
  );
}

async function scriptFigures(emulator: Emulator): Promise<void> {
  const env = {
    ...emulator.environment(),
    ROOT_ACCESS_REGION: "us-east-1",
    AWS_REGION: "us-east-1",
    AWS_DEFAULT_REGION: "us-east-1",
  };
  // An organization with IAM trusted access and RootSessions, so enable and check have nothing to do.
  const organizations = new OrganizationsClient(clientConfig(env));
  await organizations.send(new CreateOrganizationCommand({ FeatureSet: "ALL" }));
  await organizations.send(new EnableAWSServiceAccessCommand({ ServicePrincipal: "iam.amazonaws.com" }));
  const setup = spawnSync(NODE, ["build/root-access.js", "enable", "RootSessions"], { cwd: ROOT, env, encoding: "utf8" });
  if (setup.status !== 0) throw new Error(`setting up: ${setup.stderr}`);
  const inEmulator =
    (args: string[], extra: NodeJS.ProcessEnv = {}) =>
    () =>
      timeCommand(NODE, args, { cwd: ROOT, env: { ...env, ...extra } });
  const floorProgram =
    'const i=require("@aws-sdk/client-iam");new i.IAMClient({}).send(new i.ListOrganizationsFeaturesCommand({})).then(r=>console.log(r.EnabledFeatures))';
  const awsCliInstalled = spawnSync("aws", ["--version"], { stdio: "ignore" }).status === 0;
  const subjects: Subject[] = [
    { label: "root-access enable RootSessions (no-op)", run: inEmulator(["build/root-access.js", "enable", "RootSessions"]) },
    { label: "root-access check RootSessions", run: inEmulator(["build/root-access.js", "check", "RootSessions"]) },
    {
      label: "floor: node one-liner with the SDK",
      run: inEmulator(["-e", floorProgram], { AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: "true" }),
    },
  ];
  if (awsCliInstalled) {
    subjects.push({
      label: "AWS CLI: aws iam list-organizations-features",
      run: () => timeCommand("aws", ["iam", "list-organizations-features"], { cwd: ROOT, env }),
    });
  }
  const [enable, check, floor, awsCli] = await measureInTurns(subjects, { runs: 10 });
  const worst = Math.max(enable.median, check.median);
  const ofFloor = (figure: Figure) => `${(figure.median / floor.median).toFixed(2)}x the floor`;
  const rows: Row[] = [
    { figure: enable, ratio: ofFloor(enable) },
    { figure: check, ratio: ofFloor(check) },
    { figure: floor, ratio: "floor" },
  ];
  if (awsCli) rows.push({ figure: awsCli, ratio: ofFloor(awsCli) });
  const detail =
    `the slower of the two is ${(worst / floor.median).toFixed(2)}x the floor` +
    (awsCli
      ? ` and ${(awsCli.median / worst).toFixed(1)}x faster than the AWS CLI.`
      : "; the AWS CLI is not installed here, so that half was not measured.");
  sections.push(
    `## 4. The script's no-op enable and check, against the emulator\n\n${table(rows)}\n\n${verdict(
      worst <= 1.3 * floor.median && awsCli !== undefined && worst < awsCli.median,
      "no more than 1.3 times the floor, and faster than the AWS CLI",
      detail,
    )}`,
  );
}

async function applyFigures(emulator: Emulator): Promise<void> {
  const cliConfig = terraformEnvironment(emulator.environment(), work);
  let dir = "";
  const prepare = (implementation: string) => async () => {
    await emulator.reset();
    dir = fs.mkdtempSync(path.join(work, `apply-${implementation}-`));
    const config = writeConfig(`apply-${implementation}`, [{ name: "bench", implementation }]);
    const synth = spawnSync(NODE, ["build/main.js"], {
      cwd: ROOT,
      env: { ...cliConfig, ROOT_ACCESS_CONFIG: config, CDKTF_OUTDIR: path.join(dir, "cdktf.out") },
      encoding: "utf8",
    });
    if (synth.status !== 0) throw new Error(synth.stderr);
    timeCommand("terraform", ["init", "-input=false"], { cwd: stackDir(), env: cliConfig });
  };
  const stackDir = () => path.join(dir, "cdktf.out", "stacks", "bench");
  const apply = () => timeCommand("terraform", ["apply", "-auto-approve", "-input=false"], { cwd: stackDir(), env: cliConfig });

  const [script, native] = await measureInTurns([
    { label: "apply from nothing, script", run: apply, prepare: prepare("script") },
    { label: "apply from nothing, native", run: apply, prepare: prepare("native") },
  ]);
  const ratio = script.median / native.median;
  sections.push(
    `## 5. Apply from nothing against the emulator (organization + IAM trusted access + RootSessions)\n\n${table([
      { figure: script, ratio: `${ratio.toFixed(2)}x native` },
      { figure: native, ratio: "baseline" },
    ])}\n\n${verdict(ratio <= 1.15, "script mode no more than 1.15 times native", `${ratio.toFixed(2)}x.`)}`,
  );

  // Re-apply with nothing to do, on the last (native) folder's twin in script mode.
  await prepare("script")();
  apply();
  const before = await emulator.calls();
  const reapply = await measure("re-apply with nothing to do (script mode)", apply, { warmups: 0 });
  const after = await emulator.calls();
  const delta = (key: string) => (after[key] ?? 0) - (before[key] ?? 0);
  const sent = Object.keys(after).filter((key) => delta(key) > 0);
  const sum = (keys: string[]) => keys.reduce((total, key) => total + delta(key), 0);
  const iamCalls = sent.filter((key) => key.startsWith("iam:"));
  const writes = sent.filter((key) =>
    /:(Enable|Disable|Create|Delete|Register|Deregister|Update|Attach|Detach|Put|Tag|Untag)/.test(key),
  );
  // Only the script reads ListOrganizationsFeatures in script mode (the native resource is absent), once per run.
  const scriptRuns = delta("iam:ListOrganizationsFeatures");
  const listed = (keys: string[]) => (keys.length === 0 ? "none" : keys.map((key) => `${key} x${delta(key)}`).join(", "));
  sections.push(
    `## 6. Re-apply with nothing to do\n\n${table([{ figure: reapply }])}\n\nOver ${reapply.runs} re-applies the emulator received ` +
      `${sum(iamCalls)} IAM calls (${listed(iamCalls)}) and ${sum(writes)} writes of any service (${listed(writes)}); ` +
      `calls in all: ${listed(sent)}. ${verdict(
        sum(writes) === 0 && scriptRuns === 0,
        "zero writes, zero script runs",
        `${sum(writes)} writes and ${scriptRuns} script runs: the script's terraform_data is replaced only when its triggers change, ` +
          `and the re-apply time is terraform starting the provider and refreshing the organization.`,
      )}`,
  );
}

async function testFigure(runs: number | undefined): Promise<void> {
  // npm appends the arguments to its test script, "tsc --noEmit && jest", so they reach jest. Terraform runs
  // under a counting wrapper, whose log is emptied before each run, so it holds the last run's commands (and the
  // providers the e2e files start themselves, which add their own lines).
  const reports: string[] = [];
  const samples: Sample[] = [];
  const counted = countingTerraform(work);
  const env = {
    ...process.env,
    PATH: `${counted.bin}${path.delimiter}${process.env.PATH ?? ""}`,
    [CPU_LOG_VARIABLE]: counted.log,
  };
  const npmTest = await measure(
    "npm test",
    () => {
      const report = path.join(work, `jest-${reports.length}.json`);
      reports.push(report);
      const sample = timeCommand("npm", ["test", "--silent", "--", "--json", `--outputFile=${report}`], { cwd: ROOT, env });
      samples.push(sample);
      return sample;
    },
    { runs, prepare: () => fs.rmSync(counted.log, { force: true }) },
  );
  const typecheck = await measure("of which: tsc --noEmit", () => timeCommand("npx", ["tsc", "--noEmit"], { cwd: ROOT }));
  const timed = reports.slice(-npmTest.runs).map((report) => JSON.parse(fs.readFileSync(report, "utf8")) as JestReport);
  const secondsByFile = new Map<string, number[]>();
  for (const result of timed.flatMap((report) => report.testResults)) {
    const name = path.relative(ROOT, result.name);
    secondsByFile.set(name, [...(secondsByFile.get(name) ?? []), (result.endTime - result.startTime) / 1000]);
  }
  const files = [...secondsByFile]
    .map(([name, all]) => ({ name, all: all.sort((a, b) => a - b) }))
    .sort((a, b) => median(b.all) - median(a.all));
  const last = timed[timed.length - 1];
  sections.push(
    `## 7. npm test\n\n${table([{ figure: npmTest }, { figure: typecheck }])}\n\nEvery timed run passed: ` +
      `${last.numPassedTests} of ${last.numTotalTests} tests. Slowest files (median, min and max over the same runs):\n\n` +
      `| file | median | min | max |\n| --- | ---: | ---: | ---: |\n` +
      files
        .slice(0, 8)
        .map(
          ({ name, all }) =>
            `| ${name} | ${median(all).toFixed(1)} s | ${all[0].toFixed(1)} s | ${all[all.length - 1].toFixed(1)} s |`,
        )
        .join("\n") +
      `\n\n${cpuAccount(samples[samples.length - 1], terraformCpu(counted.log))}`,
  );
}

/** Where the last run's CPU went, and the least time it could take on this machine's cores. */
function cpuAccount(run: Sample, logged: readonly TerraformCpu[]): string {
  const cores = os.availableParallelism();
  const terraform = logged.filter((row) => row.subcommand !== PROVIDER_ROW);
  const providers = logged.find((row) => row.subcommand === PROVIDER_ROW) ?? { commands: 0, cpuSeconds: 0 };
  const terraformSeconds = logged.reduce((sum, row) => sum + row.cpuSeconds, 0);
  const commands = terraform.reduce((sum, row) => sum + row.commands, 0);
  const percent = (part: number, whole: number) => `${((100 * part) / whole).toFixed(0)}%`;
  return (
    `In the last timed run the tests used ${run.cpuSeconds.toFixed(0)} CPU-seconds (user and system, every child ` +
    `process included) in ${run.seconds.toFixed(0)} s: the ${cores} cores were busy ${percent(run.cpuSeconds, cores * run.seconds)} ` +
    `of the time. Terraform and its provider took ${terraformSeconds.toFixed(0)} CPU-seconds of it ` +
    `(${percent(terraformSeconds, run.cpuSeconds)}): ${commands} commands, and ${providers.commands} AWS providers ` +
    `that e2e files started once in debug mode and attached their commands to, which took ` +
    `${providers.cpuSeconds.toFixed(0)} CPU-seconds (a command's own row counts the providers it launched):\n\n` +
    `| terraform subcommand | commands | CPU-seconds | per command |\n| --- | ---: | ---: | ---: |\n` +
    terraform
      .map(
        (row) =>
          `| ${row.subcommand} | ${row.commands} | ${row.cpuSeconds.toFixed(0)} | ${(row.cpuSeconds / row.commands).toFixed(2)} |`,
      )
      .join("\n") +
    `\n\nWith every core busy, a run cannot take less than its CPU time over the cores ` +
    `(${(run.cpuSeconds / cores).toFixed(0)} s here), however many jest workers there are; terraform's share alone is ` +
    `${(terraformSeconds / cores).toFixed(0)} s. A command that launches the 700 MB provider starts it again (a plan ` +
    `three times) and decodes its whole 4.9 MB schema; a command attached to a running provider, through the tests' ` +
    `schema proxy, decodes only the schemas of the stacks' resource types.`
  );
}

interface JestReport {
  readonly numPassedTests: number;
  readonly numTotalTests: number;
  readonly testResults: readonly { readonly name: string; readonly startTime: number; readonly endTime: number }[];
}

function machine(): string {
  const cpu = os.cpus()[0]?.model ?? "unknown CPU";
  const terraform = execSync("terraform version", { encoding: "utf8", stdio: ["ignore", "pipe", "ignore"] }).split("\n")[0];
  return `${os.cpus().length} x ${cpu}, ${(os.totalmem() / 2 ** 30).toFixed(0)} GiB, ${os.type()} ${os.release()}; Node ${process.version}, ${terraform}`;
}

/** Runs the bench, and removes its working folder however it ends (--help and a typo included). */
async function main(argv: readonly string[]): Promise<number> {
  try {
    return await runBench(argv);
  } finally {
    fs.rmSync(work, { recursive: true, force: true });
  }
}

async function runBench(argv: readonly string[]): Promise<number> {
  if (argv.includes("--help") || argv.includes("-h")) {
    process.stdout.write(`${COMMAND_LINE.help}\n`);
    return 0;
  }
  const runsAt = argv.indexOf("--test-runs");
  const testRuns = runsAt >= 0 ? Number(argv[runsAt + 1]) : undefined;
  if (testRuns !== undefined && !(Number.isInteger(testRuns) && testRuns >= 1 && testRuns <= 20)) {
    process.stderr.write(
      `bench: --test-runs ${JSON.stringify(argv[runsAt + 1] ?? "")} is not a whole number from 1 to 20\n${COMMAND_LINE.help}\n`,
    );
    return 2;
  }
  const groups = runsAt >= 0 ? [...argv.slice(0, runsAt), ...argv.slice(runsAt + 2)] : argv;
  const unknown = groups.filter((arg) => !(GROUPS as readonly string[]).includes(arg));
  if (unknown.length > 0) {
    process.stderr.write(`bench: unknown group ${unknown.map((arg) => JSON.stringify(arg)).join(", ")}\n${COMMAND_LINE.help}\n`);
    return 2;
  }
  silenceSdkNodeVersionNotice();
  requireTool("/usr/bin/time", ["true"], "GNU time, which reports peak memory: apt-get install time");
  requireTool("terraform", ["version"], "Terraform on PATH");
  const wanted = (name: (typeof GROUPS)[number]) => groups.length === 0 || groups.includes(name);
  if (wanted("synth")) await synthFigures();
  if (wanted("script") || wanted("apply") || wanted("audit") || wanted("scale") || wanted("alerts")) {
    if (wanted("audit")) requireTool("aws", ["--version"], "the AWS CLI, the baseline of the audit figures: pip install awscli");
    const emulator = await Emulator.start();
    try {
      if (wanted("script")) await scriptFigures(emulator);
      if (wanted("apply")) await applyFigures(emulator);
      if (wanted("audit")) sections.push(...(await rootCredentialsFigures(emulator, work, ROOT)));
      if (wanted("scale")) sections.push(...(await scaleFigures(emulator, work, ROOT)));
      if (wanted("alerts")) sections.push(...(await alertsFigures(emulator, work, ROOT)));
    } finally {
      await emulator.stop();
    }
  }
  if (wanted("doctor")) sections.push(doctorFigures(ROOT));
  if (wanted("what-if")) sections.push(whatIfFigures());
  if (wanted("test")) await testFigure(testRuns);
  const measured = `Measured on ${new Date().toISOString().slice(0, 10)}. Machine: ${machine()}.`;
  const dated = sections.map((section) => section.replace(/^(## [^\n]+\n)/, `$1\n${measured}\n`));
  const file = path.join(ROOT, "BENCHMARKS.md");
  fs.writeFileSync(file, mergeReport(fs.existsSync(file) ? fs.readFileSync(file, "utf8") : "", dated));
  return 0;
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (error: Error) => {
    process.stderr.write(`bench: ${error instanceof BenchFailure ? error.message : error.stack}\n`);
    process.exitCode = 1;
  },
);
