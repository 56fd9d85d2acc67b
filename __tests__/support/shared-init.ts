import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { Terraform } from "../../tools/terraform/terraform";

/** What `terraform init` leaves in a stack folder for the commands after it. */
const INIT_OUTPUTS = [".terraform", ".terraform.lock.hcl"] as const;

/**
 * `terraform init` once per test file and per `terraform` block (backend and required providers), copied into
 * each scenario's stack folder instead of run again: init starts the provider too (about 1.3 CPU-seconds).
 *
 * The copies' lock file keeps the provider's version and constraints but not its checksums. With checksums,
 * terraform hashes the 700 MB provider binary before every command: measured, `show -json` takes 3.5 CPU-seconds
 * with them and 2.8 without, and a scenario runs about five commands. The real init verified the package it
 * installed, and the tests that run terraform the way users do (pipeline, npm start, the cdktf CLI, S3 state)
 * keep the lock file as terraform wrote it.
 */
export class SharedInit {
  private readonly folders = new Map<string, string>();

  /** Puts an initialized `.terraform` and lock file into `stackDir`; init runs for a block not seen before. */
  async into(stackDir: string, env: NodeJS.ProcessEnv): Promise<void> {
    const block = terraformBlock(stackDir);
    let folder = this.folders.get(block);
    if (folder === undefined) {
      folder = await initialize(block, env);
      this.folders.set(block, folder);
    }
    for (const output of INIT_OUTPUTS) {
      fs.cpSync(path.join(folder, output), path.join(stackDir, output), { recursive: true, verbatimSymlinks: true });
    }
  }

  /** Removes the initialized folders. */
  remove(): void {
    for (const folder of this.folders.values()) fs.rmSync(rootOf(folder), { recursive: true, force: true });
    this.folders.clear();
  }
}

/** The stack's `terraform` block, as the text that keys an initialized folder. */
function terraformBlock(stackDir: string): string {
  const config = JSON.parse(fs.readFileSync(path.join(stackDir, "cdk.tf.json"), "utf8")) as { terraform?: unknown };
  return JSON.stringify(config.terraform ?? {});
}

/** Where an initialized stack folder sits, as a synthesized stack does: backend paths are relative to it. */
const STACK_FOLDER = path.join("cdktf.out", "stacks", "init");

/** The temporary folder an initialized stack folder is in. */
function rootOf(folder: string): string {
  return folder.slice(0, -STACK_FOLDER.length - 1);
}

/** A real `terraform init` of only that block, in a temporary folder of its own. */
async function initialize(block: string, env: NodeJS.ProcessEnv): Promise<string> {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), "root-access-init-"));
  const folder = path.join(root, STACK_FOLDER);
  fs.mkdirSync(folder, { recursive: true });
  fs.writeFileSync(path.join(folder, "main.tf.json"), JSON.stringify({ terraform: JSON.parse(block) as unknown }));
  await new Terraform(folder, env, root).ok(["init", "-input=false"]);
  const lockFile = path.join(folder, ".terraform.lock.hcl");
  fs.writeFileSync(lockFile, withoutChecksums(fs.readFileSync(lockFile, "utf8")));
  return folder;
}

/** A dependency lock file without its `hashes = [...]` lists. */
export function withoutChecksums(lockFile: string): string {
  return lockFile.replace(/^\s*hashes\s*=\s*\[[^\]]*\]\n/gm, "");
}
