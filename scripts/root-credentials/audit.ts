import { ScriptError } from "../aws/aws-errors";
import { mapBounded } from "../aws/bounded";
import { MemberAccount } from "../aws/organization-accounts";
import { RootCredentialFindings, RootCredentials } from "./credentials";
import type { Journal } from "./journal";

/** One member account in an audit: audited (with its findings), skipped (not active) or failed. */
export interface AuditedAccount {
  readonly accountId: string;
  readonly name: string;
  readonly status: "audited" | "skipped" | "failed";
  /** In the stack's rootCredentials.keep: its credentials are reported, never counted as findings or removed. */
  readonly kept: boolean;
  readonly rootCredentials?: {
    readonly password: boolean;
    readonly accessKeys: number;
    readonly activeAccessKeys: number;
    /** The latest use of any of its access keys, ISO 8601, or null. */
    readonly accessKeysLastUsed: string | null;
    readonly mfaDevices: number;
    readonly signingCertificates: number;
  };
  readonly reason?: string;
  /**
   * Set when the result is an earlier run's, taken from its journal (--journal): when that run read the account.
   * Nothing in this run read it.
   */
  readonly readAt?: string;
}

/**
 * The management account's root user, read with the audit's own credentials (iam:GetAccountSummary: no root
 * session opens there), or why it was not read.
 */
export type ManagementRootUser =
  | { readonly accountId: string; readonly accessKeysPresent: boolean; readonly mfaEnabled: boolean }
  | { readonly accountId: string; readonly notRead: string };

/** The audit of an organization's member accounts: the JSON document `root-credentials audit --json` prints. */
export interface AuditReport {
  readonly organizationId: string;
  /** When this run started. */
  readonly auditedAt: string;
  /** The management account's root user, which the evidence's root-user controls cover too. */
  readonly managementAccount?: ManagementRootUser;
  readonly accounts: readonly AuditedAccount[];
  readonly summary: {
    readonly memberAccounts: number;
    readonly audited: number;
    /** Of the audited accounts, those whose result is an earlier run's (from its journal, each with `readAt`). */
    readonly fromEarlierRun: number;
    /** Accounts not kept whose root user has credentials: what the audit fails on. */
    readonly withRootCredentials: number;
    /** Kept accounts (rootCredentials.keep) whose root user has credentials, as the setting means. */
    readonly keptWithRootCredentials: number;
    readonly skipped: number;
    readonly failed: number;
  };
}

/** The account's findings as counts, the shape of the report. */
function countFindings(findings: RootCredentialFindings): NonNullable<AuditedAccount["rootCredentials"]> {
  const used = findings.accessKeys.map((key) => key.lastUsed).filter((date): date is string => date !== null);
  return {
    password: findings.password,
    accessKeys: findings.accessKeys.length,
    activeAccessKeys: findings.accessKeys.filter((key) => key.status === "Active").length,
    accessKeysLastUsed: used.length > 0 ? used.sort()[used.length - 1] : null,
    mfaDevices: findings.mfaDevices.length,
    signingCertificates: findings.signingCertificates.length,
  };
}

/** True when the audited account's root user has any credential. */
export function hasRootCredentials(account: AuditedAccount): boolean {
  const found = account.rootCredentials;
  return found !== undefined && (found.password || found.accessKeys + found.mfaDevices + found.signingCertificates > 0);
}

/**
 * Audits every active member account, `concurrency` at a time; an account that is not active is skipped with
 * the reason, and one whose audit fails is reported with the error without stopping the others. Kept accounts
 * are audited and marked kept: their credentials are there on purpose.
 */
export async function auditAccounts(
  organizationId: string,
  members: readonly MemberAccount[],
  rootCredentials: RootCredentials,
  options: {
    readonly concurrency: number;
    /** The stack's rootCredentials.keep. */
    readonly keep?: readonly string[];
    /** Accounts finished in an earlier run are taken from it, not opened again; each one finished is written to it. */
    readonly journal?: Journal<AuditedAccount>;
    readonly progress?: (done: number, total: number) => void;
    /** When the run started (tests). */
    readonly now?: Date;
  },
): Promise<AuditReport> {
  const auditedAt = (options.now ?? new Date()).toISOString();
  let done = 0;
  const accounts = await mapBounded(members, options.concurrency, async (member): Promise<AuditedAccount> => {
    const base = { accountId: member.id, name: member.name, kept: options.keep?.includes(member.id) ?? false };
    const journaled = options.journal?.get(member.id);
    if (journaled !== undefined) {
      options.progress?.(++done, members.length);
      // An earlier run's result, and when it read the account: not read again in this one.
      const { at, ...earlier } = journaled;
      return { ...earlier, ...base, readAt: at };
    }
    try {
      if (member.status !== "ACTIVE") {
        return {
          ...base,
          status: "skipped",
          reason: `the account is ${member.status}, not ACTIVE: AWS opens no root session in it`,
        };
      }
      const findings = await rootCredentials.audit(member.id);
      const audited: AuditedAccount = { ...base, status: "audited", rootCredentials: countFindings(findings) };
      options.journal?.record(audited);
      return audited;
    } catch (error) {
      return {
        ...base,
        status: "failed",
        reason: error instanceof ScriptError ? error.message : String((error as Error)?.message ?? error),
      };
    } finally {
      options.progress?.(++done, members.length);
    }
  });
  return {
    organizationId,
    auditedAt,
    accounts,
    summary: {
      memberAccounts: accounts.length,
      audited: accounts.filter((account) => account.status === "audited").length,
      fromEarlierRun: accounts.filter((account) => account.readAt !== undefined).length,
      withRootCredentials: accounts.filter((account) => !account.kept && hasRootCredentials(account)).length,
      keptWithRootCredentials: accounts.filter((account) => account.kept && hasRootCredentials(account)).length,
      skipped: accounts.filter((account) => account.status === "skipped").length,
      failed: accounts.filter((account) => account.status === "failed").length,
    },
  };
}
