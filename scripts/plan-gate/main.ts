import * as fs from "node:fs";
import { PlanUnreadable, readPlan } from "./plan";
import { RULES, RuleResult } from "./rules";

// `npm run plan-gate -- <plan.json>` (alias: plan-check), where plan.json is `terraform show -json <planfile>`.
// Exit 0 when every rule passes or does not apply, 1 when any fails or the plan cannot be read.

const MARK: Record<RuleResult["status"], string> = { compliant: "PASS", "not-applicable": "n/a ", "non-compliant": "FAIL" };

function main(argv: string[]): number {
  const file = argv[0];
  if (!file || argv.length !== 1 || file === "--help" || file === "-h") {
    process.stderr.write(
      "Usage: plan-gate <plan.json>\n\nChecks a saved plan (terraform show -json <planfile>) before it is applied. It fails if\n" +
        "the plan deletes or replaces an organization, removes a trusted service principal or a policy type, or\n" +
        "deregisters a delegated administrator. A plan it cannot read fails too.\n",
    );
    return file === "--help" || file === "-h" ? 0 : 1;
  }
  let results: RuleResult[];
  try {
    const plan = readPlan(fs.readFileSync(file, "utf8"));
    results = RULES.map((rule) => {
      try {
        return rule.evaluate(plan);
      } catch (error) {
        return { rule: rule.name, status: "non-compliant", findings: [`could not evaluate: ${(error as Error).message}`] };
      }
    });
  } catch (error) {
    const reason = error instanceof PlanUnreadable ? error.message : (error as Error).message;
    process.stdout.write(`plan-gate: FAIL: cannot read ${file}: ${reason}. Refusing the plan.\n`);
    return 1;
  }
  process.stdout.write(`plan-gate: ${file}\n`);
  for (const result of results) {
    const description = RULES.find((rule) => rule.name === result.rule)?.description ?? "";
    process.stdout.write(`  ${MARK[result.status]} ${result.rule}: ${description}\n`);
    if (result.status === "non-compliant") {
      for (const finding of result.findings) process.stdout.write(`         - ${finding}\n`);
    }
  }
  const failed = results.filter((result) => result.status === "non-compliant").length;
  process.stdout.write(
    failed === 0
      ? "plan-gate: the plan keeps every organization, trusted service, policy type and delegated administrator.\n"
      : `plan-gate: ${failed} rule${failed === 1 ? "" : "s"} failed. Do not apply this plan; fix the configuration (see README: Using an existing organization).\n`,
  );
  return failed === 0 ? 0 : 1;
}

process.exitCode = main(process.argv.slice(2));
