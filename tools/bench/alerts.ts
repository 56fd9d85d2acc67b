import { spawn, spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import type { Emulator } from "../emulator/emulator";
import { terraformEnvironment } from "../terraform/terraform";
import { BenchFailure } from "./measure";

// Figure 12: what covering more regions costs terraform. The AWS provider 5.x has no per-resource region, so the
// stack has one provider configuration per covered region (and per region of IAM's delegated administrator), and
// terraform runs one provider process per configuration, all at once. GNU time's peak RSS is the largest single
// process's; this sums the resident memory of terraform and every provider it started, sampled every 100 ms.

/** One run of a terraform command: wall seconds, the summed peak RSS of its process tree, and how many processes ran at once. */
interface TreeSample {
  readonly seconds: number;
  readonly peakMb: number;
  readonly processes: number;
}

/** Resident memory (kB) of `pid` and all its descendants, and how many they are, from /proc. */
function treeRss(pid: number): { kb: number; count: number } {
  const children = new Map<number, number[]>();
  const rss = new Map<number, number>();
  for (const entry of fs.readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const status = fs.readFileSync(`/proc/${entry}/status`, "utf8");
      const parent = Number(/^PPid:\s+(\d+)/m.exec(status)?.[1]);
      rss.set(Number(entry), Number(/^VmRSS:\s+(\d+)/m.exec(status)?.[1] ?? 0));
      children.set(parent, [...(children.get(parent) ?? []), Number(entry)]);
    } catch {
      // gone meanwhile
    }
  }
  let kb = 0;
  let count = 0;
  const stack = [pid];
  while (stack.length > 0) {
    const next = stack.pop()!;
    kb += rss.get(next) ?? 0;
    count += 1;
    stack.push(...(children.get(next) ?? []));
  }
  return { kb, count };
}

function sampledRun(args: readonly string[], cwd: string, env: NodeJS.ProcessEnv): Promise<TreeSample> {
  return new Promise((resolve, reject) => {
    const started = process.hrtime.bigint();
    const child = spawn("terraform", args, { cwd, env, stdio: ["ignore", "ignore", "pipe"] });
    let stderr = "";
    child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
    let peakKb = 0;
    let processes = 0;
    const timer = setInterval(() => {
      const { kb, count } = treeRss(child.pid!);
      peakKb = Math.max(peakKb, kb);
      processes = Math.max(processes, count);
    }, 100);
    child.on("error", reject);
    child.on("close", (code) => {
      clearInterval(timer);
      if (code !== 0) reject(new BenchFailure(`terraform ${args.join(" ")} failed (exit ${code}):\n${stderr.slice(-2000)}`));
      else resolve({ seconds: Number(process.hrtime.bigint() - started) / 1e9, peakMb: peakKb / 1024, processes });
    });
  });
}

/** Apply from nothing, then a plan with nothing to do, for alerts covering 1, 2 and the 17 default regions. */
export async function alertsFigures(emulator: Emulator, work: string, root: string): Promise<string[]> {
  const env = terraformEnvironment(emulator.environment(), work);
  const cases: [string, Record<string, unknown>][] = [
    ["1 region", { regions: ["us-east-1"] }],
    ["2 regions", { regions: ["us-east-1", "eu-west-1"] }],
    ["17 regions (the default)", {}],
  ];
  const rows: string[] = [];
  for (const [label, regions] of cases) {
    await emulator.reset();
    const dir = fs.mkdtempSync(path.join(work, "alerts-"));
    const config = path.join(dir, "config.json");
    fs.writeFileSync(
      config,
      JSON.stringify({ stacks: [{ name: "bench", rootActivityAlerts: { email: ["security@example.com"], ...regions } }] }),
    );
    const synth = spawnSync(process.execPath, ["build/main.js"], {
      cwd: root,
      env: { ...env, ROOT_ACCESS_CONFIG: config, CDKTF_OUTDIR: path.join(dir, "cdktf.out") },
      encoding: "utf8",
    });
    if (synth.status !== 0) throw new BenchFailure(synth.stderr);
    const stackDir = path.join(dir, "cdktf.out", "stacks", "bench");
    const init = spawnSync("terraform", ["init", "-input=false"], { cwd: stackDir, env, encoding: "utf8" });
    if (init.status !== 0) throw new BenchFailure(init.stderr);
    const apply = await sampledRun(["apply", "-auto-approve", "-input=false"], stackDir, env);
    const plan = await sampledRun(["plan", "-input=false", "-detailed-exitcode", "-lock=false"], stackDir, env).catch(
      (error: Error) => {
        throw new BenchFailure(`the plan after the apply is not clean: ${error.message}`);
      },
    );
    rows.push(
      `| ${label} | ${apply.seconds.toFixed(1)} s | ${apply.peakMb.toFixed(0)} MB | ${apply.processes} | ${plan.seconds.toFixed(1)} s | ${plan.peakMb.toFixed(0)} MB |`,
    );
  }
  return [
    `## 12. Root-activity alerts: one provider process per covered region\n\n` +
      "Terraform against the emulator, a stack with alerts by email; memory is the sum over terraform and every provider " +
      "process it ran at once (sampled every 100 ms), processes the most at once.\n\n" +
      "| covered regions | apply from nothing | its peak memory | processes | plan, nothing to do | its peak memory |\n" +
      "| --- | ---: | ---: | ---: | ---: | ---: |\n" +
      rows.join("\n"),
  ];
}
