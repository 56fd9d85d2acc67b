/** What BENCHMARKS.md says before its figures. */
export const REPORT_HEADER =
  "# Benchmarks\n\nWritten by `npm run bench` (every figure) or `npm run bench -- <group>...` (some of them, in place); each " +
  "figure says when and where it was measured. Each figure is the median of its runs (counted in the table) after one " +
  "warm-up; peak RSS is the largest of any run, child processes included. Ratios compare figures measured in the same " +
  "run; those of figures 4 and 5, which are close to their targets, come from runs taken in turns (a, b, a, b...).";

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
