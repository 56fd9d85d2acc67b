import { ChildProcess } from "node:child_process";

/** How long a stopped process gets to exit before it is killed. */
export const STOP_GRACE_MS = 5_000;

/** Closes its stdin and sends SIGTERM, then SIGKILL after a grace period; resolves once it has exited. */
export async function stopProcess(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((resolve) => child.once("exit", resolve));
  child.stdin?.end();
  child.kill("SIGTERM");
  const timer = setTimeout(() => child.kill("SIGKILL"), STOP_GRACE_MS);
  await exited;
  clearTimeout(timer);
}

/**
 * Sends SIGTERM to the process group `child` leads (it was spawned detached), then SIGKILL to the group after the
 * grace period; resolves once the child has closed its output.
 */
async function stopProcessGroup(child: ChildProcess): Promise<void> {
  const closed = new Promise((resolve) => child.once("close", resolve));
  if (child.pid !== undefined) signalIfRunning(-child.pid, "SIGTERM");
  const timer = setTimeout(() => child.pid !== undefined && signalIfRunning(-child.pid, "SIGKILL"), STOP_GRACE_MS);
  await closed;
  clearTimeout(timer);
}

/**
 * Stops, with {@link stopProcessGroup}, every process group in `running`: children that leave the set when they
 * close, so every one in it is still running. Resolves with how many there were.
 */
export async function stopProcessGroups(running: ReadonlySet<ChildProcess>): Promise<number> {
  const children = [...running];
  await Promise.all(children.map((child) => stopProcessGroup(child)));
  return children.length;
}

/** Sends `signal` to `pid` (a process group when negative); one that is already gone is not an error. */
export function signalIfRunning(pid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(pid, signal);
  } catch {
    // already gone
  }
}
