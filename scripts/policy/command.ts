import { loadConfig } from "../../stacks/config/load";
import {
  CommandLineSpec,
  EXIT_CODES,
  Invocation,
  UsageError,
  parseCommandLine,
  reportFailure,
} from "../command-line/command-line";
import { stackNamedIn } from "../command-line/stack-argument";
import { ExpectedError } from "../shared/expected-error";
import { breakGlassPolicy, leastPrivilegePolicy, planPolicy } from "./least-privilege";
import { delegatedAdministratorRolePolicy } from "./root-activity-statements";

/** What the command accepts, and its --help text. */
export const COMMAND_LINE: CommandLineSpec = {
  name: "policy",
  synopsis: "Usage: npm run policy -- [<stack>] [--plan | --break-glass | --delegated-administrator]",
  help: `Usage: npm run policy -- [<stack>] [--plan | --break-glass | --delegated-administrator]

Prints, as JSON, the least-privilege IAM policy that running the stack needs (the stack may be left out when the
configuration has only one). The configuration is read like the app reads it (ROOT_ACCESS_CONFIG, else
root-access.config.json, else the defaults).

Options:
  --plan   the read-only policy of a pipeline's plan job: terraform plan, the plan gate, npm run doctor and the
           root-credentials audit; no write to AWS but the state lock. The apply job needs the full policy.
  --break-glass  the policy of an operator running npm run root-task: sts:AssumeRoot limited by sts:TaskPolicyArn
           to S3UnlockBucketPolicy and SQSUnlockQueuePolicy, and the Organizations reads before the session.
           Neither pipeline policy has these rights.
  --delegated-administrator  the policy of the role the stack assumes in IAM's delegated administrator's account
           (rootActivityAlerts.delegatedAdministratorRoleName): the alerts' forwarders there and their role, and
           the reads of the plan and the doctor. Plan and apply both assume it: give it this and nothing more.`,
  positionals: { min: 0, max: 1 },
  options: { plan: { type: "boolean" }, "break-glass": { type: "boolean" }, "delegated-administrator": { type: "boolean" } },
};

/** `npm run policy -- <stack>`; returns the exit code. */
export function policy({ argv, env, io }: Invocation, projectRoot: string): number {
  try {
    const commandLine = parseCommandLine(COMMAND_LINE, argv);
    if (commandLine.help) {
      io.stdout(COMMAND_LINE.help);
      return EXIT_CODES.ok;
    }
    const { plan, "break-glass": breakGlass, "delegated-administrator": administrator } = commandLine.values;
    if ([plan, breakGlass, administrator].filter((flag) => flag === true).length > 1) {
      throw new UsageError("policy: one of --plan, --break-glass and --delegated-administrator");
    }
    const stack = stackNamedIn(commandLine.positionals, loadConfig({ env, projectRoot }), "policy");
    const forwarders = administrator === true ? delegatedAdministratorRolePolicy(stack) : undefined;
    if (administrator === true && forwarders === undefined) {
      throw new ExpectedError(
        `policy: stack ${stack.name} assumes no role in IAM's delegated administrator's account (it needs delegatedAdministratorAccountId and rootActivityAlerts.delegatedAdministratorRoleName)`,
      );
    }
    const document =
      forwarders ??
      (plan === true ? planPolicy(stack) : breakGlass === true ? breakGlassPolicy(stack) : leastPrivilegePolicy(stack));
    io.stdout(JSON.stringify(document, null, 2));
    if (stack.assumeRoleArn && forwarders === undefined) {
      io.stderr(
        `Note: the pipeline's own credentials need sts:AssumeRole on ${stack.assumeRoleArn}; the other statements ` +
          `are what that role needs (it is what both terraform's provider and the root-access script act as).`,
      );
    }
    return EXIT_CODES.ok;
  } catch (error) {
    return reportFailure(COMMAND_LINE, error, io);
  }
}
