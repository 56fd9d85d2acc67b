import { createHash } from "node:crypto";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { Terraform } from "../../tools/terraform/terraform";

/** What `terraform init` leaves in a stack folder for the commands after it. */
const INIT_OUTPUTS = [".terraform", ".terraform.lock.hcl"] as const;

/**
 * Where the whole run keeps initialized folders that every test file may use: set by the global setup, removed by
 * the global teardown. Unset (outside the jest tiers that set it), each file initializes for itself.
 */
export const SHARED_INIT_FOLDER_VARIABLE = "ORG_ROOT_ACCESS_TEST_INIT_FOLDER";

/**
 * `terraform init` once per test run and per `terraform` block (backend and required providers), copied into
 * each scenario's stack folder instead of run again: init hashes the 700 MB provider (about 1 CPU-second).
 * A block with a remote backend is initialized once per file instead, against that file's emulator.
 *
 * The copies' lock file keeps the provider's version and constraints but not its checksums. With checksums,
 * terraform hashes the 700 MB provider binary before every command: measured, `show -json` takes 3.5 CPU-seconds
 * with them and 2.8 without, and a scenario runs about five commands. The real init verified the package it
 * installed, and the tests that run terraform the way users do (pipeline, npm start, the cdktf CLI, S3 state)
 * keep the lock file as terraform wrote it.
 */
export class SharedInit {
  private readonly folders = new Map<string, string>();
  /** The folders this file made for itself, removed by {@link remove}; the run's stay for other files. */
  private readonly own = new Set<string>();

  constructor(private readonly runFolder: string | undefined = process.env[SHARED_INIT_FOLDER_VARIABLE]) {}

  /** Puts an initialized `.terraform` and lock file into `stackDir`; init runs for a block not seen before. */
  async into(stackDir: string, env: NodeJS.ProcessEnv): Promise<void> {
    const block = terraformBlock(stackDir);
    let folder = this.folders.get(block);
    if (folder === undefined) {
      if (this.runFolder !== undefined && hasLocalState(block)) {
        folder = await initializedForRun(block, env, this.runFolder);
      } else {
        folder = await initialize(block, env, os.tmpdir());
        this.own.add(rootOf(folder));
      }
      this.folders.set(block, folder);
    }
    for (const output of INIT_OUTPUTS) {
      fs.cpSync(path.join(folder, output), path.join(stackDir, output), { recursive: true, verbatimSymlinks: true });
    }
  }

  /** Removes the initialized folders this file made for itself. */
  remove(): void {
    for (const root of this.own) fs.rmSync(root, { recursive: true, force: true });
    this.own.clear();
    this.folders.clear();
  }
}

/** Whether the block keeps its state on this machine: then its init reaches no AWS and suits every file. */
export function hasLocalState(block: string): boolean {
  const { backend } = JSON.parse(block) as { backend?: Record<string, unknown> };
  return backend === undefined || Object.keys(backend).every((type) => type === "local");
}

/**
 * The run's initialized folder for `block`, made by whichever file needs it first. Files on two workers may
 * initialize it at the same moment: each does so in a folder of its own and renames it into place, a rename onto
 * an existing folder is refused, and so a folder found under its final name is always complete.
 */
async function initializedForRun(block: string, env: NodeJS.ProcessEnv, runFolder: string): Promise<string> {
  const root = path.join(runFolder, createHash("sha256").update(block).digest("hex").slice(0, 16));
  if (!fs.existsSync(root)) {
    const made = rootOf(await initialize(block, env, runFolder));
    try {
      fs.renameSync(made, root);
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (code !== "ENOTEMPTY" && code !== "EEXIST") throw error;
      fs.rmSync(made, { recursive: true, force: true });
    }
  }
  return path.join(root, STACK_FOLDER);
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

/** A real `terraform init` of only that block, in a new folder under `parent` (removed if init fails). */
async function initialize(block: string, env: NodeJS.ProcessEnv, parent: string): Promise<string> {
  const root = fs.mkdtempSync(path.join(parent, "root-access-init-"));
  const folder = path.join(root, STACK_FOLDER);
  fs.mkdirSync(folder, { recursive: true });
  fs.writeFileSync(path.join(folder, "main.tf.json"), JSON.stringify({ terraform: JSON.parse(block) as unknown }));
  try {
    await new Terraform(folder, env, root).ok(["init", "-input=false"]);
  } catch (error) {
    fs.rmSync(root, { recursive: true, force: true });
    throw error;
  }
  const lockFile = path.join(folder, ".terraform.lock.hcl");
  fs.writeFileSync(lockFile, withoutChecksums(fs.readFileSync(lockFile, "utf8")));
  return folder;
}

/** A dependency lock file without its `hashes = [...]` lists. */
export function withoutChecksums(lockFile: string): string {
  return lockFile.replace(/^\s*hashes\s*=\s*\[[^\]]*\]\n/gm, "");
}
