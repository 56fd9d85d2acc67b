import { ChildProcess, spawn } from "node:child_process";
import * as fs from "node:fs";
import * as net from "node:net";
import * as os from "node:os";
import * as path from "node:path";
import { createInterface } from "node:readline";
import { projectRoot } from "../../stacks/config/project-root";
import { STOP_GRACE_MS, signalIfRunning, stopProcess } from "../process/stop-process";

/** The launcher that extends moto (see its docstring for what it adds). */
export const MOTO_LAUNCHER = path.join(projectRoot(), "tools", "emulator", "moto_server.py");

// moto takes a second or two to import on an idle machine; a loaded one can take many times that.
const START_TIMEOUT_MS = 60_000;

/**
 * Where the tests' global setup tells every test process to fork its emulators from (see `EmulatorForkServer`).
 * Programs ignore it: `npm start` and `npm run emulator` always start python as a user's machine does.
 */
export const FORK_SERVER_VARIABLE = "ORG_ROOT_ACCESS_EMULATOR_FORK_SERVER";

/** An emulator server being started: its URL once it is ready, and how to stop it (also before that). */
export interface StartingEmulator {
  readonly endpoint: Promise<string>;
  /** Resolves once it has exited. */
  stop(): Promise<void>;
}

/**
 * How an emulator server says it is ready: "org-root-access emulator listening on http://HOST:PORT (pid PID)".
 * Returns undefined for any other line.
 */
export function parseListeningLine(line: string): { endpoint: string; pid: number } | undefined {
  const match = /listening on (http:\/\/\S+) \(pid (\d+)\)/.exec(line);
  return match ? { endpoint: match[1], pid: Number(match[2]) } : undefined;
}

/**
 * `moto_server.py --fork-server`: python with moto imported once, which forks a fresh emulator per connection
 * to its Unix socket. An import costs about a second of CPU per emulator; a fork a few milliseconds, from the
 * same untouched state. It stops when `stop()` is called, and also when this process dies (its stdin closes).
 */
export class EmulatorForkServer {
  private constructor(
    private readonly child: ChildProcess,
    /** The Unix socket to connect to for a fork. */
    readonly socket: string,
    private readonly folder: string,
  ) {}

  static async start(python = process.env.PYTHON ?? "python3"): Promise<EmulatorForkServer> {
    const folder = fs.mkdtempSync(path.join(os.tmpdir(), "root-access-emulator-forks-"));
    const socket = path.join(folder, "socket");
    const { child, ready } = startLauncher(python, ["--fork-server", socket], (line) =>
      line.endsWith(`forks on ${socket}`) ? socket : undefined,
    );
    try {
      await ready;
    } catch (error) {
      fs.rmSync(folder, { recursive: true, force: true });
      throw error;
    }
    return new EmulatorForkServer(child, socket, folder);
  }

  /** Stops the fork server (forks already made keep running until their connection closes) and removes its socket. */
  async stop(): Promise<void> {
    await stopProcess(this.child);
    fs.rmSync(this.folder, { recursive: true, force: true });
  }
}

/** A python process of its own, which stops when its stdin closes. */
export function spawnEmulator(python: string, port: string): StartingEmulator {
  const { child, ready } = startLauncher(python, ["--port", port, "--exit-with-stdin"], parseListeningLine);
  return { endpoint: ready.then(({ endpoint }) => endpoint), stop: () => stopProcess(child) };
}

/**
 * Starts moto_server.py with `args`; `ready` resolves with what `parse` makes of the first line it accepts, or
 * rejects with python's output if the launcher exits or stays silent first.
 */
function startLauncher<T>(
  python: string,
  args: readonly string[],
  parse: (line: string) => T | undefined,
): { child: ChildProcess; ready: Promise<T> } {
  const child = spawn(python, [MOTO_LAUNCHER, ...args], { stdio: ["pipe", "pipe", "pipe"] });
  const output: string[] = [];
  child.stderr?.on("data", (chunk: Buffer) => output.length < 200 && output.push(chunk.toString()));
  const ready = new Promise<T>((resolve, reject) => {
    const timer = setTimeout(() => fail(`it did not start within ${START_TIMEOUT_MS / 1000} s`), START_TIMEOUT_MS);
    const fail = (reason: string) => {
      clearTimeout(timer);
      child.kill("SIGKILL");
      reject(
        new Error(
          `The local AWS emulator could not start: ${reason}. It needs python3 with moto 5.2.1 ` +
            `(pip install "moto[server]==5.2.1").\n${output.join("").slice(-2000)}`,
        ),
      );
    };
    child.once("error", (error) => fail(`${python}: ${error.message}`));
    child.once("exit", (code) => fail(`python exited with code ${code}`));
    createInterface({ input: child.stdout }).on("line", (line) => {
      const value = parse(line);
      if (value === undefined) return;
      clearTimeout(timer);
      child.removeAllListeners("exit");
      // Keep draining the server's logs so it never blocks on a full pipe.
      child.stdout?.resume();
      child.stderr?.removeAllListeners("data").resume();
      resolve(value);
    });
  });
  return { child, ready };
}

/**
 * A fresh emulator forked from the fork server listening on `socket`; it stops when `stop()` closes the
 * connection, or when this process dies and the kernel closes it.
 */
export function forkEmulator(socket: string): StartingEmulator {
  const connection = net.createConnection(socket);
  const closed = new Promise<void>((resolve) => connection.once("close", () => resolve()));
  let pid: number | undefined;
  const stop = async () => {
    connection.end();
    const timer = setTimeout(() => {
      if (pid !== undefined) signalIfRunning(pid, "SIGKILL");
      connection.destroy();
    }, STOP_GRACE_MS);
    await closed;
    clearTimeout(timer);
  };
  const endpoint = new Promise<string>((resolve, reject) => {
    let received = "";
    const timer = setTimeout(() => fail(`it did not start within ${START_TIMEOUT_MS / 1000} s`), START_TIMEOUT_MS);
    const fail = (reason: string) => {
      clearTimeout(timer);
      connection.destroy();
      reject(new Error(`The local AWS emulator could not fork from ${socket}: ${reason}.\n${received.slice(-2000)}`));
    };
    connection.once("error", (error) => fail(error.message));
    connection.once("end", () => fail("the fork server closed the connection"));
    connection.on("data", (chunk: Buffer) => {
      received += chunk.toString();
      const ready = parseListeningLine(received);
      if (!ready) return;
      clearTimeout(timer);
      connection.removeAllListeners("end").removeAllListeners("data").removeAllListeners("error");
      connection.on("error", () => undefined).resume();
      pid = ready.pid;
      resolve(ready.endpoint);
    });
  });
  return { endpoint, stop };
}
