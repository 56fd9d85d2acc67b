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
 * it appends the provider's "<user> <system> provider" line ({@link PROVIDER_ROW}) there before it stops it.
 */
export const CPU_LOG_VARIABLE = "ROOT_ACCESS_TERRAFORM_CPU_LOG";

/** The subcommand of the lines such a provider adds. */
export const PROVIDER_ROW = "provider";

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
