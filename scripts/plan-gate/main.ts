import * as fs from "node:fs";
import { silenceSdkNodeVersionNotice } from "../root-access/sdk-notice";
import { readLiveOrganization } from "./live-organization";
import { Plan, PlanUnreadable, readPlan } from "./plan";
import { LiveFacts, RULES, RuleResult, organizationsCreated } from "./rules";

// `npm run plan-gate -- <plan.json>` (alias: plan-check), where plan.json is `terraform show -json <planfile>`.
// Exit 0 when every rule passes or does not apply, 1 when any fails or the plan cannot be read.

const MARK: Record<RuleResult["status"], string> = { compliant: "PASS", "not-applicable": "n/a ", "non-compliant": "FAIL" };

async function main(argv: string[]): Promise<number> {
  const file = argv[0];
  if (!file || argv.length !== 1 || file === "--help" || file === "-h") {
    process.stderr.write(
      "Usage: plan-gate <plan.json>\n\nChecks a saved plan (terraform show -json <planfile>) before it is applied. It fails if\n" +
        "the plan deletes or replaces an organization, creates one where the account already belongs to one (read\n" +
        "from AWS with the plan's region and role, only in that case), removes a trusted service principal or a\n" +
        "policy type, or deregisters a delegated administrator. A plan it cannot read fails too.\n",
    );
    return file === "--help" || file === "-h" ? 0 : 1;
  }
  let plan: Plan;
  try {
    plan = readPlan(fs.readFileSync(file, "utf8"));
  } catch (error) {
    const reason = error instanceof PlanUnreadable ? error.message : (error as Error).message;
    process.stdout.write(`plan-gate: FAIL: cannot read ${file}: ${reason}. Refusing the plan.\n`);
    return 1;
  }
  const facts = await liveFacts(plan);
  const results: RuleResult[] = RULES.map((rule) => {
    try {
      return rule.evaluate(plan, facts);
    } catch (error) {
      return { rule: rule.name, status: "non-compliant", findings: [`could not evaluate: ${(error as Error).message}`] };
    }
  });
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

/** AWS is read only when a rule needs it: a plan that creates an organization. */
async function liveFacts(plan: Plan): Promise<LiveFacts> {
  if (organizationsCreated(plan).length === 0) return {};
  silenceSdkNodeVersionNotice();
  return { organization: await readLiveOrganization(plan.provider) };
}

void main(process.argv.slice(2)).then((code) => {
  process.exitCode = code;
});
