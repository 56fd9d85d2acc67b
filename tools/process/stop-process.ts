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
