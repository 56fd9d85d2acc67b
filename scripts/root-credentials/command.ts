import type { OrganizationsClient } from "@aws-sdk/client-organizations";
import * as path from "node:path";
import { loadConfig } from "../../stacks/config/load";
import type { StackConfig } from "../../stacks/config/schema";
import {
  ClientSettings,
  createIamClient,
  createOrganizationsClient,
  credentialsOf,
  withSharedCredentials,
} from "../aws/aws-clients";
import { ScriptError, awsErrorCode, commandFailureText } from "../aws/aws-errors";
import { MemberAccount, describeOrganization, listMemberAccounts } from "../aws/organization-accounts";
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
import { ACCOUNT_ID_PATTERN } from "../shared/patterns";
import { AuditedAccount, ManagementRootUser, auditAccounts } from "./audit";
import { RemovalFailed, RemovalResult, RootCredentials, describeFindings, describeRemoved } from "./credentials";
import { auditControls } from "./controls";
import { Journal, age } from "./journal";
import { auditCsv, auditMarkdown, auditTable, summaryLine } from "./report";
import { Endpoints, endpointsFromEnvironment } from "../aws/endpoints";

const SYNOPSIS = "Usage: npm run root-credentials -- <audit|remove|recover> [<stack>] [flags]";

/** What the command accepts, and its --help text. */
export const COMMAND_LINE: CommandLineSpec = {
  name: "root-credentials",
  synopsis: SYNOPSIS,
  help: `${SYNOPSIS}

Member accounts' root-user credentials (password, access keys, MFA devices, signing certificates), through short
sts:AssumeRoot sessions, with the stack's region, role and organization (the stack may be left out when the
configuration has only one). Needs RootCredentialsManagement enabled in the organization.

  audit [--json | --markdown | --csv] [--concurrency <n>] [--rate <n>] [--journal <file>]
      every member account, in an IAMAuditRootUserCredentials session (read-only): what its root user has.
      Accounts that are not ACTIVE are skipped; one that fails is reported and the others go on.
      Accounts in the stack's rootCredentials.keep are reported as kept.
      Exit 0 when no audited account outside rootCredentials.keep has a root credential, 2 when some do, 1 on an
      error (findings printed).
  remove --account <id> [--dry-run] [--json] [--rate <n>] [--journal <file>]
      removes every root credential of one member account (IAMDeleteRootUserCredentials), then verifies.
      Irreversible except by password recovery. --dry-run only reads and says what would be removed. An account
      in the stack's rootCredentials.keep is refused before any session. When it stops partway, it says exactly
      what was removed, what is left, which call failed and why; running it again removes only what is left.
  recover --account <id>
      password recovery (IAMCreateRootUserPassword): a login profile without a password, so that the owner of
      the account's email address can set one ("Forgot password" on the root sign-in page).

Flags:
  --json              audit, remove: one JSON document on stdout (the audit's carries "controls": evidence for
                      member root credentials, the root access key and the root MFA rules)
  --markdown          audit: Markdown for a pipeline's step summary (counts first; long lists folded)
  --csv               audit: one row per member account, for a spreadsheet
  --journal <file>    audit, remove: each account is written to the file as it finishes; run the same command
                      with the same file after a crash and accounts already done are not opened again, each
                      result said to be the earlier run's, with its age (the file is removed when the run
                      completes). A relative path is from the folder npm was run in.
  --journal-max-age <hours>
                      audit, remove: refuse a journal whose run started longer ago (default 24): its results
                      are not today's
  --concurrency <n>   audit: accounts at a time, 1 to 32 (default 8)
  --rate <n>          audit, remove: at most n sts:AssumeRoot calls a second, 0.01 to 1000 (default: the rate
                      AWS grants, learned from its throttling; AWS publishes none)
  --account <id>      remove, recover: the member account (12 digits)
  --dry-run           remove: read only
  -h, --help          this text`,
  options: {
    json: { type: "boolean" },
    markdown: { type: "boolean" },
    concurrency: { type: "string" },
    account: { type: "string" },
    "dry-run": { type: "boolean" },
    rate: { type: "string" },
    csv: { type: "boolean" },
    journal: { type: "string" },
    "journal-max-age": { type: "string" },
  },
  positionals: { min: 1, max: 2 },
};

const DEFAULT_CONCURRENCY = 8;
const DEFAULT_JOURNAL_MAX_AGE_HOURS = 24;
/** --rate's bounds: slower than one call every 100 s is no audit at all; faster than 1000 a second, no cap. */
const MIN_RATE = 0.01;
const MAX_RATE = 1000;

type Verb = "audit" | "remove" | "recover";

interface Request {
  readonly verb: Verb;
  readonly stack: StackConfig;
  readonly format: "table" | "json" | "markdown" | "csv";
  /** --journal: the file finished accounts are written to. */
  readonly journal?: string;
  /** --journal-max-age, in milliseconds. */
  readonly journalMaxAgeMs: number;
  readonly concurrency: number;
  readonly account?: string;
  readonly dryRun: boolean;
  readonly endpoints: Endpoints;
  /** --rate: the most sts:AssumeRoot calls a second. */
  readonly rate?: number;
}

/** `npm run root-credentials -- <verb> [<stack>]`; returns the exit code. */
export async function rootCredentials({ argv, env, io }: Invocation, projectRoot: string): Promise<number> {
  let request: Request | undefined;
  try {
    request = parseRequest(argv, env, projectRoot);
    if (request === undefined) {
      io.stdout(COMMAND_LINE.help);
      return EXIT_CODES.ok;
    }
  } catch (error) {
    // 2 means "root credentials found" for audit, so a wrong command line is an error like any other.
    return Math.min(reportFailure(COMMAND_LINE, error, io), EXIT_CODES.failed);
  }
  const { stack } = request;
  const clients = withSharedCredentials({ region: stack.region, roleArn: stack.assumeRoleArn, endpoints: request.endpoints });
  const log = (line: string) => io.stderr(`root-credentials: ${line}`);
  try {
    const organizations = await createOrganizationsClient(clients);
    if (request.verb === "remove" && stack.rootCredentials?.keep.includes(request.account!)) {
      throw keptAccount(request.account!, stack.name);
    }
    const { organizationId, managementAccountId, members } = await readMembers(organizations, stack);
    requireKeptMembers(stack, members, organizationId);
    const credentials = new RootCredentials(createRootSessions({ ...clients, rate: request.rate }));
    if (request.verb === "audit") {
      const journal =
        request.journal === undefined
          ? undefined
          : Journal.open<AuditedAccount>(
              request.journal,
              { verb: "audit", scope: `${organizationId} (stack ${stack.name})` },
              { maxAgeMs: request.journalMaxAgeMs },
            );
      if (journal !== undefined && journal.size > 0) {
        log(
          `resuming the audit started ${journal.started.toISOString()} (${age(Date.now() - journal.started.getTime())} ago): ` +
            `${journal.size} account(s) from ${request.journal} are not audited again; their results are that run's`,
        );
      }
      const audited = await auditAccounts(organizationId, members, credentials, {
        concurrency: request.concurrency,
        keep: stack.rootCredentials?.keep,
        journal,
        progress: (done, total) => {
          if (done === total || done % 25 === 0) log(`audited ${done} of ${total} member accounts`);
        },
      });
      const report = { ...audited, managementAccount: await readManagementRootUser(clients, managementAccountId) };
      io.stdout(
        request.format === "json"
          ? JSON.stringify({ ...report, controls: auditControls(report) }, null, 2)
          : request.format === "markdown"
            ? auditMarkdown(report)
            : request.format === "csv"
              ? auditCsv(report)
              : auditTable(report),
      );
      // Complete: a later run with the same file audits anew. With failures it stays, and they are tried again.
      if (report.summary.failed === 0) journal?.remove();
      if (request.format !== "table") log(summaryLine(report));
      // Credentials of kept accounts are there on purpose: the audit does not fail on them.
      return report.summary.failed > 0
        ? EXIT_CODES.failed
        : report.summary.withRootCredentials > 0
          ? EXIT_CODES.found
          : EXIT_CODES.ok;
    }
    const account = requireMember(request.account!, members, organizationId);
    if (request.verb === "remove") {
      const journal =
        request.journal === undefined
          ? undefined
          : Journal.open<RemovalJournalEntry>(
              request.journal,
              { verb: "remove", scope: organizationId },
              { maxAgeMs: request.journalMaxAgeMs },
            );
      return await remove(credentials, account.id, request, io, journal);
    }
    const recovered = await credentials.recover(account.id);
    io.stdout(
      recovered.created
        ? `${account.id}: created a login profile without a password. The owner of the account's email address can now ` +
            `set a password with "Forgot password" on the root user sign-in page.`
        : `${account.id}: the root user has a password already; nothing was created`,
    );
    return EXIT_CODES.ok;
  } catch (error) {
    io.stderr(`root-credentials: error: ${explain(error)}`);
    return EXIT_CODES.failed;
  }
}

// remove: what was removed, exactly, also when it stops partway.
/** An account `remove --journal` finished. */
interface RemovalJournalEntry {
  readonly accountId: string;
  readonly before: RemovalResult["before"];
  readonly removed: RemovalResult["removed"];
}

async function remove(
  credentials: RootCredentials,
  accountId: string,
  request: Request,
  io: Invocation["io"],
  journal: Journal<RemovalJournalEntry> | undefined,
): Promise<number> {
  const json = request.format === "json";
  const earlier = request.dryRun ? undefined : journal?.get(accountId);
  if (earlier !== undefined) {
    // Finished by an earlier run that died before it could remove its journal: nothing is read now, so nothing is
    // said of the account's credentials now; the journal is done with.
    journal?.remove();
    const ago = age(Date.now() - Date.parse(earlier.at));
    if (json) {
      const document = {
        accountId,
        status: "finished by an earlier run",
        finishedAt: earlier.at,
        before: earlier.before,
        removed: earlier.removed,
      };
      io.stdout(JSON.stringify(document, null, 2));
    } else {
      io.stdout(
        `${accountId}: finished by an earlier run at ${earlier.at} (${ago} ago), which removed ` +
          `${Object.keys(earlier.removed).length === 0 ? "nothing" : describeRemoved(earlier.removed)}. Not read again in this ` +
          `run: run the command again (without --journal) to read and verify the account now.`,
      );
    }
    return EXIT_CODES.ok;
  }
  let result: Pick<RemovalResult, "before" | "removed">;
  try {
    result = await credentials.remove(accountId, { dryRun: request.dryRun });
    // Finished: the journal is done with (a later run reads the account anew, as the audit's does).
    if (!request.dryRun && journal !== undefined) {
      journal.record({ accountId, before: result.before, removed: result.removed });
      journal.remove();
    }
  } catch (error) {
    if (!(error instanceof RemovalFailed)) throw error;
    const { removed, left, failedAction, reason } = error;
    if (json) {
      const leftText = left === undefined ? "not read" : describeFindings(left);
      io.stdout(JSON.stringify({ accountId, status: "failed", removed, left: leftText, failedAction, reason }, null, 2));
    }
    io.stderr(`root-credentials: error: ${error.message}`);
    return EXIT_CODES.failed;
  }
  if (json) {
    io.stdout(
      JSON.stringify(
        { accountId, status: request.dryRun ? "dry run" : "done", before: result.before, removed: result.removed },
        null,
        2,
      ),
    );
    return EXIT_CODES.ok;
  }
  io.stdout(
    request.dryRun
      ? `${accountId}: would remove ${describeFindings(result.before)} (dry run: nothing was changed)`
      : Object.keys(result.removed).length === 0
        ? `${accountId}: no root credentials; nothing to remove`
        : `${accountId}: removed from the root user: ${describeRemoved(result.removed)}; verified clean. ` +
          `This cannot be undone, except by password recovery (npm run root-credentials -- recover --account ${accountId}).`,
  );
  return EXIT_CODES.ok;
}

function keptAccount(accountId: string, stackName: string): ScriptError {
  return new ScriptError(
    `Account ${accountId} is in rootCredentials.keep of stack "${stackName}": its root credentials are never removed, ` +
      "by the stack or by hand. Nothing was done. To remove them, take it out of keep first.",
  );
}

function parseRequest(argv: readonly string[], env: NodeJS.ProcessEnv, projectRoot: string): Request | undefined {
  const commandLine = parseCommandLine(COMMAND_LINE, argv);
  if (commandLine.help) return undefined;
  const [verb, ...stackName] = commandLine.positionals;
  if (verb !== "audit" && verb !== "remove" && verb !== "recover") {
    throw new UsageError(`root-credentials: unknown verb ${JSON.stringify(verb).slice(0, 40)}; verbs are audit, remove, recover`);
  }
  const { values } = commandLine;
  const only = (flag: string, verbs: readonly Verb[]) => {
    if (values[flag] !== undefined && !verbs.includes(verb))
      throw new UsageError(`root-credentials: --${flag} is not for ${verb}`);
  };
  only("json", ["audit", "remove"]);
  only("markdown", ["audit"]);
  only("csv", ["audit"]);
  only("journal", ["audit", "remove"]);
  only("concurrency", ["audit"]);
  only("account", ["remove", "recover"]);
  only("dry-run", ["remove"]);
  only("rate", ["audit", "remove"]);
  if ([values.json, values.markdown, values.csv].filter(Boolean).length > 1) {
    throw new UsageError("root-credentials: one of --json, --markdown and --csv");
  }
  const account = values.account as string | undefined;
  if (verb !== "audit" && account === undefined) throw new UsageError(`root-credentials: ${verb} needs --account <id>`);
  if (account !== undefined && !ACCOUNT_ID_PATTERN.test(account)) {
    throw new UsageError(`root-credentials: --account ${JSON.stringify(account.slice(0, 40))} is not a 12-digit account id`);
  }
  const concurrencyText = values.concurrency as string | undefined;
  const concurrency = concurrencyText === undefined ? DEFAULT_CONCURRENCY : Number(concurrencyText);
  if (!/^\d+$/.test(concurrencyText ?? "8") || concurrency < 1 || concurrency > 32) {
    throw new UsageError(
      `root-credentials: --concurrency ${JSON.stringify(concurrencyText).slice(0, 20)} is not a number from 1 to 32`,
    );
  }
  only("journal-max-age", ["audit", "remove"]);
  const maxAgeText = values["journal-max-age"] as string | undefined;
  const maxAgeHours = maxAgeText === undefined ? DEFAULT_JOURNAL_MAX_AGE_HOURS : Number(maxAgeText);
  if (!/^\d+(\.\d+)?$/.test(maxAgeText ?? "24") || maxAgeHours <= 0 || maxAgeHours > 24 * 365) {
    throw new UsageError(
      `root-credentials: --journal-max-age ${JSON.stringify(maxAgeText).slice(0, 20)} is not a number of hours above 0, at most a year`,
    );
  }
  const rateText = values.rate as string | undefined;
  const rate = rateText === undefined ? undefined : Number(rateText);
  if (rate !== undefined && !(/^\d+(\.\d+)?$/.test(rateText!) && rate >= MIN_RATE && rate <= MAX_RATE)) {
    throw new UsageError(
      `root-credentials: --rate ${JSON.stringify(rateText).slice(0, 20)} is not a number of calls a second from ${MIN_RATE} ` +
        `(one call every ${1 / MIN_RATE} s) to ${MAX_RATE}`,
    );
  }
  return {
    verb,
    rate,
    stack: stackNamedIn(stackName, loadConfig({ env, projectRoot }), "npm run root-credentials -- " + verb),
    format: values.json ? "json" : values.markdown ? "markdown" : values.csv ? "csv" : "table",
    // Relative to where the operator ran npm (npm runs the command in the project's folder).
    journal: values.journal === undefined ? undefined : path.resolve(env.INIT_CWD ?? process.cwd(), values.journal as string),
    journalMaxAgeMs: maxAgeHours * 3600 * 1000,
    concurrency,
    account,
    dryRun: values["dry-run"] === true,
    endpoints: endpointsFromEnvironment(env),
  };
}

// The organization of the credentials, which must be the stack's when the stack names one (adopt, external).
async function readMembers(
  organizations: OrganizationsClient,
  stack: StackConfig,
): Promise<{
  readonly organizationId: string;
  readonly managementAccountId: string;
  readonly members: readonly MemberAccount[];
}> {
  const { organizationId, managementAccountId } = await describeOrganization(organizations);
  const expected = stack.organization.id;
  if (expected !== undefined && expected !== organizationId) throw wrongOrganization(expected, organizationId, "Organizations");
  return { organizationId, managementAccountId, members: await listMemberAccounts(organizations, managementAccountId) };
}

/**
 * The management account's root user, as iam:GetAccountSummary tells it to the management account's own
 * principals (AccountAccessKeysPresent, AccountMFAEnabled); credentials of another account (IAM's delegated
 * administrator) cannot read it, and a read that fails says why: never a "pass" on it unread.
 */
async function readManagementRootUser(clients: ClientSettings, managementAccountId: string): Promise<ManagementRootUser> {
  const { GetCallerIdentityCommand, STSClient } = await import("@aws-sdk/client-sts");
  const { GetAccountSummaryCommand } = await import("@aws-sdk/client-iam");
  try {
    const sts = new STSClient({ region: clients.region, credentials: credentialsOf(clients) });
    const { Account: caller } = await sts.send(new GetCallerIdentityCommand({}));
    if (caller !== managementAccountId) {
      return {
        accountId: managementAccountId,
        notRead: `the audit runs as account ${caller}, not the management account, whose root user only its own principals can read`,
      };
    }
    const { SummaryMap: summary = {} } = await createIamClient(clients).send(new GetAccountSummaryCommand({}));
    return {
      accountId: managementAccountId,
      accessKeysPresent: (summary.AccountAccessKeysPresent ?? 0) > 0,
      mfaEnabled: (summary.AccountMFAEnabled ?? 0) > 0,
    };
  } catch (error) {
    return {
      accountId: managementAccountId,
      notRead: `iam:GetAccountSummary failed (${awsErrorCode(error) ?? (error as Error).message})`,
    };
  }
}

/**
 * Refuses a stack whose rootCredentials.keep names an account that is not a member (of any status): a mistyped id
 * keeps nothing, and the account meant to be kept would be audited as unkept and removed with the rest.
 */
function requireKeptMembers(stack: StackConfig, members: readonly MemberAccount[], organizationId: string): void {
  const ids = new Set(members.map((member) => member.id));
  const strangers = (stack.rootCredentials?.keep ?? []).filter((id) => !ids.has(id));
  if (strangers.length === 0) return;
  throw new ScriptError(
    `Stack "${stack.name}": rootCredentials.keep lists ${strangers.join(", ")}, not a member account of ${organizationId}. ` +
      "A mistyped id keeps nothing, and the account meant to be kept would lose its root credentials. Nothing was done. " +
      "Correct the id in the configuration.",
  );
}

function requireMember(accountId: string, members: readonly MemberAccount[], organizationId: string): MemberAccount {
  const account = members.find((member) => member.id === accountId);
  if (account === undefined) {
    throw new ScriptError(
      `Account ${accountId} is not a member account of ${organizationId} (the management account has no central ` +
        `root session). Member accounts: npm run root-credentials -- audit.`,
    );
  }
  if (account.status !== "ACTIVE") {
    throw new ScriptError(`Account ${accountId} is ${account.status}, not ACTIVE: AWS opens no root session in it.`);
  }
  return account;
}

function explain(error: unknown): string {
  return commandFailureText(error, {
    operation: "Reading the organization's accounts (Organizations DescribeOrganization, ListAccounts)",
    permission: "organizations:DescribeOrganization and organizations:ListAccounts",
  });
}
