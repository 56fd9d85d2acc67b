import { silenceSdkNodeVersionNotice } from "../aws/sdk-notice";
import { endpointsFromEnvironment } from "../aws/endpoints";
import { CommandLineSpec, EXIT_CODES, Invocation, parseCommandLine, reportFailure } from "../command-line/command-line";
import { LiveOrganization, RootSessionsAnswer, readLiveOrganization, readRootSessionsAnswer } from "./live-organization";
import { Plan, PlanUnreadable, ProviderSettings, readPlanFile } from "./plan";
import { LiveFacts, RULES, RuleResult, isGuardrail, organizationsCreated } from "./rules";

/** What the command accepts, and its --help text. */
export const COMMAND_LINE: CommandLineSpec = {
  name: "plan-gate",
  synopsis: "Usage: npm run plan-gate -- <plan.json>",
  help: `Usage: npm run plan-gate -- <plan.json>

Checks a saved plan before it is applied; plan.json is "terraform show -json <planfile>". It fails if the plan
deletes or replaces an organization, creates one where the account already belongs to one (read from AWS with
the plan's region and role, only in that case), removes a trusted service principal or a policy type, or
deregisters a delegated administrator. A file that is not a saved plan it can read fails too.

Exit: 0 every rule passes or does not apply, 1 a rule fails or the plan cannot be read, 2 a wrong command line.`,
  positionals: { min: 1, max: 1 },
};

const MARK: Record<RuleResult["status"], string> = { compliant: "PASS", "not-applicable": "n/a ", "non-compliant": "FAIL" };

/** What the gate reads besides the plan; tests give their own. */
export interface PlanGateDependencies {
  readonly readLiveOrganization: (provider: ProviderSettings) => Promise<LiveOrganization>;
  readonly readRootSessionsAnswer: (plan: Plan) => Promise<RootSessionsAnswer>;
}

/** `npm run plan-gate -- <plan.json>`: applies every rule to the plan and reports; returns the exit code. */
export async function planGate(
  { argv, env, io }: Invocation,
  dependencies: PlanGateDependencies = { readLiveOrganization, readRootSessionsAnswer },
): Promise<number> {
  let file: string;
  try {
    const commandLine = parseCommandLine(COMMAND_LINE, argv);
    if (commandLine.help) {
      io.stdout(COMMAND_LINE.help);
      return EXIT_CODES.ok;
    }
    [file] = commandLine.positionals;
    // Checked before the plan is read: the gate may read AWS for it, and a bad endpoint must be one line.
    endpointsFromEnvironment(env);
  } catch (error) {
    return reportFailure(COMMAND_LINE, error, io);
  }
  let plan: Plan;
  try {
    plan = readPlanFile(file);
  } catch (error) {
    if (!(error instanceof PlanUnreadable)) throw error;
    io.stdout(`plan-gate: FAIL: cannot read ${file}: ${error.message}. Refusing the plan.`);
    return EXIT_CODES.failed;
  }
  const facts = await liveFacts(plan, dependencies);
  const results: RuleResult[] = RULES.map((rule) => {
    try {
      return rule.evaluate(plan, facts);
    } catch (error) {
      return { rule: rule.name, status: "non-compliant", findings: [`could not evaluate: ${(error as Error).message}`] };
    }
  });
  io.stdout(`plan-gate: ${file}`);
  for (const result of results) {
    const description = RULES.find((rule) => rule.name === result.rule)?.description ?? "";
    io.stdout(`  ${MARK[result.status]} ${result.rule}: ${description}`);
    if (result.status === "non-compliant") {
      for (const finding of result.findings) io.stdout(`         - ${finding}`);
    }
  }
  const failed = results.filter((result) => result.status === "non-compliant").length;
  io.stdout(
    failed === 0
      ? "plan-gate: the plan keeps every organization, trusted service, policy type, delegated administrator, root-user guardrail and root-activity alert."
      : `plan-gate: ${failed} rule${failed === 1 ? "" : "s"} failed. Do not apply this plan; fix the configuration (see docs/operations/deploying.md, "Using an existing organization").`,
  );
  return failed === 0 ? EXIT_CODES.ok : EXIT_CODES.failed;
}

/** AWS is read only when a rule needs it: a plan that creates an organization, or changes the root-user guardrail. */
async function liveFacts(plan: Plan, dependencies: PlanGateDependencies): Promise<LiveFacts> {
  const creates = organizationsCreated(plan).length > 0;
  const guardrail = plan.resourceChanges.some(
    (change) => isGuardrail(change) && !change.actions.every((action) => action === "no-op"),
  );
  if (!creates && !guardrail) return {};
  silenceSdkNodeVersionNotice();
  return {
    ...(creates ? { organization: await dependencies.readLiveOrganization(plan.provider) } : {}),
    ...(guardrail ? { rootSessions: await dependencies.readRootSessionsAnswer(plan) } : {}),
  };
}
