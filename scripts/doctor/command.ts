import { STSClient } from "@aws-sdk/client-sts";
import { loadConfig } from "../../stacks/config/load";
import type { StackConfig } from "../../stacks/config/schema";
import { createIamClient, createOrganizationsClient, credentialsOf, withSharedCredentials } from "../aws/aws-clients";
import { explainAwsError } from "../aws/aws-errors";
import { CommandLineSpec, EXIT_CODES, Invocation, parseCommandLine, reportFailure } from "../command-line/command-line";
import { ExpectedError } from "../shared/expected-error";
import { stackNamedIn } from "../command-line/stack-argument";
import type { Check } from "./catalogue";
import { alertClients } from "./alert-clients";
import { WhatIfRequest, runWhatIf, whatIfRequest } from "./what-if/what-if-command";
import { DoctorFindings, runChecks } from "./checks";
import { doctorControls } from "./controls";
import { Endpoints, endpointsFromEnvironment } from "../aws/endpoints";

const SYNOPSIS =
  "Usage: npm run doctor -- [<stack>] [--json] [--before-apply | --plan <plan.json> | --policy <file> --attach <target>...] [--markdown]";

/** What the command accepts, and its --help text. */
export const COMMAND_LINE: CommandLineSpec = {
  name: "doctor",
  synopsis: SYNOPSIS,
  help: `${SYNOPSIS}

Tells whether centralized root access works in the stack's organization and, if not, what to change. Read-only,
with the stack's region and role: the credentials' account, all features, IAM trusted access, the configured
features and delegated administrator, then, for every active member account and every root task the stack's
features need, whether the organization's service control policies let a central root session (sts:AssumeRoot)
do it, evaluated as AWS does: an Allow at every level of the account's path (root, OUs, account) and no Deny,
with conditions, resources and the partition's ARNs. Results name the accounts (by OU), the policy and statement,
and what to change. What it cannot evaluate it reports as "cannot tell", naming the construct, never as ok.

  --json          one JSON document: { "checks": [ { "check", "status", "detail", "fix", "task", "accounts" } ],
                  "summary", "controls": [ { "id", "title", "status", "evidence" } ] }: the evidence for
                  CIS AWS Foundations Benchmark v7.0.0 2.1.1 (centralized root access management enabled)
  --before-apply  what the stack's apply makes true (the organization in create mode, IAM trusted access, the
                  features, the delegated administrator) is not a problem yet; SCPs and credentials still are
  --plan <file>   what-if: the output of "terraform show -json <planfile>", from this stack or any repository
                  that manages Organizations policies: the organization (read live; the plan's prior state is
                  not trusted over it) evaluated as the plan would leave it (SCPs and RCPs created, changed,
                  deleted, attached or detached, policy types, accounts moved, OUs). Reports what would break
                  (exit 2), what would start working, the problems it leaves as they are, and what cannot be told
                  until apply (exit 2). A plan that touches no Organizations resource is answered without a call
  --policy <file> --attach <target>
                  what-if for a policy not in terraform yet: as if attached to each target ("root", an OU id, an
                  account id; --attach repeats). An RCP when its statements name a Principal, else an SCP
  --markdown      with --plan or --policy: the answer in Markdown, for a pipeline's job summary (bounded)
  -h, --help      this text

Statuses: ok; problem; limited (a task works only in some regions or for some buckets or queues: reported, not a
problem); cannot tell.
Exit: 0 when every task the stack needs works for every active member account and every other check is ok (or
limited), 2 when any is a problem or cannot be told, 1 on an error.`,
  options: {
    json: { type: "boolean" },
    "before-apply": { type: "boolean" },
    plan: { type: "string" },
    policy: { type: "string" },
    attach: { type: "string", multiple: true },
    markdown: { type: "boolean" },
  },
  positionals: { min: 0, max: 1 },
};

/** `npm run doctor -- [<stack>]`; returns the exit code. */
export async function doctor({ argv, env, io }: Invocation, projectRoot: string): Promise<number> {
  let stack: StackConfig;
  let json: boolean;
  let beforeApply: boolean;
  let endpoints: Endpoints;
  let what: WhatIfRequest | undefined;
  let markdown: boolean;
  try {
    const commandLine = parseCommandLine(COMMAND_LINE, argv);
    if (commandLine.help) {
      io.stdout(COMMAND_LINE.help);
      return EXIT_CODES.ok;
    }
    stack = stackNamedIn(commandLine.positionals, loadConfig({ env, projectRoot }), "npm run doctor --");
    json = commandLine.values.json === true;
    beforeApply = commandLine.values["before-apply"] === true;
    what = whatIfRequest(commandLine.values);
    markdown = commandLine.values.markdown === true;
    endpoints = endpointsFromEnvironment(env);
  } catch (error) {
    // 2 means problems found, so a wrong command line is an error like any other.
    return Math.min(reportFailure(COMMAND_LINE, error, io), EXIT_CODES.failed);
  }
  const settings = withSharedCredentials({ region: stack.region, roleArn: stack.assumeRoleArn, endpoints });
  if (what !== undefined) {
    try {
      return await runWhatIf(what, stack, settings, { json, markdown, cwd: env.INIT_CWD ?? process.cwd() }, io);
    } catch (error) {
      const explained = explainAwsError(error, {
        operation: "Reading the organization and its policies (Organizations DescribeOrganization, ListPolicies, ...)",
        permission: "the reads of the plan job's policy (npm run policy -- <stack> --plan)",
      });
      if (explained === undefined && !(error instanceof ExpectedError)) throw error;
      io.stderr(explained === undefined ? (error as Error).message : `doctor: error: ${explained}`);
      return EXIT_CODES.failed;
    }
  }
  let findings: DoctorFindings;
  try {
    findings = await runChecks(
      {
        organizations: await createOrganizationsClient(settings),
        iam: createIamClient(settings),
        sts: new STSClient({ region: settings.region, credentials: credentialsOf(settings) }),
        alerts: stack.rootActivityAlerts === undefined ? undefined : alertClients(stack, settings),
      },
      stack,
      { beforeApply },
    );
  } catch (error) {
    const explained = explainAwsError(error, {
      operation: "Reading the organization (STS GetCallerIdentity, Organizations DescribeOrganization)",
      permission: "the reads of the plan job's policy (npm run policy -- <stack> --plan)",
    });
    if (explained === undefined && !(error instanceof ExpectedError)) throw error;
    io.stderr(`doctor: error: ${explained ?? (error as Error).message}`);
    return EXIT_CODES.failed;
  }
  const { checks } = findings;
  const count = (status: Check["status"]) => checks.filter((check) => check.status === status).length;
  const summary = { ok: count("ok"), problems: count("problem"), limited: count("limited"), cannotTell: count("cannot tell") };
  const controls = doctorControls(findings.organizationId, findings.enabledFeatures);
  io.stdout(json ? JSON.stringify({ stack: stack.name, checks, summary, controls }, null, 2) : report(checks, summary));
  return summary.problems + summary.cannotTell > 0 ? EXIT_CODES.found : EXIT_CODES.ok;
}

function report(checks: readonly Check[], summary: { problems: number; limited: number; cannotTell: number }): string {
  const label = { ok: "ok         ", problem: "PROBLEM    ", limited: "LIMITED    ", "cannot tell": "CANNOT TELL" } as const;
  const lines = checks.flatMap((check) => [
    `${label[check.status]}  ${check.check}: ${check.detail}`,
    ...(check.status !== "ok" && check.fix ? [`${" ".repeat(13)}fix: ${check.fix}`] : []),
  ]);
  const limited =
    summary.limited > 0 ? ` ${summary.limited} task result(s) are limited to some regions or resources (see above).` : "";
  const verdict =
    summary.problems + summary.cannotTell === 0
      ? `Centralized root access works here.${limited}`
      : `${summary.problems} problem(s), ${summary.cannotTell} that cannot be told: fix them for central root sessions to work.${limited}`;
  return [...lines, "", verdict].join("\n");
}
