import { loadConfig } from "../../stacks/config/load";
import { projectRoot } from "../../stacks/config/project-root";
import { ConfigError } from "../../stacks/errors";
import { EXIT, execute } from "../root-access/command";
import { SCRIPT_ENVIRONMENT } from "../root-access/contract";
import { silenceSdkNodeVersionNotice } from "../root-access/sdk-notice";
import { stackNamedIn } from "../stack-argument";

// `npm run drift -- <stack>`: the root-access script's `check` for every feature of that stack, with the
// stack's region, role and (for adopt and external) organization id. Exit 0 in the desired state, 2 on drift,
// 1 on error. In script mode this is how out-of-band changes show up; in native mode terraform plan shows them too.

async function main(argv: string[]): Promise<number> {
  silenceSdkNodeVersionNotice();
  const config = loadConfig({ env: process.env, projectRoot: projectRoot() });
  const stack = stackNamedIn(argv, config, "drift");
  if (stack.features.length === 0) {
    process.stdout.write(`${JSON.stringify({ action: "check", expected: [], inDesiredState: true })}\n`);
    return EXIT.ok;
  }
  const env = {
    ...process.env,
    [SCRIPT_ENVIRONMENT.region]: stack.region,
    [SCRIPT_ENVIRONMENT.roleArn]: stack.assumeRoleArn ?? "",
    [SCRIPT_ENVIRONMENT.organizationId]: stack.organization.id ?? "",
  };
  return execute(["check", ...stack.features], env, {
    stdout: (line) => process.stdout.write(`${line}\n`),
    stderr: (line) => process.stderr.write(`${line}\n`),
  });
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (error: Error) => {
    process.stderr.write(`${error instanceof ConfigError ? error.message : error.stack}\n`);
    process.exitCode = EXIT.error;
  },
);
