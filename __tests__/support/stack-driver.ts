import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { Emulator } from "../../tools/emulator/emulator";
import { OrganizationState, readOrganizationState } from "../../tools/emulator/organization-state";
import { Terraform, TerraformResult, describeFailure, requireTerraform } from "../../tools/terraform/terraform";
import { PROJECT_ROOT } from "./paths";

/** How to run one apply. */
export interface ApplyOptions {
  /** AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY and AWS_SESSION_TOKEN to use instead of the management account's. */
  readonly credentials?: NodeJS.ProcessEnv;
  readonly args?: readonly string[];
}

/** The stack name every scenario uses. */
export const STACK = "e2e";

/**
 * One stack, driven the way users run it: synthesize a config with the real app, then real terraform in the
 * synthesized folder, against the emulator. Checks go through the AWS API, never through terraform's view.
 * Each driver has its own folder (config, cdktf.out, state), so scenarios cannot see each other.
 */
export class StackDriver {
  readonly dir = fs.mkdtempSync(path.join(os.tmpdir(), "root-access-e2e-"));
  readonly stackDir = path.join(this.dir, "cdktf.out", "stacks", STACK);
  readonly terraform: Terraform;
  /** The saved plan of the last apply, and its `terraform show -json`. */
  readonly planFile = path.join(this.dir, "tfplan");
  readonly planJson = path.join(this.dir, "plan.json");
  private initialized = false;

  constructor(
    readonly emulator: Emulator,
    /** Management-account credentials and the emulator's endpoint. */
    readonly env: NodeJS.ProcessEnv = emulator.environment(),
  ) {
    requireTerraform();
    this.terraform = new Terraform(this.stackDir, env, this.dir);
  }

  /** `npm run synth` with this stack's settings; terraform's state and .terraform survive a re-synth. */
  synth(stack: Record<string, unknown> = {}): this {
    const configFile = path.join(this.dir, "root-access.config.json");
    fs.writeFileSync(configFile, JSON.stringify({ stacks: [{ name: STACK, ...stack }] }, null, 2));
    const result = spawnSync(process.execPath, [path.join(PROJECT_ROOT, "build", "main.js")], {
      env: { ...this.env, ROOT_ACCESS_CONFIG: configFile, CDKTF_OUTDIR: path.join(this.dir, "cdktf.out") },
      encoding: "utf8",
    });
    if (result.status !== 0) throw new Error(`synth failed (exit ${result.status}):\n${result.stderr}`);
    return this;
  }

  /** The synthesized cdk.tf.json, as text. */
  synthesizedJson(): string {
    return fs.readFileSync(path.join(this.stackDir, "cdk.tf.json"), "utf8");
  }

  /**
   * What a careful pipeline runs: `plan -out`, `show -json`, the plan gate (`plan-gate`), then `apply` of that
   * saved plan. Returns the first step that failed, or the apply; `credentials` replace the management account's.
   */
  async apply(options: ApplyOptions = {}): Promise<TerraformResult> {
    const planned = await this.plan(options);
    if (planned.code !== 0) return planned;
    const gate = this.planGate();
    if (gate.code !== 0) return gate;
    return this.terraform.run(["apply", "-input=false", this.planFile], options.credentials);
  }

  /** `terraform init`, once; `args` for settings that belong to this machine, such as `-backend-config=...`. */
  async init(args: readonly string[] = []): Promise<void> {
    if (this.initialized) return;
    await this.terraform.ok(["init", "-input=false", ...args]);
    this.initialized = true;
  }

  /** `terraform plan -out` into the driver's plan file, and `show -json` of it into plan.json. */
  async plan(options: ApplyOptions = {}): Promise<TerraformResult> {
    await this.init();
    const planned = await this.terraform.run(
      ["plan", "-input=false", `-out=${this.planFile}`, ...(options.args ?? [])],
      options.credentials,
    );
    if (planned.code !== 0) return planned;
    const shown = await this.terraform.ok(["show", "-json", this.planFile]);
    fs.writeFileSync(this.planJson, shown.stdout);
    return planned;
  }

  /** `npm run plan-gate -- plan.json` (the built CLI) on the last plan, or on `planJson` when given. */
  planGate(planJson: string = this.planJson): TerraformResult {
    const args = [path.join(PROJECT_ROOT, "build", "plan-gate.js"), planJson];
    const result = spawnSync(process.execPath, args, { encoding: "utf8" });
    return { args: ["plan-gate", planJson], code: result.status ?? 1, stdout: result.stdout, stderr: result.stderr };
  }

  /** `terraform apply` that must succeed. */
  async applyOk(options: ApplyOptions = {}): Promise<TerraformResult> {
    const result = await this.apply(options);
    if (result.code !== 0) throw new Error(describeFailure(result));
    return result;
  }

  /** `terraform plan -detailed-exitcode`'s exit code: 0 nothing to do, 2 changes, 1 error. */
  async planExitCode(): Promise<number> {
    const result = await this.terraform.plan();
    if (result.code === 1) throw new Error(describeFailure(result));
    return result.code;
  }

  destroy(): Promise<TerraformResult> {
    return this.terraform.destroy();
  }

  /** The organization, its trusted services and root access features, read through the AWS API. */
  state(env: NodeJS.ProcessEnv = this.env): Promise<OrganizationState> {
    return readOrganizationState(env);
  }

  /** The emulator's call counts for what `action` did (counts before are subtracted). */
  async callsDuring<T>(action: () => Promise<T>): Promise<{ readonly result: T; readonly calls: Record<string, number> }> {
    const before = await this.emulator.calls();
    const result = await action();
    const after = await this.emulator.calls();
    const calls = Object.fromEntries(
      Object.entries(after)
        .map(([key, count]) => [key, count - (before[key] ?? 0)] as const)
        .filter(([, count]) => count > 0),
    );
    return { result, calls };
  }

  /** Addresses of resources terraform marked tainted (a failed create-time provisioner). */
  async taintedResources(): Promise<string[]> {
    const { stdout } = await this.terraform.ok(["show", "-json"]);
    const resources: { address: string; tainted?: boolean }[] = JSON.parse(stdout).values?.root_module?.resources ?? [];
    return resources.filter((resource) => resource.tainted).map((resource) => resource.address);
  }

  /** Removes the driver's folder. */
  cleanup(): void {
    fs.rmSync(this.dir, { recursive: true, force: true });
  }
}

/** Only the IAM root access calls among emulator counts. */
export function rootAccessCalls(calls: Record<string, number>): Record<string, number> {
  return Object.fromEntries(Object.entries(calls).filter(([key]) => /^iam:\w*Organizations(Features|Root)/.test(key)));
}

/** What every scenario gets: one emulator per test file, reset before each test, and a fresh driver. */
export interface Scenario {
  readonly emulator: Emulator;
  readonly driver: StackDriver;
}

/** Registers the jest hooks for a file of scenarios; read the returned object inside tests, not at load time. */
export function useScenario(): Scenario {
  const scenario = {} as { emulator: Emulator; driver: StackDriver };
  jest.setTimeout(180_000);
  beforeAll(async () => {
    scenario.emulator = await Emulator.start();
  });
  afterAll(() => scenario.emulator?.stop());
  beforeEach(async () => {
    await scenario.emulator.reset();
    scenario.driver = new StackDriver(scenario.emulator);
  });
  afterEach(() => scenario.driver?.cleanup());
  return scenario;
}

/** Actions among emulator counts that an IAM policy must allow (sts:GetCallerIdentity needs no permission). */
export function actionsNeedingPermission(calls: Record<string, number>): string[] {
  return Object.keys(calls)
    .filter((call) => call !== "sts:GetCallerIdentity")
    .sort();
}
