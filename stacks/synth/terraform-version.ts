import { execFile } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { promisify } from "node:util";
import type { StackConfig } from "../config/schema";
import { terraformMissing, terraformNotInstalled, terraformTooOld } from "../synth-errors";
import requirements from "./terraform-requirements.json";

/** The oldest Terraform the synthesized stacks work with: `removed` blocks need it. (.ci/run reads the same file.) */
export const MIN_TERRAFORM = requirements.minimum;
/** The oldest Terraform with S3-native state locking (`use_lockfile`). */
export const MIN_TERRAFORM_FOR_S3_LOCKFILE = requirements.minimumForS3Lockfile;

export interface TerraformVersionOptions {
  /** The terraform to check: a name looked up on PATH, or a path. */
  readonly binary?: string;
  /** Where versions already seen are kept, by binary path, size and mtime; none: always run it. */
  readonly cacheFile?: string;
}

/**
 * Checks the terraform on PATH once per synth. (cdktf's own check runs `terraform version` for every
 * terraform_data resource, two per stack, which made synth time grow by about 75 ms per stack.)
 * Asynchronous, so the app builds its stacks while terraform starts; and a binary already seen (same path,
 * size and mtime) is not run again, which saves a fifth of a synth.
 */
export async function checkTerraformVersion(
  stacks: readonly StackConfig[],
  options: TerraformVersionOptions = {},
): Promise<TerraformCheck> {
  const binary = options.binary ?? (process.env.TERRAFORM_BINARY_NAME || "terraform");
  const needsLockfile = stacks.some((stack) => stack.backend.type === "s3" && stack.backend.useLockfile);
  const minimum = needsLockfile ? MIN_TERRAFORM_FOR_S3_LOCKFILE : MIN_TERRAFORM;
  const output = await versionOutput(binary, options.cacheFile, minimum);
  if (output === undefined) return { status: "not-installed", warning: terraformNotInstalled(binary, minimum, needsLockfile) };
  const found = /v?(\d+)\.(\d+)\.(\d+)/.exec(output);
  if (!found || !isAtLeast(`${found[1]}.${found[2]}`, minimum)) {
    throw terraformTooOld(binary, found?.[0] ?? output.trim(), minimum, needsLockfile);
  }
  return { status: "ok" };
}

/**
 * What the check found: a terraform new enough, or none at all. Synthesizing needs no terraform, so a missing
 * one is a warning (plan and apply will need it); one that is present but too old, or cannot run, fails synth.
 */
export type TerraformCheck = { readonly status: "ok" } | { readonly status: "not-installed"; readonly warning: string };

/** True when version "major.minor" is `minimum` ("major.minor") or newer. */
function isAtLeast(version: string, minimum: string): boolean {
  const [major, minor] = version.split(".").map(Number);
  const [minMajor, minMinor] = minimum.split(".").map(Number);
  return major > minMajor || (major === minMajor && minor >= minMinor);
}

// `terraform version`'s output; undefined when there is no such program (not on PATH, or no such file).
async function versionOutput(binary: string, cacheFile: string | undefined, minimum: string): Promise<string | undefined> {
  const key = cacheFile && binaryFingerprint(binary);
  const cache: Record<string, string> = key ? readCache(cacheFile) : {};
  if (key && key in cache) return cache[key];
  let output: string;
  try {
    ({ stdout: output } = await promisify(execFile)(binary, ["version"], { encoding: "utf8", env: process.env }));
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return undefined;
    throw terraformMissing(binary, error, minimum);
  }
  if (key) writeCache(cacheFile, { ...cache, [key]: output });
  return output;
}

/** The binary's real path, size and mtime, or undefined when it is not found (running it reports why). */
function binaryFingerprint(binary: string): string | undefined {
  const candidates = binary.includes(path.sep)
    ? [binary]
    : (process.env.PATH ?? "").split(path.delimiter).map((dir) => path.join(dir, binary));
  for (const candidate of candidates) {
    try {
      fs.accessSync(candidate, fs.constants.X_OK);
      const real = fs.realpathSync(candidate);
      const stat = fs.statSync(real);
      if (stat.isFile()) return `${real}:${stat.size}:${stat.mtimeMs}`;
    } catch {
      // not here; try the next PATH entry
    }
  }
  return undefined;
}

function readCache(file: string): Record<string, string> {
  try {
    return JSON.parse(fs.readFileSync(file, "utf8")) as Record<string, string>;
  } catch {
    return {};
  }
}

/** Best effort: a cache that cannot be written only costs the next synth one `terraform version`. */
function writeCache(file: string, cache: Record<string, string>): void {
  try {
    fs.mkdirSync(path.dirname(file), { recursive: true });
    const temporary = `${file}.${process.pid}`;
    fs.writeFileSync(temporary, JSON.stringify(cache));
    fs.renameSync(temporary, file);
  } catch {
    // read-only checkout: nothing to keep
  }
}
