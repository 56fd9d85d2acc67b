import { ChildProcessWithoutNullStreams, SpawnOptionsWithoutStdio, spawn } from "node:child_process";
import { stopProcessGroups } from "../../tools/process/stop-process";

const tracked = new Set<ChildProcessWithoutNullStreams>();

/** What a finished child printed, and how it ended. */
export interface Finished {
  readonly code: number;
  readonly signal: NodeJS.Signals | null;
  readonly stdout: string;
  readonly stderr: string;
}

/**
 * Runs a command in a process group of its own and resolves when it ends. If the test is abandoned first (it
 * failed, or timed out), the tier's afterEach stops the whole group: the command and everything it started.
 */
export function runTracked(command: string, args: readonly string[], options: SpawnOptionsWithoutStdio = {}): Promise<Finished> {
  return startTracked(command, args, options).finished;
}

/** Like runTracked, with the child at hand while it runs (to signal it, or to close its pipes). */
export function startTracked(
  command: string,
  args: readonly string[],
  options: SpawnOptionsWithoutStdio = {},
): { readonly child: ChildProcessWithoutNullStreams; readonly finished: Promise<Finished> } {
  const child = spawn(command, args, { ...options, stdio: "pipe", detached: true });
  tracked.add(child);
  child.stdin.end();
  const stdout: Buffer[] = [];
  const stderr: Buffer[] = [];
  child.stdout.on("data", (chunk: Buffer) => stdout.push(chunk));
  child.stderr.on("data", (chunk: Buffer) => stderr.push(chunk));
  const finished = new Promise<Finished>((resolve, reject) => {
    child.once("error", (error) => {
      tracked.delete(child);
      reject(error);
    });
    child.once("close", (code, signal) => {
      tracked.delete(child);
      resolve({ code: code ?? 1, signal, stdout: Buffer.concat(stdout).toString(), stderr: Buffer.concat(stderr).toString() });
    });
  });
  return { child, finished };
}

/** Stops every process group runTracked started that has not ended: SIGTERM, then SIGKILL after 5 s. */
export function stopTrackedProcesses(): Promise<number> {
  return stopProcessGroups(tracked);
}
