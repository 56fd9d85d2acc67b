import { spawnSync } from "node:child_process";

/** One timed run: wall seconds, peak resident memory and CPU seconds (user + system) of the command and its children. */
export interface Sample {
  readonly seconds: number;
  readonly peakMb: number;
  readonly cpuSeconds: number;
  /** What the command printed on standard output. */
  readonly stdout: string;
}

/** Several runs of one thing, after warm-up. */
export interface Figure {
  readonly label: string;
  readonly runs: number;
  readonly median: number;
  readonly min: number;
  readonly max: number;
  readonly peakMb: number;
}

/** A failure the bench expects and explains (a missing tool, a measured command that failed): no stack trace. */
export class BenchFailure extends Error {
  override name = "BenchFailure";
}

/**
 * Runs a command under GNU time, which reports the peak RSS and the CPU time; the wall time is measured here, since GNU time
 * rounds it to 10 ms. Throws with the command's output if it fails (a benchmark of a failure means nothing).
 */
export function timeCommand(
  command: string,
  args: readonly string[],
  options: { cwd?: string; env?: NodeJS.ProcessEnv; exitCodes?: readonly number[] } = {},
): Sample {
  const { exitCodes = [0], ...spawnOptions } = options;
  const started = process.hrtime.bigint();
  const result = spawnSync(GNU_TIME, ["-f", "BENCH %M %U %S", command, ...args], {
    ...spawnOptions,
    encoding: "utf8",
    maxBuffer: 64 * 1024 * 1024,
  });
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  const line = result.stderr.trim().split("\n").pop() ?? "";
  const match = /^BENCH (\d+) ([\d.]+) ([\d.]+)$/.exec(line);
  if (!exitCodes.includes(result.status ?? -1) || !match) {
    throw new BenchFailure(
      `${command} ${args.join(" ")} failed (exit ${result.status}):\n${result.stdout.slice(-2000)}\n${result.stderr.slice(-2000)}`,
    );
  }
  return { seconds, peakMb: Number(match[1]) / 1024, cpuSeconds: Number(match[2]) + Number(match[3]), stdout: result.stdout };
}

const GNU_TIME = "/usr/bin/time";

/** Fails early, saying what to install, when a tool a figure needs is missing. */
export function requireTool(command: string, args: readonly string[], install: string): void {
  const result = spawnSync(command, args, { stdio: "ignore" });
  if (result.error || result.status !== 0)
    throw new BenchFailure(`bench needs ${command} (${install}); "${command} ${args.join(" ")}" failed.`);
}

/** One thing to measure: a timed run, and what to do untimed before each. */
export interface Subject {
  readonly label: string;
  readonly run: () => Sample;
  readonly prepare?: () => Promise<void> | void;
}

/** `warmups` untimed runs, then `runs` timed ones; `prepare` runs untimed before each. */
export async function measure(
  label: string,
  run: () => Sample,
  options: { runs?: number; warmups?: number; prepare?: () => Promise<void> | void } = {},
): Promise<Figure> {
  const [figure] = await measureInTurns([{ label, run, prepare: options.prepare }], options);
  return figure;
}

/**
 * Several subjects measured in turns (a, b, a, b...), so a slow spell of a shared machine falls on all of
 * them alike and their ratio stays fair.
 */
export async function measureInTurns(
  subjects: readonly Subject[],
  options: { runs?: number; warmups?: number } = {},
): Promise<Figure[]> {
  const { runs = 5, warmups = 1 } = options;
  const samples: Sample[][] = subjects.map(() => []);
  for (let round = 0; round < warmups + runs; round++) {
    for (const [index, subject] of subjects.entries()) {
      await subject.prepare?.();
      const sample = subject.run();
      if (round >= warmups) samples[index].push(sample);
    }
  }
  return subjects.map((subject, index) => summarize(subject.label, samples[index]));
}

function summarize(label: string, samples: readonly Sample[]): Figure {
  const seconds = samples.map((sample) => sample.seconds).sort((a, b) => a - b);
  process.stderr.write(`bench: ${label}: median ${median(seconds).toFixed(3)} s\n`);
  return {
    label,
    runs: samples.length,
    median: median(seconds),
    min: seconds[0],
    max: seconds[seconds.length - 1],
    peakMb: Math.max(...samples.map((sample) => sample.peakMb)),
  };
}

/** The median of numbers sorted in ascending order. */
export function median(sorted: readonly number[]): number {
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
}
