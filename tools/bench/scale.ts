import { EnableOrganizationsRootCredentialsManagementCommand, IAMClient } from "@aws-sdk/client-iam";
import {
  CreateAccountCommand,
  CreateOrganizationCommand,
  EnableAWSServiceAccessCommand,
  OrganizationsClient,
} from "@aws-sdk/client-organizations";
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { summarizePlan } from "../../scripts/plan-summary/summary";
import { readPlan } from "../../scripts/plan-gate/plan";
import type { AuditReport, AuditedAccount } from "../../scripts/root-credentials/audit";
import { auditMarkdown } from "../../scripts/root-credentials/report";
import { Emulator } from "../emulator/emulator";
import { clientConfig } from "../emulator/organization-state";
import { verdict } from "./benchmarks-file";
import { timeCommand } from "./measure";

/** AssumeRoot's rate in the throttled runs: what peer tools report, and the issue's figure. */
const RATE = 5;
/** The target: a throttled audit within this many times its floor (accounts / rate). */
const TARGET = 1.2;

/**
 * Figure 10: an organization of 1,000 member accounts. The audit unthrottled (where the time goes, and peak
 * memory), throttled at 5 calls a second under both limiter shapes the emulator offers (a strict one-second
 * window, a token bucket with a burst of 20) at 300 and 1,000 accounts as a ratio to the floor, the fixed start
 * cost apart, the overhead of a resume, and the size of every Markdown output at 10,000 accounts.
 */
export async function scaleFigures(emulator: Emulator, work: string, root: string): Promise<string[]> {
  await emulator.reset();
  const env = emulator.environment();
  const config = path.join(work, "scale.config.json");
  fs.writeFileSync(config, JSON.stringify({ stacks: [{ name: "scale", features: ["RootCredentialsManagement"] }] }));
  const auditEnv = { ...env, ROOT_ACCESS_CONFIG: config, AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: "true" };
  const organizations = new OrganizationsClient(clientConfig(env));
  await organizations.send(new CreateOrganizationCommand({ FeatureSet: "ALL" }));
  await organizations.send(new EnableAWSServiceAccessCommand({ ServicePrincipal: "iam.amazonaws.com" }));
  await new IAMClient(clientConfig(env)).send(new EnableOrganizationsRootCredentialsManagementCommand({}));
  const audit = (...flags: string[]) =>
    timeCommand(process.execPath, ["build/root-credentials.js", "audit", "--json", ...flags], {
      cwd: root,
      env: auditEnv,
      exitCodes: [0, 2],
    });

  const rows: string[] = [];
  const start = audit();
  rows.push(row("start cost: audit of an organization without member accounts", start.seconds, start.peakMb));
  let members = 0;
  const seedTo = async (count: number) => {
    const started = Date.now();
    await seed(organizations, count - members, members);
    members = count;
    return (Date.now() - started) / 1000;
  };
  const ratios: number[] = [];
  for (const count of [300, 1000]) {
    const seeded = await seedTo(count);
    rows.push(row(`seeding to ${count} member accounts (CreateAccount, 16 at a time)`, seeded));
    await emulator.configure({ assumeRootCallsPerSecond: 0 });
    const free = audit();
    rows.push(row(`audit of ${count}, unthrottled`, free.seconds, free.peakMb));
    for (const [shape, settings] of [
      ["a strict one-second window", { assumeRootLimiter: "window" }],
      ["a token bucket with a burst of 20", { assumeRootLimiter: "bucket", assumeRootBurst: 20 }],
    ] as const) {
      await emulator.configure({ assumeRootCallsPerSecond: RATE, ...settings });
      const throttled = audit();
      const floor = count / RATE;
      const ratio = (throttled.seconds - start.seconds) / floor;
      ratios.push(ratio);
      rows.push(
        row(
          `audit of ${count}, AssumeRoot at ${RATE}/s, ${shape}`,
          throttled.seconds,
          throttled.peakMb,
          `${ratio.toFixed(2)}x the floor (${floor} s), start cost apart`,
        ),
      );
    }
    await emulator.configure({ assumeRootCallsPerSecond: 0, assumeRootLimiter: "window", assumeRootBurst: 0 });
  }
  // A resume that finds every account done (its journal written from a complete report): what resuming costs.
  const result = spawnSync(process.execPath, ["build/root-credentials.js", "audit", "--json"], {
    cwd: root,
    env: auditEnv,
    encoding: "utf8",
  });
  const report = JSON.parse(result.stdout) as AuditReport;
  const journal = path.join(work, "scale.journal");
  const header = { journal: "org-root-access", verb: "audit", scope: `${report.organizationId} (stack scale)` };
  fs.writeFileSync(journal, [header, ...report.accounts].map((line) => `${JSON.stringify(line)}\n`).join(""));
  const resumed = audit("--journal", journal);
  rows.push(
    row(`audit of ${members} resumed from a journal holding every account (no session opened)`, resumed.seconds, resumed.peakMb),
  );

  const markdown = markdownSizes();
  const section =
    `## 10. At scale: ${members.toLocaleString("en-US")} member accounts, throttled, resumable, readable\n\n` +
    `| what | seconds | peak RSS | note |\n| --- | ---: | ---: | --- |\n${rows.join("\n")}\n\n` +
    `Markdown at 10,000 member accounts (synthesized, as the unit tests build them): ${markdown
      .map(([what, size]) => `${what} ${size.toLocaleString("en-US")} characters`)
      .join("; ")}.\n\n` +
    `${verdict(
      ratios.every((ratio) => ratio <= TARGET) && markdown.every(([, size]) => size < 60_000),
      `throttled audits within ${TARGET}x the floor under both limiter shapes; every Markdown output under 60,000 characters`,
      `ratios ${ratios.map((ratio) => ratio.toFixed(2)).join(", ")}; largest Markdown ${Math.max(...markdown.map(([, size]) => size)).toLocaleString("en-US")} characters.`,
    )}`;
  return [section];
}

function row(what: string, seconds: number, peakMb?: number, note = ""): string {
  return `| ${what} | ${seconds.toFixed(1)} | ${peakMb === undefined ? "" : `${peakMb.toFixed(0)} MB`} | ${note} |`;
}

// Member accounts, 16 CreateAccount calls at a time; every fifth gets an access key on its root user.
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
  const ids = Array.from({ length: 10_000 }, (_, index) => String(100000000000 + index));
  const plan = readPlan(
    JSON.stringify({
      format_version: "1.2",
      planned_values: {},
      configuration: {},
      resource_changes: [
        {
          address: "terraform_data.root-credentials",
          type: "terraform_data",
          mode: "managed",
          change: { actions: ["create"], before: null, after: { triggers_replace: { accounts: ids } } },
        },
      ],
    }),
  );
  const accounts: AuditedAccount[] = ids.map((accountId) => ({
    accountId,
    name: `workload-${accountId}`,
    status: "audited",
    kept: false,
    rootCredentials: {
      password: true,
      accessKeys: 2,
      activeAccessKeys: 1,
      accessKeysLastUsed: null,
      mfaDevices: 1,
      signingCertificates: 1,
    },
  }));
  const report: AuditReport = {
    organizationId: "o-a1b2c3d4e5",
    accounts,
    summary: {
      memberAccounts: 10_000,
      audited: 10_000,
      withRootCredentials: 10_000,
      keptWithRootCredentials: 0,
      skipped: 0,
      failed: 0,
    },
  };
  return [
    ["plan summary", summarizePlan(plan).join("\n").length],
    ["audit --markdown", auditMarkdown(report).length],
  ];
}
