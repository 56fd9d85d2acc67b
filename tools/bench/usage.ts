/** The groups of figures, as `npm run bench -- <group>...` names them. */
export const GROUPS = ["synth", "script", "apply", "audit", "scale", "alerts", "doctor", "what-if", "test"] as const;

/**
 * What `npm run bench` accepts, and its --help text. The bench reads its own arguments (a list of groups and one
 * numeric flag); the text is here so the reference in docs/ can print it without starting the bench.
 */
export const COMMAND_LINE = {
  name: "bench",
  help: `Usage: npm run bench -- [group...] [--test-runs <n>]

Measures the figures of BENCHMARKS.md and writes them into it: all of them, or only the named groups
(the other sections are kept as they were). Groups: ${GROUPS.join(", ")}.
--test-runs <n>   timed runs of npm test (default 5, after one warm-up; each takes minutes)`,
} as const;
