import { CommandLineSpec, EXIT_CODES, Invocation, parseCommandLine, reportFailure } from "../command-line/command-line";
import { PlanUnreadable, readPlanFile } from "../plan-gate/plan";
import { summarizePlan } from "./summary";

/** What the command accepts, and its --help text. */
export const COMMAND_LINE: CommandLineSpec = {
  name: "plan-summary",
  synopsis: "Usage: npm run plan-summary -- <plan.json>",
  help: `Usage: npm run plan-summary -- <plan.json>

A short account of a saved plan (plan.json: "terraform show -json <planfile>") in Markdown, for a pipeline's
job summary, under a heading with the stack's name (so several stacks can share one summary): which root
access features change, which trusted services and delegated administrators are added,
and whether anything is destroyed. A file that is not a saved plan it can read is refused (exit 1).`,
  positionals: { min: 1, max: 1 },
};

/** `npm run plan-summary -- <plan.json>`; returns the exit code. */
export function planSummary({ argv, io }: Invocation): number {
  try {
    const commandLine = parseCommandLine(COMMAND_LINE, argv);
    if (commandLine.help) {
      io.stdout(COMMAND_LINE.help);
      return EXIT_CODES.ok;
    }
    const [file] = commandLine.positionals;
    try {
      const plan = readPlanFile(file);
      const title = plan.stackName === undefined ? "## Plan summary" : `## Plan summary: ${plan.stackName}`;
      io.stdout(`${title}\n${summarizePlan(plan).join("\n")}`);
      return EXIT_CODES.ok;
    } catch (error) {
      if (!(error instanceof PlanUnreadable)) throw error;
      io.stderr(`plan-summary: cannot read ${file}: ${error.message}.`);
      return EXIT_CODES.failed;
    }
  } catch (error) {
    return reportFailure(COMMAND_LINE, error, io);
  }
}
