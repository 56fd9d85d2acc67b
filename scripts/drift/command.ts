import { loadConfig } from "../../stacks/config/load";
import { CommandLineSpec, EXIT_CODES, Invocation, parseCommandLine, reportFailure } from "../command-line/command-line";
import { stackNamedIn } from "../command-line/stack-argument";
import { execute } from "../root-access/command";
import { SCRIPT_ENVIRONMENT } from "../shared/program-contract";

/** What the command accepts, and its --help text. */
export const COMMAND_LINE: CommandLineSpec = {
  name: "drift",
  synopsis: "Usage: npm run drift -- [<stack>]",
  help: `Usage: npm run drift -- [<stack>]

Runs the root-access script's check for every feature of the stack, with the stack's region, role and (for adopt
and external) organization id (the stack may be left out when the configuration has only one). In script mode
this is how a feature disabled out of band shows up; in native mode terraform plan shows it too.

Exit: 0 in the desired state, 2 drift, 1 an error (a wrong command line included).`,
  positionals: { min: 0, max: 1 },
};

/** `npm run drift -- <stack>`; returns 0 in the desired state, 2 on drift, 1 on error. */
export async function drift({ argv, env, io }: Invocation, projectRoot: string): Promise<number> {
  let features: readonly string[];
  let stackEnv: NodeJS.ProcessEnv;
  try {
    const commandLine = parseCommandLine(COMMAND_LINE, argv);
    if (commandLine.help) {
      io.stdout(COMMAND_LINE.help);
      return EXIT_CODES.ok;
    }
    const stack = stackNamedIn(commandLine.positionals, loadConfig({ env, projectRoot }), "drift");
    features = stack.features;
    stackEnv = {
      ...env,
      [SCRIPT_ENVIRONMENT.region]: stack.region,
      [SCRIPT_ENVIRONMENT.roleArn]: stack.assumeRoleArn ?? "",
      [SCRIPT_ENVIRONMENT.organizationId]: stack.organization.id ?? "",
    };
  } catch (error) {
    // 2 means drift here, so a wrong command line is an error like any other.
    return Math.min(reportFailure(COMMAND_LINE, error, io), EXIT_CODES.failed);
  }
  if (features.length === 0) {
    io.stdout(JSON.stringify({ action: "check", expected: [], inDesiredState: true }));
    return EXIT_CODES.ok;
  }
  return execute({ argv: ["check", ...features], env: stackEnv, io });
}
