import { loadConfig } from "../../stacks/config/load";
import { projectRoot } from "../../stacks/config/project-root";
import { ConfigError } from "../../stacks/errors";
import { stackNamedIn } from "../stack-argument";
import { leastPrivilegePolicy } from "./least-privilege";

// `npm run policy -- <stack>`: the IAM policy the pipeline role needs for that stack, as JSON on stdout.

function main(argv: string[]): number {
  try {
    const config = loadConfig({ env: process.env, projectRoot: projectRoot() });
    const stack = stackNamedIn(argv, config, "policy");
    process.stdout.write(`${JSON.stringify(leastPrivilegePolicy(stack), null, 2)}\n`);
    if (stack.assumeRoleArn) {
      process.stderr.write(
        `Note: the pipeline's own credentials need sts:AssumeRole on ${stack.assumeRoleArn}; the other statements ` +
          `are what that role needs (it is what both terraform's provider and the root-access script act as).\n`,
      );
    }
    return 0;
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    process.stderr.write(`${error.message}\n`);
    return 1;
  }
}

process.exitCode = main(process.argv.slice(2));
