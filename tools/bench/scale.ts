import { EnableOrganizationsRootCredentialsManagementCommand, IAMClient } from "@aws-sdk/client-iam";
import {
  CreateAccountCommand,
  CreateOrganizationCommand,
  EnableAWSServiceAccessCommand,
  EnablePolicyTypeCommand,
  ListRootsCommand,
  OrganizationsClient,
} from "@aws-sdk/client-organizations";
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { summarizePlan } from "../../scripts/plan-summary/summary";
import { readPlan } from "../../scripts/plan-gate/plan";
import type { AuditReport } from "../../scripts/root-credentials/audit";
import { auditMarkdown } from "../../scripts/root-credentials/report";
import { Emulator } from "../emulator/emulator";
import { clientConfig } from "../emulator/organization-state";
import { terraformEnvironment } from "../terraform/terraform";
import { verdict } from "./benchmarks-file";
import { auditWithCredentialsEverywhere, memberIds, removalPlan } from "./synthetic-reports";
import { Sample, timeCommand } from "./measure";

/** AssumeRoot's rate in the throttled runs: what peer tools report, and the issue's figure. */
const RATE = 5;
/** The targets: a throttled audit of 300 or 1,000 accounts within this many times its floor (accounts / rate)... */
const TARGET = 1.2;
const TARGETED = [300, 1000];
/** ...peak memory of the audit of 10,000 accounts, seeding 10,000 accounts, and every Markdown output. */
const PEAK_TARGET_MB = 200;
const SEEDING_TARGET_SECONDS = 60;
const MARKDOWN_TARGET = 60_000;

/** The organization grows through these sizes; each figure is taken at the sizes named for it. */
const SIZES = [10, 300, 1000, 10_000] as const;
const PLANNED = [10, 1000, 10_000];
const AUDITED = [300, 1000, 10_000];
const LARGEST = SIZES[SIZES.length - 1];

/**
 * Figure 10: an organization growing to 10,000 member accounts. At each size: the plan and the plan gate of a
 * stack removing every member's root credentials (10 / 1,000 / 10,000), the audit unthrottled (where the time
 * goes, peak memory) and throttled at 5 calls a second under both limiter shapes the emulator offers (a strict
 * one-second window, a token bucket with a burst of 20) as a ratio to the floor, the fixed start cost apart; then
 * the overhead of a resume, and the size of every Markdown output at 10,000 accounts. The throttled audits of
 * 10,000 accounts come last (over an hour): nothing that measures CPU runs after them.
 */
export async function scaleFigures(emulator: Emulator, work: string, root: string): Promise<string[]> {
  await emulator.reset();
  const env = emulator.environment();
  const organizations = new OrganizationsClient(clientConfig(env));
  const { Organization } = await organizations.send(new CreateOrganizationCommand({ FeatureSet: "ALL" }));
  await organizations.send(new EnableAWSServiceAccessCommand({ ServicePrincipal: "iam.amazonaws.com" }));
  // SCPs on, so that the doctor reads the policies of every account's path.
  const { Roots } = await organizations.send(new ListRootsCommand({}));
  await organizations.send(new EnablePolicyTypeCommand({ RootId: Roots![0].Id, PolicyType: "SERVICE_CONTROL_POLICY" }));
  await new IAMClient(clientConfig(env)).send(new EnableOrganizationsRootCredentialsManagementCommand({}));
  const config = path.join(work, "scale.config.json");
  fs.writeFileSync(
    config,
    JSON.stringify({
      stacks: [
        {
          name: "scale",
          features: ["RootCredentialsManagement"],
          organization: { mode: "external", id: Organization!.Id },
          rootCredentials: { remove: "all" },
        },
      ],
    }),
  );
  const auditEnv = { ...env, ROOT_ACCESS_CONFIG: config, AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: "true" };
  const audit = (...flags: string[]) =>
    timeCommand(process.execPath, ["build/root-credentials.js", "audit", "--json", ...flags], {
      cwd: root,
      env: auditEnv,
      exitCodes: [0, 2],
    });
  const plans = planner(env, auditEnv, work, root);

  const rows: string[] = [];
  const planRows: string[] = [];
  const throttledLast: (() => Promise<void>)[] = [];
  const ratios: { count: number; ratio: number }[] = [];
  const start = audit();
  rows.push(row("start cost: audit of an organization without member accounts", start.seconds, start.peakMb));
  let members = 0;
  let seeding = 0;
  let largestPeakMb = 0;
  let planSummary = 0;
  let doctorReport = 0;
  for (const count of SIZES) {
    const started = Date.now();
    await seed(organizations, count - members, members);
    members = count;
    seeding += (Date.now() - started) / 1000;
    rows.push(
      row(
        `seeding to ${count.toLocaleString("en-US")} member accounts (CreateAccount, 16 at a time)`,
        seeding,
        undefined,
        "since the first",
      ),
    );
    if (PLANNED.includes(count)) {
      const plan = plans(count);
      planRows.push(plan.row);
      planSummary = plan.summaryCharacters;
    }
    if (!AUDITED.includes(count)) continue;
    const before = await emulator.usage();
    const free = audit();
    const emulatorCpu = (await emulator.usage()).cpuSeconds - before.cpuSeconds;
    if (count === LARGEST) largestPeakMb = free.peakMb;
    rows.push(
      row(
        `audit of ${count.toLocaleString("en-US")}, unthrottled`,
        free.seconds,
        free.peakMb,
        `CPU: the audit ${free.cpuSeconds.toFixed(1)} s, the emulator ${emulatorCpu.toFixed(1)} s; the rest is the pacer's ` +
          `AssumeRoot rate, from 50/s up by 10% each 15 s without a throttle`,
      ),
    );
    if (count === LARGEST) {
      rows.push(resumeRow(work, root, auditEnv, audit, count));
      const doctor = timeCommand(process.execPath, ["build/doctor.js"], { cwd: root, env: auditEnv, exitCodes: [0, 1, 2] });
      doctorReport = doctor.stdout.length;
      if (!doctor.stdout.includes(`works in all ${count} active member accounts`))
        throw new Error(`the doctor did not read every account:\n${doctor.stdout}`);
      rows.push(
        row(
          `npm run doctor at ${count.toLocaleString("en-US")}`,
          doctor.seconds,
          doctor.peakMb,
          `its report: ${doctorReport.toLocaleString("en-US")} characters`,
        ),
      );
    }
    const throttled = async () => {
      for (const [shape, settings] of [
        ["a strict one-second window", { assumeRootLimiter: "window" }],
        ["a token bucket with a burst of 20", { assumeRootLimiter: "bucket", assumeRootBurst: 20 }],
      ] as const) {
        await emulator.configure({ assumeRootCallsPerSecond: RATE, ...settings });
        const run = audit();
        const floor = count / RATE;
        const ratio = (run.seconds - start.seconds) / floor;
        ratios.push({ count, ratio });
        rows.push(
          row(
            `audit of ${count.toLocaleString("en-US")}, AssumeRoot at ${RATE}/s, ${shape}`,
            run.seconds,
            run.peakMb,
            `${ratio.toFixed(2)}x the floor (${floor} s), start cost apart`,
          ),
        );
      }
      await emulator.configure({ assumeRootCallsPerSecond: 0, assumeRootLimiter: "window", assumeRootBurst: 0 });
    };
    if (count === LARGEST) throttledLast.push(throttled);
    else await throttled();
  }
  for (const run of throttledLast) await run();

  const markdown: [string, number][] = [
    ["the plan summary of the real plan", planSummary],
    ["the doctor's report", doctorReport],
    ...markdownSizes(),
  ];
  const targeted = ratios.filter(({ count }) => TARGETED.includes(count));
  const section =
    `## 10. At scale: up to ${LARGEST.toLocaleString("en-US")} member accounts, throttled, resumable, readable\n\n` +
    `| what | seconds | peak RSS | note |\n| --- | ---: | ---: | --- |\n${rows.join("\n")}\n\n` +
    `A stack that removes every member's root credentials (organization "external"): \`terraform plan\` (the ` +
    `organization's accounts read through the provider), then the plan gate and the plan summary on its JSON.\n\n` +
    `| member accounts | terraform plan | plan gate | plan summary | plan summary size |\n| ---: | ---: | ---: | ---: | ---: |\n` +
    `${planRows.join("\n")}\n\n` +
    `Reports at ${LARGEST.toLocaleString("en-US")} member accounts: ${markdown
      .map(([what, size]) => `${what} ${size.toLocaleString("en-US")} characters`)
      .join("; ")}.\n\n` +
    `${verdict(
      targeted.every(({ ratio }) => ratio <= TARGET) &&
        markdown.every(([, size]) => size < MARKDOWN_TARGET) &&
        largestPeakMb <= PEAK_TARGET_MB &&
        seeding <= SEEDING_TARGET_SECONDS,
      `throttled audits of ${TARGETED.join(" and ")} accounts within ${TARGET}x the floor under both limiter shapes; ` +
        `the audit of ${LARGEST.toLocaleString("en-US")} within ${PEAK_TARGET_MB} MB; seeding them within ` +
        `${SEEDING_TARGET_SECONDS} s; every Markdown output under ${MARKDOWN_TARGET.toLocaleString("en-US")} characters`,
      `ratios ${ratios.map(({ count, ratio }) => `${ratio.toFixed(2)} (${count})`).join(", ")}; peak ` +
        `${largestPeakMb.toFixed(0)} MB; seeding ${seeding.toFixed(0)} s; largest Markdown ` +
        `${Math.max(...markdown.map(([, size]) => size)).toLocaleString("en-US")} characters.`,
    )}`;
  return [section];
}

function row(what: string, seconds: number, peakMb?: number, note = ""): string {
  return `| ${what} | ${seconds.toFixed(1)} | ${peakMb === undefined ? "" : `${peakMb.toFixed(0)} MB`} | ${note} |`;
}

/**
 * The plan figures of the stack in `config` (synthesized and initialized once): `terraform plan` timed, then
 * the plan gate and the plan summary on its JSON.
 */
function planner(env: NodeJS.ProcessEnv, auditEnv: NodeJS.ProcessEnv, work: string, root: string) {
  const outdir = path.join(work, "scale-plan");
  const terraformEnv = terraformEnvironment(env, work);
  const synth = spawnSync(process.execPath, ["build/main.js"], {
    cwd: root,
    env: { ...terraformEnv, ROOT_ACCESS_CONFIG: auditEnv.ROOT_ACCESS_CONFIG, CDKTF_OUTDIR: outdir },
    encoding: "utf8",
  });
  if (synth.status !== 0) throw new Error(`synth failed: ${synth.stderr}`);
  const stack = path.join(outdir, "stacks", "scale");
  timeCommand("terraform", ["init", "-input=false"], { cwd: stack, env: terraformEnv });
  return (count: number) => {
    const plan = timeCommand("terraform", ["plan", "-input=false", "-out=plan.bin"], { cwd: stack, env: terraformEnv });
    const shown = spawnSync("terraform", ["show", "-json", "plan.bin"], { cwd: stack, env: terraformEnv, maxBuffer: 1 << 30 });
    if (shown.status !== 0) throw new Error(`terraform show failed: ${String(shown.stderr)}`);
    const planJson = path.join(stack, "plan.json");
    fs.writeFileSync(planJson, shown.stdout);
    const planned = readPlan(fs.readFileSync(planJson, "utf8"));
    const accounts = planned.resourceChanges.find((change) => change.address === "terraform_data.root-credentials");
    const named = (accounts?.after as { triggers_replace?: { accounts?: string[] } } | undefined)?.triggers_replace?.accounts;
    if (named?.length !== count) throw new Error(`the plan at ${count} member accounts names ${named?.length} for removal`);
    const gate = timeCommand(process.execPath, ["build/plan-gate.js", planJson], { cwd: root, env: auditEnv });
    const summary = timeCommand(process.execPath, ["build/plan-summary.js", planJson], { cwd: root, env: auditEnv });
    const characters = summarizePlan(planned).join("\n").length;
    return {
      row: `| ${count.toLocaleString("en-US")} | ${plan.seconds.toFixed(1)} s | ${gate.seconds.toFixed(2)} s | ${summary.seconds.toFixed(2)} s | ${characters.toLocaleString("en-US")} characters |`,
      summaryCharacters: characters,
    };
  };
}

/** A resume that finds every account done (its journal written from a complete report): what resuming costs. */
function resumeRow(
  work: string,
  root: string,
  auditEnv: NodeJS.ProcessEnv,
  audit: (...flags: string[]) => Sample,
  count: number,
): string {
  const result = spawnSync(process.execPath, ["build/root-credentials.js", "audit", "--json"], {
    cwd: root,
    env: auditEnv,
    encoding: "utf8",
    maxBuffer: 1 << 30,
  });
  const report = JSON.parse(result.stdout) as AuditReport;
  const journal = path.join(work, "scale.journal");
  const header = { journal: "org-root-access", verb: "audit", scope: `${report.organizationId} (stack scale)` };
  fs.writeFileSync(journal, [header, ...report.accounts].map((line) => `${JSON.stringify(line)}\n`).join(""));
  const resumed = audit("--journal", journal);
  return row(
    `audit of ${count.toLocaleString("en-US")} resumed from a journal holding every account (no session opened)`,
    resumed.seconds,
    resumed.peakMb,
  );
}

// Member accounts, 16 CreateAccount calls at a time (their root users have no credentials).
async function seed(organizations: OrganizationsClient, count: number, from: number): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < count) {
      const name = `scale-${from + next++}`;
      await organizations.send(new CreateAccountCommand({ AccountName: name, Email: `${name}@example.com` }));
    }
  };
  await Promise.all(Array.from({ length: 16 }, worker));
}

// The plan summary of a first removal, and the audit's Markdown when every account has credentials.
function markdownSizes(): [string, number][] {
  const ids = memberIds(10_000);
  return [
    ["the plan summary of a first removal (synthesized)", summarizePlan(removalPlan([], ids)).join("\n").length],
    [
      "audit --markdown with root credentials everywhere (synthesized)",
      auditMarkdown(auditWithCredentialsEverywhere(ids)).length,
    ],
  ];
}
