import * as fs from "node:fs";
import { FORK_SERVER_VARIABLE } from "../../tools/emulator/server";
import { signalIfRunning } from "../../tools/process/stop-process";
import { sharedByThisRun } from "./global-setup";
import { leakedProcesses } from "./leaked-processes";
import { SHARED_INIT_FOLDER_VARIABLE } from "./shared-init";

/**
 * After the run (once, though two tiers name it): stops the emulators' fork server and removes the shared init
 * folder; then every process a test started must be gone. A leftover is a defect (it can act on another test's
 * emulator, or hold 700 MB of provider): it is killed, and the run fails naming it.
 */
export default async function globalTeardown(): Promise<void> {
  const { forkServer, initFolder } = sharedByThisRun;
  delete sharedByThisRun.forkServer;
  delete sharedByThisRun.initFolder;
  if (forkServer) {
    delete process.env[FORK_SERVER_VARIABLE];
    await forkServer.stop();
  }
  if (initFolder) {
    delete process.env[SHARED_INIT_FOLDER_VARIABLE];
    fs.rmSync(initFolder, { recursive: true, force: true });
  }
  // Processes stopped in the last afterAll may take a moment to exit.
  let leaked = leakedProcesses();
  for (let waited = 0; leaked.length > 0 && waited < 10_000; waited += 250) {
    await new Promise((resolve) => setTimeout(resolve, 250));
    leaked = leakedProcesses();
  }
  if (leaked.length === 0) return;
  for (const { pid } of leaked) signalIfRunning(pid, "SIGKILL");
  throw new Error(
    `${leaked.length} process(es) started by the tests were still running after them (now killed):\n` +
      leaked.map(({ pid, command }) => `  ${pid} ${command.slice(0, 200)}`).join("\n"),
  );
}
