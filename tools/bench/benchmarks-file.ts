import type { Figure } from "./measure";

/** What BENCHMARKS.md says before its figures. */
export const REPORT_HEADER =
  "# Benchmarks\n\nWritten by `npm run bench` (every figure) or `npm run bench -- <group>...` (some of them, in place); each " +
  "figure says when and where it was measured. Each figure is the median of its runs (counted in the table) after one " +
  "warm-up; peak RSS is the largest of any run, child processes included. Ratios compare figures measured in the same " +
  "run; those of figures 4 and 5, which are close to their targets, come from runs taken in turns (a, b, a, b...).";

/** One row of a figure table: the figure and how it compares. */
export interface Row {
  readonly figure: Figure;
  readonly ratio?: string;
}

/** A Markdown table of figures. */
export function table(rows: readonly Row[]): string {
  const lines = ["| what | median | min | max | peak RSS | vs baseline |", "| --- | ---: | ---: | ---: | ---: | --- |"];
  for (const { figure, ratio } of rows) {
    lines.push(
      `| ${figure.label} (${figure.runs} runs) | ${seconds(figure.median)} | ${seconds(figure.min)} | ${seconds(figure.max)} | ${figure.peakMb.toFixed(0)} MB | ${ratio ?? ""} |`,
    );
  }
  return lines.join("\n");
}

/** Seconds, with milliseconds below 10 s (the short figures differ by tens of them). */
export function seconds(value: number): string {
  return `${value.toFixed(value < 10 ? 3 : 1)} s`;
}

/** "**Target: ... Met:** detail" */
export function verdict(met: boolean, target: string, detail: string): string {
  return `**Target: ${target}. ${met ? "Met" : "Missed"}:** ${detail}`;
}

/** The report with `fresh` sections ("## N. ...") in place of the existing ones of the same number, in number order. */
export function mergeReport(existing: string, fresh: readonly string[]): string {
  const sections = new Map<number, string>();
  for (const section of [...splitSections(existing), ...fresh]) sections.set(sectionNumber(section), section.trim());
  const ordered = [...sections.entries()].sort(([a], [b]) => a - b).map(([, section]) => section);
  return `${REPORT_HEADER}\n\n${ordered.join("\n\n")}\n`;
}

function splitSections(report: string): string[] {
  return report.split(/^(?=## \d+\. )/m).filter((part) => /^## \d+\. /.test(part));
}

function sectionNumber(section: string): number {
  const match = /^## (\d+)\. /.exec(section);
  if (!match) throw new Error(`a benchmark section must start with "## <number>. ", not ${JSON.stringify(section.slice(0, 40))}`);
  return Number(match[1]);
}
