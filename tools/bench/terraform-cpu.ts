import { execSync } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";

/** CPU seconds (user + system, its providers included) that terraform took, per subcommand. */
export interface TerraformCpu {
  readonly subcommand: string;
  readonly commands: number;
  readonly cpuSeconds: number;
}

/**
 * The variable naming the log to a test that runs terraform's AWS provider itself, outside the counting wrapper:
 * it appends the provider's "<user> <system> provider" line there with {@link recordProviderCpu} before it stops it.
 */
export const CPU_LOG_VARIABLE = "ROOT_ACCESS_TERRAFORM_CPU_LOG";

/** The subcommand of the lines such a provider adds. */
export const PROVIDER_ROW = "provider";

/** Linux's /proc counts CPU time in ticks of 1/100 s (USER_HZ) on every architecture Node runs on. */
const TICKS_PER_SECOND = 100;

/**
 * Appends a provider's CPU time so far to the bench's log, when there is one and /proc can tell: the attached
 * providers run outside terraform's counting wrapper, so each adds its own line, as {@link PROVIDER_ROW}.
 */
export function recordProviderCpu(pid: number | undefined, log = process.env[CPU_LOG_VARIABLE]): void {
  if (log === undefined || pid === undefined) return;
  let stat: string;
  try {
    stat = fs.readFileSync(`/proc/${pid}/stat`, "utf8");
  } catch {
    return;
  }
  // pid (comm) state ppid ...: utime and stime are the 14th and 15th fields, the 12th and 13th after the comm.
  const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  const [user, system] = [fields[11], fields[12]].map((ticks) => (Number(ticks) / TICKS_PER_SECOND).toFixed(2));
  fs.appendFileSync(log, `${user} ${system} ${PROVIDER_ROW}\n`);
}

/**
 * A `terraform` that runs the real one under GNU time and appends one line per command ("<user> <system>
 * <subcommand>") to a log: put `bin` first on PATH, run, then read the log with {@link terraformCpu}.
 */
export function countingTerraform(dir: string): { readonly bin: string; readonly log: string } {
  const real = execSync("command -v terraform", { encoding: "utf8", shell: "/bin/sh" }).trim();
  const bin = path.join(dir, "counting-terraform");
  const log = path.join(dir, "terraform-cpu.log");
  fs.mkdirSync(bin, { recursive: true });
  fs.writeFileSync(
    path.join(bin, "terraform"),
    `#!/bin/sh
# The subcommand is the first argument that is not a flag (terraform -chdir=x plan).
sub=""
for arg in "$@"; do case "$arg" in -*) ;; *) sub=$(printf %s "$arg" | tr -cd a-z); break ;; esac; done
exec /usr/bin/time -a -o ${JSON.stringify(log)} -f "%U %S \${sub:-none}" ${JSON.stringify(real)} "$@"
`,
    { mode: 0o755 },
  );
  return { bin, log };
}

/** The log's lines summed per subcommand, most CPU first ("Command exited with non-zero status" lines skipped). */
export function terraformCpu(log: string): TerraformCpu[] {
  const totals = new Map<string, { commands: number; cpuSeconds: number }>();
  const lines = fs.existsSync(log) ? fs.readFileSync(log, "utf8").split("\n") : [];
  for (const line of lines) {
    const match = /^([\d.]+) ([\d.]+) ([a-z]+)$/.exec(line);
    if (!match) continue;
    const total = totals.get(match[3]) ?? { commands: 0, cpuSeconds: 0 };
    totals.set(match[3], { commands: total.commands + 1, cpuSeconds: total.cpuSeconds + Number(match[1]) + Number(match[2]) });
  }
  return [...totals].map(([subcommand, total]) => ({ subcommand, ...total })).sort((a, b) => b.cpuSeconds - a.cpuSeconds);
}
