import { execFileSync } from "node:child_process";
import { StackConfig } from "./config";
import { terraformMissing, terraformTooOld } from "./errors";

/** The oldest Terraform the synthesized stacks work with: `removed` blocks need 1.7. */
export const MIN_TERRAFORM = [1, 7] as const;
/** S3-native state locking (`use_lockfile`) needs 1.10. */
export const MIN_TERRAFORM_FOR_S3_LOCKFILE = [1, 10] as const;

/**
 * Checks the terraform on PATH once per synth. (cdktf's own check runs `terraform version` for every
 * terraform_data resource, two per stack, which made synth time grow by about 75 ms per stack.)
 */
export function checkTerraformVersion(stacks: readonly StackConfig[], binary = process.env.TERRAFORM_BINARY_NAME || "terraform"): void {
  let output: string;
  try {
    output = execFileSync(binary, ["version"], { encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] });
  } catch (error) {
    throw terraformMissing(binary, error);
  }
  const found = /v?(\d+)\.(\d+)\.(\d+)/.exec(output);
  const needsLockfile = stacks.some((stack) => stack.backend.type === "s3" && stack.backend.useLockfile);
  const minimum = needsLockfile ? MIN_TERRAFORM_FOR_S3_LOCKFILE : MIN_TERRAFORM;
  const [major, minor] = found ? [Number(found[1]), Number(found[2])] : [0, 0];
  if (!found || major < minimum[0] || (major === minimum[0] && minor < minimum[1])) {
    throw terraformTooOld(binary, found?.[0] ?? output.trim(), `${minimum[0]}.${minimum[1]}`, needsLockfile);
  }
}
