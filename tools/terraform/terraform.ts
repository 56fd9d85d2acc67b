import { ChildProcess, spawn, spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { MIN_TERRAFORM, MIN_TERRAFORM_FOR_S3_LOCKFILE } from "../../stacks/synth/terraform-version";
import { stopProcessGroups } from "../process/stop-process";

/** Where a filesystem mirror of the hashicorp providers is looked for; TF_PROVIDER_MIRROR names another. */
const DEFAULT_PROVIDER_MIRROR = "/opt/tf-plugins";

/** What one terraform command did. */
export interface TerraformResult {
  readonly args: readonly string[];
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

/** Throws, saying what to install, when terraform is not on PATH: callers must fail, never skip. */
export function requireTerraform(): void {
  const result = spawnSync("terraform", ["version"], { encoding: "utf8" });
  if (result.error || result.status !== 0) {
    throw new Error(
      `terraform is required but "terraform version" failed (${result.error?.message ?? result.stderr.trim()}). ` +
        `Install Terraform ${MIN_TERRAFORM} or newer (${MIN_TERRAFORM_FOR_S3_LOCKFILE} for S3 state locking) and put it on PATH.`,
    );
  }
}

const running = new Set<ChildProcess>();

/**
 * Stops every terraform this process started that is still running (an abandoned test, an interrupted
 * `npm start`): SIGTERM to its process group, which terraform forwards to its providers, then SIGKILL after a
 * grace period. Resolves with how many there were.
 */
export function stopTerraformRuns(): Promise<number> {
  return stopProcessGroups(running);
}

/**
 * Runs terraform in one stack folder, non-interactively. With a provider mirror on disk it writes its own CLI
 * config (in `scratchDir`) so `init` installs the hashicorp providers offline; otherwise it uses the registry.
 */
export class Terraform {
  readonly env: NodeJS.ProcessEnv;

  constructor(
    readonly workingDir: string,
    env: NodeJS.ProcessEnv,
    scratchDir: string,
  ) {
    this.env = terraformEnvironment(env, scratchDir);
  }

  /**
   * Runs `terraform <args> -no-color`; resolves with the exit code, whatever it is. Terraform runs in a process
   * group of its own, with its provider plugins and local-exec scripts, so {@link stopTerraformRuns} can stop
   * all of them at once.
   */
  run(args: readonly string[], extraEnv: NodeJS.ProcessEnv = {}): Promise<TerraformResult> {
    return new Promise((resolve, reject) => {
      const child = spawn("terraform", [...args, "-no-color"], {
        cwd: this.workingDir,
        env: { ...this.env, ...extraEnv },
        stdio: ["ignore", "pipe", "pipe"],
        detached: true,
      });
      running.add(child);
      const stdout: Buffer[] = [];
      const stderr: Buffer[] = [];
      child.stdout.on("data", (chunk: Buffer) => stdout.push(chunk));
      child.stderr.on("data", (chunk: Buffer) => stderr.push(chunk));
      child.once("error", (error) => {
        running.delete(child);
        reject(error);
      });
      child.once("close", (code, signal) => {
        running.delete(child);
        resolve({
          args,
          code: code ?? 1,
          stdout: Buffer.concat(stdout).toString(),
          stderr: Buffer.concat(stderr).toString() + (signal ? `\n(terraform was stopped by ${signal})` : ""),
        });
      });
    });
  }

  /** Runs terraform and throws with its whole output unless it exits 0. */
  async ok(args: readonly string[], extraEnv: NodeJS.ProcessEnv = {}): Promise<TerraformResult> {
    const result = await this.run(args, extraEnv);
    if (result.code !== 0) throw new Error(describeFailure(result));
    return result;
  }

  init(): Promise<TerraformResult> {
    return this.ok(["init", "-input=false"]);
  }

  apply(extraArgs: readonly string[] = [], extraEnv: NodeJS.ProcessEnv = {}): Promise<TerraformResult> {
    return this.run(["apply", "-auto-approve", "-input=false", ...extraArgs], extraEnv);
  }

  /** `plan -detailed-exitcode`: 0 when there is nothing to do, 2 when there are changes, 1 on error. */
  plan(extraArgs: readonly string[] = []): Promise<TerraformResult> {
    return this.run(["plan", "-detailed-exitcode", "-input=false", ...extraArgs]);
  }

  destroy(extraArgs: readonly string[] = []): Promise<TerraformResult> {
    return this.run(["destroy", "-auto-approve", "-input=false", ...extraArgs]);
  }

  /** The stack's outputs, as plain values. */
  async outputs(): Promise<Record<string, unknown>> {
    const { stdout } = await this.ok(["output", "-json"]);
    return Object.fromEntries(
      Object.entries(JSON.parse(stdout) as Record<string, { value: unknown }>).map(([k, v]) => [k, v.value]),
    );
  }
}

/**
 * `env` for running terraform (or the cdktf CLI) unattended: no prompts, no calls home, and, when a provider
 * mirror exists, a CLI config written into `scratchDir` that installs the hashicorp providers from it.
 */
export function terraformEnvironment(env: NodeJS.ProcessEnv, scratchDir: string): NodeJS.ProcessEnv {
  const mirror = providerMirror(env);
  return {
    ...env,
    TF_IN_AUTOMATION: "1",
    TF_INPUT: "0",
    CHECKPOINT_DISABLE: "1",
    // Most of a terraform command's CPU is decoding the AWS provider's schema, much of it Go's garbage collector.
    // Collecting less often cuts that but touches more fresh memory, which costs system time in page faults.
    // Measured on 16 commands attached to one provider (CPU-seconds, terraform only): GOGC 100: 33.0, 150:
    // 32.8, 200: 29.7 and 32.0, 300: 31.2, 400: 32.5 and 34.4, 800: 35.9; launching the provider, 200 and 400
    // are even. A GOGC of the caller's own wins.
    GOGC: env.GOGC ?? "200",
    ...(mirror ? { TF_CLI_CONFIG_FILE: writeMirrorConfig(scratchDir, mirror) } : {}),
  };
}

/** The provider mirror on disk (TF_PROVIDER_MIRROR, else /opt/tf-plugins), or undefined when there is none. */
export function providerMirror(env: NodeJS.ProcessEnv): string | undefined {
  const mirror = env.TF_PROVIDER_MIRROR ?? DEFAULT_PROVIDER_MIRROR;
  return fs.existsSync(mirror) ? mirror : undefined;
}

/** A readable account of a failed terraform command. */
export function describeFailure(result: TerraformResult): string {
  return `terraform ${result.args.join(" ")} exited ${result.code}\n--- stdout\n${result.stdout}\n--- stderr\n${result.stderr}`;
}

function writeMirrorConfig(dir: string, mirror: string): string {
  fs.mkdirSync(dir, { recursive: true });
  const file = path.join(dir, "terraform-cli.tfrc");
  fs.writeFileSync(
    file,
    `provider_installation {
  filesystem_mirror {
    path    = ${JSON.stringify(mirror)}
    include = ["registry.terraform.io/hashicorp/*"]
  }
  direct {
    exclude = ["registry.terraform.io/hashicorp/*"]
  }
}
`,
  );
  return file;
}
