import { CommandLineSpec, EXIT_CODES, Invocation, parseCommandLine, reportFailure } from "../../stacks/command-line";
import { loadConfig } from "../../stacks/config/load";
import { stackNamedIn } from "../stack-argument";
import { leastPrivilegePolicy } from "./least-privilege";

const COMMAND_LINE: CommandLineSpec = {
  name: "policy",
  synopsis: "Usage: npm run policy -- [<stack>]",
  help: `Usage: npm run policy -- [<stack>]

Prints, as JSON, the least-privilege IAM policy that running the stack needs (the stack may be left out when the
configuration has only one). The configuration is read like the app reads it (ROOT_ACCESS_CONFIG, else
root-access.config.json, else the defaults).`,
  positionals: { min: 0, max: 1 },
};

/** `npm run policy -- <stack>`; returns the exit code. */
export function policy({ argv, env, io }: Invocation, projectRoot: string): number {
  try {
    const commandLine = parseCommandLine(COMMAND_LINE, argv);
    if (commandLine.help) {
      io.stdout(COMMAND_LINE.help);
      return EXIT_CODES.ok;
    }
    const stack = stackNamedIn(commandLine.positionals, loadConfig({ env, projectRoot }), "policy");
    io.stdout(JSON.stringify(leastPrivilegePolicy(stack), null, 2));
    if (stack.assumeRoleArn) {
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
