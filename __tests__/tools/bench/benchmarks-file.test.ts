import { REPORT_HEADER, mergeReport } from "../../../tools/bench/benchmarks-file";

describe("BENCHMARKS.md, written in place by npm run bench -- <group>", () => {
  const existing = `${REPORT_HEADER}\n\n## 1. Synth\n\nold one\n\n## 2. CLI\n\nold two\n\n## 7. npm test\n\nold seven\n`;

  it("replaces the sections measured again and keeps the others, in number order", () => {
    // GIVEN a report with figures 1, 2 and 7 WHEN figures 7 and 1 are measured again
    const merged = mergeReport(existing, ["## 7. npm test\n\nnew seven", "## 1. Synth\n\nnew one"]);
    // THEN those two are new, figure 2 is as it was, and the order is by number
    expect(merged).toBe(`${REPORT_HEADER}\n\n## 1. Synth\n\nnew one\n\n## 2. CLI\n\nold two\n\n## 7. npm test\n\nnew seven\n`);
  });

  it("starts a report from nothing", () => {
    expect(mergeReport("", ["## 3. Stacks\n\nthree"])).toBe(`${REPORT_HEADER}\n\n## 3. Stacks\n\nthree\n`);
  });

  it("fails on a section without a number, instead of losing it", () => {
    expect(() => mergeReport(existing, ["## Synth\n\nno number"])).toThrow('a benchmark section must start with "## <number>. "');
  });
});
