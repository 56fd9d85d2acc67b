import * as fs from "node:fs";
import * as path from "node:path";
import type { OrganizationsClient } from "@aws-sdk/client-organizations";
import { loadConfig } from "../../stacks/config/load";
import type { StackConfig } from "../../stacks/config/schema";
import { createOrganizationsClient, withSharedCredentials } from "../aws/aws-clients";
import { ScriptError, awsErrorCode, commandFailureText } from "../aws/aws-errors";
import { Endpoints, endpointsFromEnvironment, serviceEndpoint } from "../aws/endpoints";
import { describeOrganization } from "../aws/organization-accounts";
import { createRootSessions } from "../aws/root-session";
import {
  CommandLineSpec,
  EXIT_CODES,
  Invocation,
  UsageError,
  parseCommandLine,
  reportFailure,
} from "../command-line/command-line";
import { stackNamedIn } from "../command-line/stack-argument";
import { wrongOrganization } from "../root-access/program-errors";
import { ExpectedError } from "../shared/expected-error";
import { bucketNameProblem } from "../shared/s3-bucket-names";
import { ACCOUNT_ID_PATTERN } from "../shared/patterns";
import {
  UnlockFailed,
  UnlockOutcome,
  UnlockProgress,
  UnlockTarget,
  queueAccount,
  queueUrlProblem,
  savePolicyBeside,
  savePolicyTo,
  taskOf,
  unlock,
} from "./unlock";

const SYNOPSIS = "Usage: npm run root-task -- <unlock-bucket-policy|unlock-queue-policy> [<stack>] --account <id> [flags]";

/** What the command accepts, and its --help text. */
export const COMMAND_LINE: CommandLineSpec = {
  name: "root-task",
  synopsis: SYNOPSIS,
  help: `${SYNOPSIS}

Break-glass tasks in a member account, through one short sts:AssumeRoot session, with the stack's region, role
and organization (the stack may be left out when the configuration has only one). For a bucket policy or a
queue policy that denies every principal, which only the account's root user can remove. Needs RootSessions
in the stack's features (and enabled in the organization).

  unlock-bucket-policy --account <id> --bucket <name>
      S3UnlockBucketPolicy: reads the bucket's policy, prints it, saves it (--save), deletes it, reads again to
      verify. A bucket in another region is followed there.
  unlock-queue-policy --account <id> --queue-url <url>
      SQSUnlockQueuePolicy: the same for an SQS queue's Policy attribute (deleted by setting it empty).

Once the policy is gone, the resource is open to the account's own principals only as their identity policies
allow (and to other accounts not at all). Fix the saved policy and put it back (aws s3api put-bucket-policy,
aws sqs set-queue-attributes).

Flags:
  --account <id>      the member account (12 digits); never the management account
  --bucket <name>     unlock-bucket-policy: the bucket
  --queue-url <url>   unlock-queue-policy: the queue's URL (its account must be --account)
  --dry-run           open the session, read and print the policy; change nothing
  --save <file>       write the policy, exactly as it was, to this new file before deleting it
  --json              one JSON document on stdout
  -h, --help          this text

Exit: 0 done (also "nothing to unlock" and a dry run), 1 an error (what was done before it is said), 2 a wrong
command line.`,
  options: {
    account: { type: "string" },
    bucket: { type: "string" },
    "queue-url": { type: "string" },
    "dry-run": { type: "boolean" },
    save: { type: "string" },
    json: { type: "boolean" },
  },
  positionals: { min: 1, max: 2 },
};

const VERBS = ["unlock-bucket-policy", "unlock-queue-policy"] as const;

interface Request {
  readonly stack: StackConfig;
  readonly accountId: string;
  readonly target: UnlockTarget;
  readonly dryRun: boolean;
  /** Where the policy goes before it is deleted: --save, or a new file named after the account and resource. */
  readonly save: (policy: string) => string;
  readonly json: boolean;
  readonly endpoints: Endpoints;
  /** Buckets addressed by path: an S3 endpoint is configured, and its host need not resolve a bucket's name. */
  readonly pathStyle: boolean;
}

/** `npm run root-task -- <verb> [<stack>] ...`; returns the exit code. */
export async function rootTask({ argv, env, io, onInterrupt }: Invocation, projectRoot: string): Promise<number> {
  let request: Request | undefined;
  try {
    request = parseRequest(argv, env, projectRoot);
    if (request === undefined) {
      io.stdout(COMMAND_LINE.help);
      return EXIT_CODES.ok;
    }
  } catch (error) {
    return reportFailure(COMMAND_LINE, error, io);
  }
  const { stack, accountId, target } = request;
  const clients = withSharedCredentials({ region: stack.region, roleArn: stack.assumeRoleArn, endpoints: request.endpoints });
  const progress: UnlockProgress = { deletion: "not sent" };
  const failed = (reason: string, deleted: boolean | "unknown") => {
    if (request.json) {
      const document = {
        accountId,
        resource: targetName(target),
        status: "failed",
        ...progressFields(progress),
        deleted,
        reason,
      };
      io.stdout(JSON.stringify(document, null, 2));
    }
    io.stderr(`root-task: error: ${reason}`);
  };
  // Interrupted, it says what it did: the policy as it was and where it is saved, and whether it was deleted.
  const release = onInterrupt?.((signal) => {
    const deleted = progress.deletion === "done" ? true : progress.deletion === "sent" ? "unknown" : false;
    failed(interrupted(signal, progress), deleted);
  });
  try {
    await requireActiveMember(await createOrganizationsClient(clients), stack, accountId);
    const sessions = createRootSessions(clients);
    // Shown as soon as it is read (on stderr beside a JSON document): whatever happens next, it is on the screen.
    const onRead = (policy: string) =>
      request.json
        ? io.stderr(`root-task: ${describePolicy(accountId, target, policy)}`)
        : io.stdout(describePolicy(accountId, target, policy));
    const outcome = await sessions.runAs(accountId, taskOf(target), (session) =>
      unlock(accountId, target, session, {
        dryRun: request.dryRun,
        save: request.save,
        onRead,
        progress,
        pathStyle: request.pathStyle,
      }),
    );
    io.stdout(request.json ? JSON.stringify(outcome, null, 2) : describe(outcome));
    return EXIT_CODES.ok;
  } catch (error) {
    failed(explain(error), error instanceof UnlockFailed ? error.deleted : false);
    return EXIT_CODES.failed;
  } finally {
    release?.();
  }
}

/** The policy as it was read and where it was saved, so far. */
function progressFields(progress: UnlockProgress): { policy?: string; savedTo?: string } {
  return { policy: progress.policy, savedTo: progress.savedTo };
}

/** What an interrupted unlock had done. */
function interrupted(signal: string, progress: UnlockProgress): string {
  const saved = progress.savedTo === undefined ? "" : ` It is saved in ${progress.savedTo}.`;
  switch (progress.deletion) {
    case "done":
      return `interrupted by ${signal} after the policy was deleted, before it was verified.${saved}`;
    case "sent":
      return (
        `interrupted by ${signal} while the delete was in flight: the policy may or may not be deleted; read it ` +
        `(aws s3api get-bucket-policy, aws sqs get-queue-attributes) to know.${saved}`
      );
    default:
      return `interrupted by ${signal}: nothing was deleted.${saved}`;
  }
}

function targetName(target: UnlockTarget): string {
  return target.kind === "bucket" ? `bucket ${target.bucket}` : `queue ${target.queueUrl}`;
}

/** The policy as it was read, for a person: printed before anything is deleted. */
function describePolicy(accountId: string, target: UnlockTarget, policy: string): string {
  return `${accountId}: the policy of ${targetName(target)}, as it was:\n${policy}`;
}

/** What was done, for a person (the policy itself was printed when it was read). */
export function describe(outcome: UnlockOutcome): string {
  const what = outcome.task === "S3UnlockBucketPolicy" ? `bucket ${outcome.resource}` : `queue ${outcome.resource}`;
  if (outcome.status === "nothing to unlock") return `${outcome.accountId}: ${what} has no policy: nothing to unlock.`;
  if (outcome.status === "dry run") return "Dry run: nothing was deleted.";
  const saved = ` (saved to ${outcome.savedTo})`;
  return (
    `Deleted it${saved} in a root session (${outcome.task}), and read again: ${what} has no policy now. ` +
    `It is open to ${outcome.accountId}'s own principals as far as their identity policies allow (and to others only ` +
    `through ACLs or access points, if the resource has any). Fix the policy and put it back.`
  );
}

/** Refuses, before any root session, an account that is not an active member of the stack's organization. */
async function requireActiveMember(organizations: OrganizationsClient, stack: StackConfig, accountId: string): Promise<void> {
  const { organizationId, managementAccountId } = await describeOrganization(organizations);
  const expected = stack.organization.id;
  if (expected !== undefined && expected !== organizationId) throw wrongOrganization(expected, organizationId, "Organizations");
  if (accountId === managementAccountId) {
    throw new ScriptError(
      `Account ${accountId} is the management account of ${organizationId}: AWS opens no central root session in it. ` +
        `Nothing was done. Sign in as its root user instead.`,
    );
  }
  const { DescribeAccountCommand } = await import("@aws-sdk/client-organizations");
  let status: string | undefined;
  try {
    status = (await organizations.send(new DescribeAccountCommand({ AccountId: accountId }))).Account?.Status;
  } catch (error) {
    if (awsErrorCode(error) !== "AccountNotFound") throw error;
    throw new ScriptError(
      `Account ${accountId} is not a member account of ${organizationId}. Nothing was done. Member accounts: npm run root-credentials -- audit.`,
    );
  }
  if (status !== "ACTIVE") {
    throw new ScriptError(
      `Account ${accountId} is ${status ?? "of unknown status"}, not ACTIVE: AWS opens no root session in it. Nothing was done.`,
    );
  }
}

function parseRequest(argv: readonly string[], env: NodeJS.ProcessEnv, projectRoot: string): Request | undefined {
  const commandLine = parseCommandLine(COMMAND_LINE, argv);
  if (commandLine.help) return undefined;
  const [verb, ...stackName] = commandLine.positionals;
  if (!(VERBS as readonly string[]).includes(verb)) {
    throw new UsageError(`root-task: unknown task ${JSON.stringify(verb).slice(0, 40)}; tasks are ${VERBS.join(", ")}`);
  }
  const { values } = commandLine;
  const accountId = values.account as string | undefined;
  if (accountId === undefined) throw new UsageError(`root-task: ${verb} needs --account <id>`);
  if (!ACCOUNT_ID_PATTERN.test(accountId)) {
    throw new UsageError(`root-task: --account ${JSON.stringify(accountId.slice(0, 40))} is not a 12-digit account id`);
  }
  const bucket = values.bucket as string | undefined;
  const queueUrl = values["queue-url"] as string | undefined;
  let target: UnlockTarget;
  if (verb === "unlock-bucket-policy") {
    if (queueUrl !== undefined) throw new UsageError("root-task: --queue-url is for unlock-queue-policy");
    if (bucket === undefined) throw new UsageError("root-task: unlock-bucket-policy needs --bucket <name>");
    const problem = bucketNameProblem(bucket);
    if (problem !== undefined) {
      throw new UsageError(
        `root-task: --bucket ${JSON.stringify(bucket.slice(0, 70))} ${problem}: it is not an S3 bucket's name (Amazon S3 User Guide, "General purpose bucket naming rules"). No root session was opened.`,
      );
    }
    target = { kind: "bucket", bucket };
  } else {
    if (bucket !== undefined) throw new UsageError("root-task: --bucket is for unlock-bucket-policy");
    if (queueUrl === undefined) throw new UsageError("root-task: unlock-queue-policy needs --queue-url <url>");
    const owner = queueAccount(queueUrl);
    const problem = queueUrlProblem(queueUrl, serviceEndpoint(env, "SQS"));
    if (problem !== undefined) {
      throw new UsageError(
        `root-task: --queue-url ${JSON.stringify(queueUrl.slice(0, 100))} ${problem}: give the queue's URL as SQS ` +
          "shows it (https://sqs.<region>.amazonaws.com/<account>/<name>); a root session's credentials go only there. " +
          "No root session was opened.",
      );
    }
    if (owner === undefined) {
      throw new UsageError(
        `root-task: --queue-url ${JSON.stringify(queueUrl.slice(0, 100))} is not a queue URL (https://sqs.<region>.amazonaws.com/<account>/<name>)`,
      );
    }
    if (owner !== accountId) {
      throw new UsageError(`root-task: the queue ${queueUrl} belongs to account ${owner}, not --account ${accountId}`);
    }
    target = { kind: "queue", queueUrl };
  }
  const saveText = values.save as string | undefined;
  if (saveText === "") throw new UsageError("root-task: --save needs a file name");
  if (saveText === "-") throw new UsageError("root-task: --save - is not a file: the policy is printed anyway; name a file");
  if (saveText !== undefined && values["dry-run"] === true)
    throw new UsageError("root-task: --dry-run deletes nothing, so it saves nothing: drop --save");
  // Relative to where the operator ran npm (npm runs the command in the project's folder).
  const here = env.INIT_CWD ?? process.cwd();
  const saveTo = saveText === undefined ? undefined : path.resolve(here, saveText);
  if (saveTo !== undefined && fs.existsSync(saveTo)) {
    throw new ExpectedError(
      `root-task: --save ${saveTo} exists; name a new file (a saved policy is never overwritten). Nothing was done.`,
    );
  }
  const stack = stackNamedIn(stackName, loadConfig({ env, projectRoot }), `npm run root-task -- ${verb}`);
  if (!stack.features.includes("RootSessions")) {
    throw new ExpectedError(
      `root-task: stack "${stack.name}" does not enable RootSessions, which ${taskOf(target)} needs. Nothing was done. ` +
        `Add "RootSessions" to its features and apply, or name a stack that has it.`,
    );
  }
  return {
    stack,
    accountId,
    target,
    dryRun: values["dry-run"] === true,
    save: saveTo === undefined ? savePolicyBeside(here, accountId, target) : savePolicyTo(saveTo),
    json: values.json === true,
    endpoints: endpointsFromEnvironment(env),
    pathStyle: serviceEndpoint(env, "S3") !== undefined,
  };
}

function explain(error: unknown): string {
  return commandFailureText(error, {
    operation: "Reading the organization and the account (Organizations DescribeOrganization, DescribeAccount)",
    permission: "organizations:DescribeOrganization and organizations:DescribeAccount",
  });
}
