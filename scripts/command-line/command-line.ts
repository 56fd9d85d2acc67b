import { parseArgs, type ParseArgsConfig } from "node:util";
import { ExpectedError } from "../shared/expected-error";

// The command-line layer every command of this project shares (synth, the plan gate, the plan summary, the
// policy, drift, the doctor, root credentials; the program terraform runs shares Io, exit codes and
// runAsProcess). The conventions: --help prints the usage and exits 0; an unknown flag or a stray argument prints
// a one-line error and the synopsis and exits 2; an expected failure prints its one-line message and exits 1 (or
// the command's own code); a closed output pipe ends the command quietly. Only a bug prints a stack trace.

/** Where a command writes: each call is one message, without its trailing newline. */
export interface Io {
  readonly stdout: (text: string) => void;
  readonly stderr: (text: string) => void;
}

/** What a command is run with. */
export interface Invocation {
  readonly argv: readonly string[];
  readonly env: NodeJS.ProcessEnv;
  readonly io: Io;
  /**
   * Registers what to say when the process is interrupted (SIGINT, SIGTERM) while something irreversible is
   * under way; the process then ends with 128 + the signal's number. Returns what unregisters it. Absent where no
   * process is interrupted (a test may give its own).
   */
  readonly onInterrupt?: (say: (signal: InterruptSignal) => void) => () => void;
}

/** The signals a command may be interrupted by. */
export type InterruptSignal = "SIGINT" | "SIGTERM";

const SIGNAL_NUMBERS: Record<InterruptSignal, number> = { SIGINT: 2, SIGTERM: 15 };

/**
 * Exit codes every command shares, the program terraform runs included: 0 done, 1 failed, 2 a wrong command line
 * or, for a command that looks for something (drift, the doctor, the audit), "found something that needs
 * attention"; such a command reports a wrong command line as 1, so that 2 keeps one meaning.
 */
export const EXIT_CODES = { ok: 0, failed: 1, usage: 2, found: 2 } as const;

/** A command line the command does not accept; the message is printed with the command's synopsis. */
export class UsageError extends ExpectedError {
  override readonly name = "UsageError";
}

/** What a command accepts. */
export interface CommandLineSpec {
  /** The command's name in messages, e.g. "plan-gate". */
  readonly name: string;
  /** One line: how to call it, e.g. "Usage: npm run plan-gate -- <plan.json>". */
  readonly synopsis: string;
  /** The full --help text. */
  readonly help: string;
  readonly options?: NonNullable<ParseArgsConfig["options"]>;
  /** How many positional arguments it takes. */
  readonly positionals: { readonly min: number; readonly max: number };
}

/** A parsed command line: help was asked for, or flags and arguments to run with. */
export type CommandLine =
  | { readonly help: true }
  | { readonly help: false; readonly values: Record<string, string | boolean | undefined>; readonly positionals: string[] };

/** Parses `argv` strictly against `spec`; throws a UsageError for anything it does not accept. */
export function parseCommandLine(spec: CommandLineSpec, argv: readonly string[]): CommandLine {
  let parsed;
  try {
    parsed = parseFlags(argv, { help: { type: "boolean", short: "h" }, ...spec.options });
  } catch (error) {
    if (!(error instanceof ArgumentProblem)) throw error;
    throw new UsageError(`${spec.name}: ${error.message}`);
  }
  if (parsed.values.help) return { help: true };
  const positionals = [...parsed.positionals];
  if (positionals.length > spec.positionals.max) {
    throw new UsageError(`${spec.name}: unexpected argument ${JSON.stringify(positionals[spec.positionals.max]).slice(0, 80)}`);
  }
  if (positionals.length < spec.positionals.min) throw new UsageError(`${spec.name}: missing argument`);
  return { help: false, values: parsed.values, positionals };
}

/** What is wrong with a command line, in a few words ("unknown flag --verbos"); the caller adds who says so. */
export class ArgumentProblem extends Error {}

/**
 * node's parseArgs, strict, with positionals, and with one rule it lacks: a flag that takes a value may be given
 * once. "The last one wins" would let `remove --account A --account B` decide silently which account loses its
 * credentials. Throws an ArgumentProblem.
 */
export function parseFlags<const T extends NonNullable<ParseArgsConfig["options"]>>(argv: readonly string[], options: T) {
  let parsed;
  try {
    parsed = parseArgs({ args: [...argv], strict: true, allowPositionals: true, tokens: true, options });
  } catch (error) {
    throw new ArgumentProblem(argumentProblem(error));
  }
  const seen = new Set<string>();
  for (const token of parsed.tokens) {
    const option = token.kind === "option" ? options[token.name] : undefined;
    if (token.kind !== "option" || option?.type !== "string" || option.multiple) continue;
    if (seen.has(token.name)) throw new ArgumentProblem(`--${token.name} is given twice; give it once`);
    seen.add(token.name);
  }
  return { values: parsed.values, positionals: parsed.positionals };
}

/** Prints what a command failed with, in the shared form; returns its exit code. */
export function reportFailure(spec: Pick<CommandLineSpec, "synopsis">, error: unknown, io: Io): number {
  if (error instanceof UsageError) {
    io.stderr(`${error.message}\n${spec.synopsis} (--help for more)`);
    return EXIT_CODES.usage;
  }
  if (error instanceof ExpectedError) {
    io.stderr(error.message);
    return EXIT_CODES.failed;
  }
  throw error;
}

/**
 * Runs a command as this process: its arguments and environment in, its output to stdout and stderr, its code
 * as the exit code. A reader that closes the pipe early (`| head`) ends it quietly, with a non-zero code.
 */
export function runAsProcess(command: (invocation: Invocation) => Promise<number> | number): void {
  for (const stream of [process.stdout, process.stderr]) {
    stream.on("error", (error: NodeJS.ErrnoException) => {
      if (error.code !== "EPIPE") throw error;
      process.exit(EXIT_CODES.failed);
    });
  }
  const io: Io = {
    stdout: (text) => process.stdout.write(`${text}\n`),
    stderr: (text) => process.stderr.write(`${text}\n`),
  };
  const onInterrupt = (say: (signal: InterruptSignal) => void) => {
    const handlers = (Object.keys(SIGNAL_NUMBERS) as InterruptSignal[]).map((signal) => {
      const handler = () => {
        say(signal);
        process.exit(128 + SIGNAL_NUMBERS[signal]);
      };
      process.once(signal, handler);
      return [signal, handler] as const;
    });
    return () => handlers.forEach(([signal, handler]) => process.off(signal, handler));
  };
  void Promise.resolve()
    .then(() => command({ argv: process.argv.slice(2), env: process.env, io, onInterrupt }))
    .then((code) => {
      process.exitCode = code;
    });
}

// node's parseArgs messages, made short: "unknown flag --verbos" rather than a paragraph about "--".
function argumentProblem(error: unknown): string {
  const { code, message } = error as { code?: string; message: string };
  const flag = /'(-[^']*)'/.exec(message)?.[1];
  if (code === "ERR_PARSE_ARGS_UNKNOWN_OPTION" && flag) return `unknown flag ${flag.slice(0, 60)}`;
  return message.split("\n")[0].split(". ")[0];
}
