import { STSClient } from "@aws-sdk/client-sts";
import { loadConfig } from "../../stacks/config/load";
import type { StackConfig } from "../../stacks/config/schema";
import {
  createIamClient,
  createOrganizationsClient,
  credentialsOf,
  endpointsFromEnvironment,
  withSharedCredentials,
} from "../aws/aws-clients";
import { explainAwsError } from "../aws/aws-errors";
import { CommandLineSpec, EXIT_CODES, Invocation, parseCommandLine, reportFailure } from "../command-line/command-line";
import { stackNamedIn } from "../command-line/stack-argument";
import { Check, runChecks } from "./checks";

const SYNOPSIS = "Usage: npm run doctor -- [<stack>] [--json] [--before-apply]";

/** What the command accepts, and its --help text. */
export const COMMAND_LINE: CommandLineSpec = {
  name: "doctor",
  synopsis: SYNOPSIS,
  help: `${SYNOPSIS}

Tells whether centralized root access works in the stack's organization and, if not, what to change. Read-only,
with the stack's region and role: the credentials' account, all features, IAM trusted access, the configured
features and delegated administrator, and every service control policy that would deny central root sessions
(sts:AssumeRoot), with where it is attached and how to exempt them. What it cannot evaluate it reports as
"cannot tell", never as ok.

  --json          one JSON document: { "checks": [ { "check", "status", "detail", "fix" } ], "summary" }
  --before-apply  what the stack's apply makes true (the organization in create mode, IAM trusted access, the
                  features, the delegated administrator) is not a problem yet; SCPs and credentials still are
  -h, --help      this text

Exit: 0 when every check is ok, 2 when any is a problem or cannot be told, 1 on an error.`,
  options: { json: { type: "boolean" }, "before-apply": { type: "boolean" } },
  positionals: { min: 0, max: 1 },
};

/** `npm run doctor -- [<stack>]`; returns the exit code. */
export async function doctor({ argv, env, io }: Invocation, projectRoot: string): Promise<number> {
  let stack: StackConfig;
  let json: boolean;
  let beforeApply: boolean;
  try {
    const commandLine = parseCommandLine(COMMAND_LINE, argv);
    if (commandLine.help) {
      io.stdout(COMMAND_LINE.help);
      return EXIT_CODES.ok;
    }
    stack = stackNamedIn(commandLine.positionals, loadConfig({ env, projectRoot }), "npm run doctor --");
    json = commandLine.values.json === true;
    beforeApply = commandLine.values["before-apply"] === true;
  } catch (error) {
    // 2 means problems found, so a wrong command line is an error like any other.
    return Math.min(reportFailure(COMMAND_LINE, error, io), EXIT_CODES.failed);
  }
  const settings = withSharedCredentials({
    region: stack.region,
    roleArn: stack.assumeRoleArn,
    endpoints: endpointsFromEnvironment(env),
  });
  let checks: Check[];
  try {
    checks = await runChecks(
      {
        organizations: await createOrganizationsClient(settings),
        iam: createIamClient(settings),
        sts: new STSClient({ region: settings.region, credentials: credentialsOf(settings) }),
      },
      stack,
      { beforeApply },
    );
  } catch (error) {
    const explained = explainAwsError(error, { operation: "Reading the organization" });
    if (explained === undefined && !(error instanceof Error && error.name === "ScriptError")) throw error;
    io.stderr(`doctor: error: ${explained ?? (error as Error).message}`);
    return EXIT_CODES.failed;
  }
  const count = (status: Check["status"]) => checks.filter((check) => check.status === status).length;
  const summary = { ok: count("ok"), problems: count("problem"), cannotTell: count("cannot tell") };
  io.stdout(json ? JSON.stringify({ stack: stack.name, checks, summary }, null, 2) : report(checks, summary));
  return summary.problems + summary.cannotTell > 0 ? EXIT_CODES.found : EXIT_CODES.ok;
}

function report(checks: readonly Check[], summary: { ok: number; problems: number; cannotTell: number }): string {
  const label = { ok: "ok         ", problem: "PROBLEM    ", "cannot tell": "CANNOT TELL" } as const;
  const lines = checks.flatMap((check) => [
    `${label[check.status]}  ${check.check}: ${check.detail}`,
    ...(check.status !== "ok" && check.fix ? [`${" ".repeat(13)}fix: ${check.fix}`] : []),
  ]);
  const verdict =
    summary.problems + summary.cannotTell === 0
      ? "Centralized root access works here."
      : `${summary.problems} problem(s), ${summary.cannotTell} that cannot be told: fix them for central root sessions to work.`;
  return [...lines, "", verdict].join("\n");
}
