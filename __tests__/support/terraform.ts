import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";

/** Where the AWS provider is mirrored on these machines; TF_PROVIDER_MIRROR overrides it. */
export const PROVIDER_MIRROR = process.env.TF_PROVIDER_MIRROR ?? "/opt/tf-plugins";

/** Fails loudly (never skips) when terraform is not on PATH: the synthesized JSON must be checked by it. */
export function requireTerraform(): void {
  const result = spawnSync("terraform", ["version"], { encoding: "utf8" });
  if (result.error || result.status !== 0) {
    throw new Error(`terraform is required by this test but "terraform version" failed (${result.error?.message ?? result.stderr}). Install Terraform >= 1.5 and put it on PATH.`);
  }
}

/**
 * The environment for running terraform in tests: with a provider mirror on disk, a CLI config of our own
 * that installs hashicorp providers from it (offline); otherwise the normal registry.
 */
export function terraformEnv(workDir: string): NodeJS.ProcessEnv {
  if (!fs.existsSync(PROVIDER_MIRROR)) {
    return process.env;
  }
  const file = path.join(workDir, "terraform-cli.tfrc");
  fs.writeFileSync(
    file,
    `provider_installation {
  filesystem_mirror {
    path    = ${JSON.stringify(PROVIDER_MIRROR)}
    include = ["registry.terraform.io/hashicorp/*"]
  }
  direct {
    exclude = ["registry.terraform.io/hashicorp/*"]
  }
}
`,
  );
  return { ...process.env, TF_CLI_CONFIG_FILE: file, TF_IN_AUTOMATION: "1", CHECKPOINT_DISABLE: "1" };
}

/** Runs terraform; throws with its output when it fails. */
export function terraform(args: readonly string[], options: { readonly cwd: string; readonly env: NodeJS.ProcessEnv }): string {
  const result = spawnSync("terraform", args, {
    cwd: options.cwd,
    env: options.env,
    encoding: "utf8",
  });
  if (result.status !== 0) {
    throw new Error(`terraform ${args.join(" ")} failed (exit ${result.status}):\n${result.stdout}\n${result.stderr}`);
  }
  return result.stdout;
}
