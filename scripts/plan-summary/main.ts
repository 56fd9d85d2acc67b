import * as fs from "node:fs";
import { PlanUnreadable, readPlan } from "../plan-gate/plan";
import { summarizePlan } from "./summary";

// `npm run plan-summary -- <plan.json>`: which features change, which trusted services and delegated
// administrators are added, and whether anything is destroyed. Markdown, so a pipeline can append it to
// its job summary ($GITHUB_STEP_SUMMARY).

function main(argv: string[]): number {
  const file = argv[0];
  if (!file || argv.length !== 1) {
    process.stderr.write("Usage: plan-summary <plan.json>   (plan.json: terraform show -json <planfile>)\n");
    return 1;
  }
  try {
    const lines = summarizePlan(readPlan(fs.readFileSync(file, "utf8")));
    process.stdout.write(`## Plan summary\n${lines.join("\n")}\n`);
    return 0;
  } catch (error) {
    const reason = error instanceof PlanUnreadable ? error.message : (error as Error).message;
    process.stderr.write(`plan-summary: cannot read ${file}: ${reason}\n`);
    return 1;
  }
}

process.exitCode = main(process.argv.slice(2));
