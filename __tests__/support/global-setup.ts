import { execFileSync } from "node:child_process";
import { randomUUID } from "node:crypto";
import * as path from "node:path";
import { EmulatorForkServer, FORK_SERVER_VARIABLE } from "../../tools/emulator/server";
import { RUN_MARKER } from "./leaked-processes";

/** The fork server this run's emulators come from; the global teardown stops it. */
export const forkServerOfThisRun: { server?: EmulatorForkServer } = {};

/**
 * Before the integration and end-to-end tiers (once, though both name it): builds every program into build/
 * (the stacks ship build/root-access.js, and tests run the others); marks this run in the environment every
 * test process inherits, so the global teardown can find any of them still running; and starts python with
 * moto imported once, so each test file's emulator is a fork of it (milliseconds, not a second of CPU).
 */
export default async function globalSetup(): Promise<void> {
  if (forkServerOfThisRun.server) return;
  process.env[RUN_MARKER] ??= randomUUID();
  execFileSync(process.execPath, [path.join(__dirname, "..", "..", "tools", "build.mjs")], { stdio: "inherit" });
  forkServerOfThisRun.server = await EmulatorForkServer.start();
  process.env[FORK_SERVER_VARIABLE] = forkServerOfThisRun.server.socket;
}
