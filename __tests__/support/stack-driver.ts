import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { Emulator } from "../../tools/emulator/emulator";
import { OrganizationState, readOrganizationState } from "../../tools/emulator/organization-state";
import { TerraformResult, describeFailure } from "../../tools/terraform/terraform";
import { DescribeOrganizationCommand } from "@aws-sdk/client-organizations";
import { organizationsAs } from "./aws";
import { PROJECT_ROOT } from "./paths";
import { SharedInit } from "./shared-init";
import { AttachableTerraform, SharedProvider } from "./shared-provider";

/** How to run one apply. */
export interface ApplyOptions {
  /** AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY and AWS_SESSION_TOKEN to use instead of the management account's. */
  readonly credentials?: NodeJS.ProcessEnv;
  readonly args?: readonly string[];
}

/** A resource in terraform's state file (format version 4), as far as taint is concerned. */
interface StateResource {
  readonly type: string;
  readonly name: string;
  readonly instances: readonly { readonly index_key?: string | number; readonly status?: string }[];
}

/** The `terraform init` this file's drivers copy, shared with the run's other files ({@link SharedInit}). */
const sharedInit = new SharedInit();

/** This test file's running AWS providers, which commands after init attach to (stopped by {@link useScenario}). */
const sharedProvider = new SharedProvider();

/** The stack name every scenario uses. */
export const STACK = "e2e";

/** One check of `npm run doctor -- --json`. */
export interface DoctorCheck {
  readonly check: string;
  readonly status: "ok" | "problem" | "cannot tell";
  readonly detail: string;
  readonly fix?: string;
}

/**
 * One stack, driven the way users run it: synthesize a config with the real app, then real terraform in the
 * synthesized folder, against the emulator. Checks go through the AWS API, never through terraform's view.
 * Each driver has its own folder (config, cdktf.out, state), so scenarios cannot see each other.
 */
export class StackDriver {
  readonly dir = fs.mkdtempSync(path.join(os.tmpdir(), "root-access-e2e-"));
  readonly stackDir = path.join(this.dir, "cdktf.out", "stacks", STACK);
  readonly terraform: AttachableTerraform;
  /** The saved plan of the last apply, and its `terraform show -json`. */
  readonly planFile = path.join(this.dir, "tfplan");
  readonly planJson = path.join(this.dir, "plan.json");
  /** The local backend's state file: ../../../terraform.<stack>.tfstate from the stack folder. */
  readonly stateFile = path.join(this.dir, `terraform.${STACK}.tfstate`);
  private initialized = false;

  constructor(
    readonly emulator: Emulator,
    /** Management-account credentials and the emulator's endpoint. */
    readonly env: NodeJS.ProcessEnv = emulator.environment(),
  ) {
    this.terraform = new AttachableTerraform(this.stackDir, env, this.dir);
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
   * A precondition, set up the fast way: synth, then one `terraform apply -auto-approve`, which must succeed.
   * The step a scenario is about goes through {@link apply} instead, the way a careful pipeline runs it.
   */
  async given(stack: Record<string, unknown> = {}, options: ApplyOptions = {}): Promise<TerraformResult> {
    this.synth(stack);
    await this.init();
    const { result, calls } = await this.callsDuring(() => this.terraform.apply(options.args, options.credentials));
    if (result.code === 0) return result;
    if (!lostCreateOrganizationReply(result, calls)) throw new Error(describeFailure(result));
    // The organization was created and the reply lost: recover as the plan gate tells users to (import it into
    // state), and apply again. Only for preconditions; the step a scenario is about gets no second chance.
    const { Organization } = await organizationsAs(this.env).send(new DescribeOrganizationCommand({}));
    process.stderr.write(
      `given(): CreateOrganization was sent ${calls["organizations:CreateOrganization"]} times and the retry failed ` +
        `with AlreadyInOrganizationException (the first reply was lost); importing ${Organization?.Id} and applying again\n`,
    );
    await this.terraform.ok(["import", "-input=false", "aws_organizations_organization.organization", String(Organization?.Id)]);
    const again = await this.terraform.apply(options.args, options.credentials);
    if (again.code !== 0) throw new Error(describeFailure(again));
    return again;
  }

  /**
   * What a careful pipeline runs: `plan -out`, `show -json`, the plan gate (`plan-gate`), then `apply` of that
   * saved plan. Returns the first step that failed, or the apply; `credentials` replace the management account's.
   */
  async apply(options: ApplyOptions = {}): Promise<TerraformResult> {
    const planned = await this.plan(options);
    if (planned.code !== 0) return planned;
    const gate = this.planGate(this.planJson, options.credentials);
    if (gate.code !== 0) return gate;
    return this.terraform.run(["apply", "-input=false", this.planFile], options.credentials);
  }

  /**
   * `terraform init`, once: without `args`, the run's shared init ({@link SharedInit}); with settings that
   * belong to this machine, such as `-backend-config=...`, a real init in this stack folder. Either way the
   * commands after it attach to the file's running providers ({@link SharedProvider}).
   */
  async init(args: readonly string[] = []): Promise<void> {
    if (this.initialized) return;
    if (args.length === 0) await sharedInit.into(this.stackDir, this.env);
    else await this.terraform.ok(["init", "-input=false", ...args]);
    this.terraform.attach(sharedProvider);
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

  /**
   * `npm run plan-gate -- plan.json` (the built CLI) on the last plan, or on `planJson` when given, with the
   * credentials terraform planned with (the gate reads the live organization when the plan creates one).
   */
  planGate(planJson: string = this.planJson, credentials: NodeJS.ProcessEnv = {}): TerraformResult {
    const args = [path.join(PROJECT_ROOT, "build", "plan-gate.js"), planJson];
    const result = spawnSync(process.execPath, args, { encoding: "utf8", env: { ...this.env, ...credentials } });
    return { args: ["plan-gate", planJson], code: result.status ?? 1, stdout: result.stdout, stderr: result.stderr };
  }

  /** `npm run doctor -- e2e --json` (the built CLI) with this stack's config: its exit code and report. */
  doctor(): { readonly code: number; readonly checks: readonly DoctorCheck[] } {
    const args = [path.join(PROJECT_ROOT, "build", "doctor.js"), STACK, "--json"];
    const configFile = path.join(this.dir, "root-access.config.json");
    const result = spawnSync(process.execPath, args, { encoding: "utf8", env: { ...this.env, ROOT_ACCESS_CONFIG: configFile } });
    if (result.status !== 0 && result.status !== 2) throw new Error(`doctor failed (exit ${result.status}):\n${result.stderr}`);
    return { code: result.status, checks: (JSON.parse(result.stdout) as { checks: DoctorCheck[] }).checks };
  }

  /** `terraform apply` that must succeed. */
  async applyOk(options: ApplyOptions = {}): Promise<TerraformResult> {
    const result = await this.apply(options);
    if (result.code !== 0) throw new Error(describeFailure(result));
    return result;
  }

  /**
   * Whether the stack has converged: one `terraform plan -detailed-exitcode` (0 nothing to do, 2 changes; an
   * error throws), with the emulator's calls during it counted.
   */
  async converged(): Promise<{ readonly planExitCode: number; readonly writes: Record<string, number> }> {
    const { result, calls } = await this.callsDuring(() => this.terraform.plan());
    if (result.code === 1) throw new Error(describeFailure(result));
    return { planExitCode: result.code, writes: writeCalls(calls) };
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
    return callsDuring(this.emulator, action);
  }

  /** Addresses of resources terraform marked tainted (a failed create-time provisioner), read from the state file. */
  taintedResources(): string[] {
    const state = JSON.parse(fs.readFileSync(this.stateFile, "utf8")) as { resources?: StateResource[] };
    return (state.resources ?? []).flatMap((resource) =>
      resource.instances
        .filter((instance) => instance.status === "tainted")
        .map(
          (instance) =>
            `${resource.type}.${resource.name}${instance.index_key === undefined ? "" : `[${JSON.stringify(instance.index_key)}]`}`,
        ),
    );
  }

  /** Removes the driver's folder. */
  cleanup(): void {
    fs.rmSync(this.dir, { recursive: true, force: true });
  }
}

/** The calls among emulator counts that change something, in any service. */
export function writeCalls(calls: Record<string, number>): Record<string, number> {
  return Object.fromEntries(
    Object.entries(calls).filter(([key]) =>
      /:(Enable|Disable|Create|Delete|Register|Deregister|Update|Attach|Detach|Put|Tag|Untag|Move|Remove)/.test(key),
    ),
  );
}

/** An emulator's call counts for what `action` did (counts before are subtracted). */
export async function callsDuring<T>(
  emulator: Emulator,
  action: () => Promise<T>,
): Promise<{ readonly result: T; readonly calls: Record<string, number> }> {
  const before = await emulator.calls();
  const result = await action();
  const after = await emulator.calls();
  const calls = Object.fromEntries(
    Object.entries(after)
      .map(([key, count]) => [key, count - (before[key] ?? 0)] as const)
      .filter(([, count]) => count > 0),
  );
  return { result, calls };
}

/**
 * Whether an apply failed because the SDK retried CreateOrganization after the first one took effect and its
 * reply was lost (the emulator counted two or more, and the retry got AlreadyInOrganizationException). Real
 * AWS can lose a reply too; the plan gate's organization-creatable rule tells users how to recover.
 */
export function lostCreateOrganizationReply(result: TerraformResult, calls: Record<string, number>): boolean {
  return (calls["organizations:CreateOrganization"] ?? 0) >= 2 && /AlreadyInOrganizationException/.test(result.stderr);
}

/** Terraform's output with its line wrapping undone, so a message can be matched whole. */
export function unwrapped(text: string): string {
  return text.replace(/\s+/g, " ");
}

/** Root access writes only (the native provider's refresh reads ListOrganizationsFeatures, which is not a change). */
export function rootAccessWrites(calls: Record<string, number>): Record<string, number> {
  return Object.fromEntries(
    Object.entries(rootAccessCalls(calls)).filter(([call]) => !call.endsWith("ListOrganizationsFeatures")),
  );
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
  beforeAll(async () => {
    scenario.emulator = await Emulator.start();
  });
  afterAll(() => scenario.emulator?.stop());
  afterAll(() => sharedInit.remove());
  afterAll(() => sharedProvider.stop());
  beforeEach(async () => {
    await scenario.emulator.reset();
    scenario.driver = new StackDriver(scenario.emulator);
  });
  afterEach(() => scenario.driver?.cleanup());
  return scenario;
}

/** The services whose SigV4 signing name (what the emulator counts calls by) is not their IAM action prefix. */
const IAM_PREFIX_OF_SIGNING_NAME: Record<string, string> = { monitoring: "cloudwatch" };

/** Actions among emulator counts that an IAM policy must allow (sts:GetCallerIdentity needs no permission), as IAM names them. */
export function actionsNeedingPermission(calls: Record<string, number>): string[] {
  return Object.keys(calls)
    .filter((call) => call !== "sts:GetCallerIdentity")
    .map((call) => {
      const [service, action] = call.split(":");
      return `${IAM_PREFIX_OF_SIGNING_NAME[service] ?? service}:${action}`;
    })
    .sort();
}
