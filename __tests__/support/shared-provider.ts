import { ChildProcess, spawn } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { recordProviderCpu } from "../../tools/bench/terraform-cpu";
import { stopProcess } from "../../tools/process/stop-process";
import { Terraform, TerraformResult } from "../../tools/terraform/terraform";
import { SchemaProxy } from "./schema-proxy";
import { stackResourceTypes } from "./stack-resource-types";

/** Where `terraform init` installs the AWS provider in a stack folder: <version>/<os_arch>/terraform-provider-aws_*. */
const AWS_PROVIDER_DIR = path.join(".terraform", "providers", "registry.terraform.io", "hashicorp", "aws");

/** How long the provider may take to start on a loaded machine before the test fails. */
const START_TIMEOUT_MS = 60_000;

/**
 * Without these the provider, started on its own, writes a trace line to its stderr for every gRPC call (about
 * 5,000 a plan); started by terraform it writes them to terraform, which drops them.
 */
const QUIET: NodeJS.ProcessEnv = {
  TF_LOG_SDK: "off",
  TF_LOG_SDK_PROTO: "off",
  TF_LOG_SDK_MUX: "off",
  TF_LOG_SDK_HELPER_SCHEMA: "off",
};

/** One AWS provider started in debug mode. */
interface RunningProvider {
  readonly child: ChildProcess;
  /** The value of TF_REATTACH_PROVIDERS that attaches terraform to it. */
  readonly reattach: string;
  /** Its TMPDIR, where it makes the Unix socket terraform attaches to. */
  readonly tempDir: string;
}

/** A provider started in debug mode behind its {@link SchemaProxy}, which terraform attaches to. */
interface ProxiedProvider extends RunningProvider {
  readonly proxy: SchemaProxy;
}

/**
 * The AWS provider, started once per test file (and per AWS environment) in its debug mode and attached to that
 * file's terraform commands through TF_REATTACH_PROVIDERS, instead of each command starting the 700 MB provider
 * itself (a plan starts it three times). Measured on a plan: 4.4 CPU-seconds launched, 2.9 attached (terraform
 * 1.9, the provider 1.0), and a scenario runs about five commands.
 *
 * Terraform reaches it through a {@link SchemaProxy}, which answers the schema call from one trimmed copy.
 *
 * The attached provider is the same binary serving the same gRPC calls: every command configures it again
 * (ConfigureProvider), with the AWS environment it was started with, so commands with other AWS settings (a
 * member account's credentials) get a provider of their own, started with those. The tests that run terraform
 * the way users do (pipeline, npm start, the cdktf CLI) do not attach. Nor could a provider with a custom CA
 * bundle (AWS_CA_BUNDLE): the AWS SDK adds it to the HTTP client on every configure and fails the second time
 * ("unable to add custom RootCAs HTTPClient"); the emulator's environment drops every AWS_* variable of the
 * caller's.
 */
export class SharedProvider {
  private readonly providers = new Map<string, Promise<ProxiedProvider>>();

  /** `extraTypes`: resource types beyond the stack's that the file's configurations use (the schema keeps only these). */
  constructor(private readonly extraTypes: readonly string[] = []) {}

  /** TF_REATTACH_PROVIDERS for terraform commands in the initialized `stackDir` run with `env`. */
  async reattach(stackDir: string, env: NodeJS.ProcessEnv): Promise<string> {
    const binary = awsProviderBinary(stackDir);
    const key = providerKey(binary, env);
    let provider = this.providers.get(key);
    if (provider === undefined) {
      provider = startProxied(binary, env, this.extraTypes);
      this.providers.set(key, provider);
    }
    return (await provider).proxy.reattach;
  }

  /** Stops every provider this file started, and waits until they are gone. */
  async stop(): Promise<void> {
    const started = [...this.providers.values()];
    this.providers.clear();
    await Promise.all(
      started.map(async (provider) => {
        const running = await provider.catch(() => undefined);
        if (running === undefined) return;
        await running.proxy.close();
        recordProviderCpu(running.child.pid);
        await stopProvider(running);
      }),
    );
  }
}

/**
 * Terraform whose commands, once {@link attach} is called, attach to the {@link SharedProvider} started with their
 * AWS settings: the management account's, or those a command brings (a member account's credentials).
 */
export class AttachableTerraform extends Terraform {
  private provider?: SharedProvider;

  attach(provider: SharedProvider): void {
    this.provider = provider;
  }

  override async run(args: readonly string[], extraEnv: NodeJS.ProcessEnv = {}): Promise<TerraformResult> {
    if (this.provider === undefined || hasProviderAliases(this.workingDir)) return super.run(args, extraEnv);
    const reattach = await this.provider.reattach(this.workingDir, { ...this.env, ...extraEnv });
    return super.run(args, { ...extraEnv, TF_REATTACH_PROVIDERS: reattach });
  }
}

/**
 * Whether the synthesized stack has more than one AWS provider configuration (the alerts' regions and accounts).
 * An attached provider is one process that every configuration configures in turn, and the last one wins: the
 * default provider's resources would be made in another region or account. Terraform starts one per
 * configuration itself.
 */
function hasProviderAliases(stackDir: string): boolean {
  const file = path.join(stackDir, "cdk.tf.json");
  if (!fs.existsSync(file)) return false;
  const providers = (JSON.parse(fs.readFileSync(file, "utf8")) as { provider?: { aws?: unknown } }).provider?.aws;
  return Array.isArray(providers) && providers.length > 1;
}

/**
 * Which running provider serves a command: the same binary started with the same AWS_* settings (what
 * configures it), whatever else the command's environment holds.
 */
export function providerKey(binary: string, env: NodeJS.ProcessEnv): string {
  return JSON.stringify([binary, awsSettings(env)]);
}

/** The AWS_* variables of an environment, sorted by name: what configures the provider. */
function awsSettings(env: NodeJS.ProcessEnv): Record<string, string | undefined> {
  return Object.fromEntries(
    Object.entries(env)
      .filter(([name]) => name.startsWith("AWS_"))
      .sort(([a], [b]) => a.localeCompare(b)),
  );
}

/** The AWS provider binary `terraform init` installed in `stackDir`. */
function awsProviderBinary(stackDir: string): string {
  const root = path.join(stackDir, AWS_PROVIDER_DIR);
  const binaries = fs.existsSync(root)
    ? fs
        .readdirSync(root, { recursive: true, encoding: "utf8" })
        .filter((file) => path.basename(file).startsWith("terraform-provider-aws"))
    : [];
  if (binaries.length !== 1) {
    throw new Error(
      `expected one AWS provider under ${root} after terraform init, found ${binaries.length}: ${binaries.join(", ")}`,
    );
  }
  return fs.realpathSync(path.join(root, binaries[0]));
}

/** Starts the provider in debug mode, then its {@link SchemaProxy}; stops the provider if the proxy fails. */
async function startProxied(binary: string, env: NodeJS.ProcessEnv, extraTypes: readonly string[]): Promise<ProxiedProvider> {
  const provider = await start(binary, env);
  try {
    const types = new Set([...(await stackResourceTypes()), ...extraTypes]);
    return { ...provider, proxy: await SchemaProxy.start(provider.reattach, types) };
  } catch (error) {
    await stopProvider(provider);
    throw error;
  }
}

/** Stops a provider and removes its TMPDIR. */
async function stopProvider(provider: RunningProvider): Promise<void> {
  await stopProcess(provider.child);
  fs.rmSync(provider.tempDir, { recursive: true, force: true });
}

/**
 * Starts the provider in debug mode and resolves once it says how to attach to it. Its TMPDIR is a folder of its
 * own: it makes its socket there and, stopped by a signal, never removes it (one /tmp/plugin* file per file).
 */
function start(binary: string, env: NodeJS.ProcessEnv): Promise<RunningProvider> {
  const tempDir = fs.mkdtempSync(path.join(os.tmpdir(), "root-access-provider-"));
  return new Promise((resolve, reject) => {
    const child = spawn(binary, ["-debug"], {
      env: { ...env, ...QUIET, TMPDIR: tempDir },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let output = "";
    const fail = (why: string) => {
      clearTimeout(timer);
      child.kill("SIGKILL");
      fs.rmSync(tempDir, { recursive: true, force: true });
      reject(new Error(`the AWS provider ${binary} -debug ${why}; its output:\n${output}`));
    };
    const timer = setTimeout(
      () => fail(`did not print TF_REATTACH_PROVIDERS within ${START_TIMEOUT_MS / 1000} s`),
      START_TIMEOUT_MS,
    );
    child.once("error", (error) => fail(`could not start (${error.message})`));
    child.once("exit", (code, signal) => fail(`exited (${signal ?? code}) before it could be attached`));
    child.stderr.on("data", (chunk: Buffer) => (output += chunk.toString()));
    child.stdout.on("data", (chunk: Buffer) => {
      output += chunk.toString();
      const reattach = /TF_REATTACH_PROVIDERS='([^']+)'/.exec(output)?.[1];
      if (reattach === undefined) return;
      clearTimeout(timer);
      child.removeAllListeners("exit");
      // From here on nobody reads what it writes; keep its pipes flowing so it never blocks on them.
      child.stdout.removeAllListeners("data").resume();
      child.stderr.removeAllListeners("data").resume();
      resolve({ child, reattach, tempDir });
    });
  });
}
