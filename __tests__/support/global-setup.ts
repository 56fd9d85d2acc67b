import { execFileSync } from "node:child_process";
import { randomUUID } from "node:crypto";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { EmulatorForkServer, FORK_SERVER_VARIABLE } from "../../tools/emulator/server";
import { requireTerraform } from "../../tools/terraform/terraform";
import { RUN_MARKER } from "./leaked-processes";
import { SHARED_INIT_FOLDER_VARIABLE } from "./shared-init";

/** What this run shares between test files, for the global teardown to stop and remove. */
export const sharedByThisRun: { forkServer?: EmulatorForkServer; initFolder?: string } = {};

/**
 * Before the integration and end-to-end tiers (once, though both name it): fails the run at once, saying what to
 * install, if terraform is missing (their files rely on this one check and never skip); builds every program
 * into build/ (the stacks ship build/root-access.js, and tests run the others); marks this run in the
 * environment every test process inherits, so the global teardown can find any of them still running; starts
 * python with moto imported once, so each test file's emulator is a fork of it (milliseconds, not a second of
 * CPU); and makes the folder where test files share their `terraform init` (SharedInit).
 */
export default async function globalSetup(): Promise<void> {
  if (sharedByThisRun.forkServer) return;
  requireTerraform();
  process.env[RUN_MARKER] ??= randomUUID();
  execFileSync(process.execPath, [path.join(__dirname, "..", "..", "tools", "build.mjs")], { stdio: "inherit" });
  sharedByThisRun.forkServer = await EmulatorForkServer.start();
  process.env[FORK_SERVER_VARIABLE] = sharedByThisRun.forkServer.socket;
  sharedByThisRun.initFolder = fs.mkdtempSync(path.join(os.tmpdir(), "root-access-shared-init-"));
  process.env[SHARED_INIT_FOLDER_VARIABLE] = sharedByThisRun.initFolder;
}
