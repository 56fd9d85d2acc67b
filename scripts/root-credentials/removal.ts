import { mapBounded } from "../aws/bounded";
import { createRootSessions } from "../aws/root-session";
import { Log } from "../aws/service-access-wait";
import { createHash } from "node:crypto";
import { RemovalFailed, RootCredentials, describeFindings, describeRemoved } from "./credentials";
import { Journal } from "./journal";

/** One account the removal finished, as its journal keeps it. */
interface RemovalEntry {
  readonly accountId: string;
  readonly removed: Readonly<Record<string, number>>;
}

/** The selection a removal's journal belongs to: another list (a member joined) is another run. */
export function selection(accounts: readonly string[]): string {
  return `${accounts.length} account(s), ${createHash("sha256")
    .update([...accounts].sort().join(","))
    .digest("hex")
    .slice(0, 16)}`;
}

/** What remove-root-credentials did; printed as the JSON result line. */
export interface RemovalReport {
  readonly action: "remove-root-credentials";
  /** Accounts whose root user had credentials, with what was removed. */
  readonly cleaned: readonly { readonly accountId: string; readonly removed: Readonly<Record<string, number>> }[];
  /** Accounts that were clean already (no write). */
  readonly alreadyClean: readonly string[];
  /**
   * Accounts an earlier run of the same selection finished (a killed apply that resumed): not opened in this run,
   * so nothing is said of their credentials now; when they finished, and what was removed then.
   */
  readonly finishedEarlier: readonly {
    readonly accountId: string;
    readonly finishedAt: string;
    readonly removed: Readonly<Record<string, number>>;
  }[];
  /**
   * Accounts where the removal stopped partway: what was removed (irreversibly) before it stopped, what is left,
   * which call failed, and why with its likely cause. The next run removes only what is left.
   */
  readonly failed: readonly {
    readonly accountId: string;
    readonly removed: Readonly<Record<string, number>>;
    readonly left: string;
    readonly failedAction: string;
    readonly reason: string;
  }[];
}

/** A journal older than this is not resumed: what it says of an account is not today's. */
const JOURNAL_MAX_AGE_MS = 24 * 3600 * 1000;

/** How many accounts are worked on at once: AssumeRoot is paced at the rate AWS grants (AssumeRootPacer). */
const REMOVAL_CONCURRENCY = 4;

/**
 * Removes every root credential of each account (terraform's step for rootCredentials.remove). An account that
 * fails is reported with exactly what was removed and what is left, and does not stop the others; the step fails
 * at the end if any did, so terraform runs it again on the next apply (the resource is tainted), where clean
 * accounts cost no write and the others lose only what is left.
 */
export async function removeRootCredentials(
  options: {
    readonly accounts: readonly string[];
    readonly region?: string;
    readonly roleArn?: string;
    readonly endpoints?: { readonly sts?: string };
    /**
     * A journal file: accounts finished by an earlier run of the same selection are not opened again (a killed
     * apply resumes); it is removed when every account is done.
     */
    readonly journal?: string;
  },
  log: Log,
): Promise<RemovalReport> {
  const credentials = new RootCredentials(createRootSessions(options));
  const cleaned: RemovalReport["cleaned"][number][] = [];
  const alreadyClean: string[] = [];
  const failed: RemovalReport["failed"][number][] = [];
  const journal =
    options.journal === undefined
      ? undefined
      : // A journal of another selection, or older than a day, is another run's: this one starts over.
        Journal.open<RemovalEntry>(
          options.journal,
          { verb: "remove-root-credentials", scope: selection(options.accounts) },
          { onMismatch: "start over", maxAgeMs: JOURNAL_MAX_AGE_MS },
        );
  const finishedEarlier: RemovalReport["finishedEarlier"][number][] = [];
  if (journal !== undefined && journal.size > 0) {
    log(
      `resuming the run started ${journal.started.toISOString()}: ${journal.size} account(s) it finished are not ` +
        "opened again, and nothing is said of their credentials now.",
    );
  }
  await mapBounded(options.accounts, REMOVAL_CONCURRENCY, async (accountId) => {
    const earlier = journal?.get(accountId);
    if (earlier !== undefined) {
      finishedEarlier.push({ accountId, finishedAt: earlier.at, removed: earlier.removed });
      return;
    }
    try {
      const result = await credentials.remove(accountId);
      journal?.record({ accountId, removed: result.removed });
      if (Object.keys(result.removed).length === 0) {
        alreadyClean.push(accountId);
        log(`${accountId}: no root credentials; nothing to remove.`);
      } else {
        cleaned.push({ accountId, removed: result.removed });
        log(`${accountId}: removed from the root user: ${describeRemoved(result.removed)}; verified clean.`);
      }
    } catch (error) {
      if (!(error instanceof RemovalFailed)) throw error;
      failed.push({
        accountId,
        removed: error.removed,
        left: error.left === undefined ? "not read" : describeFindings(error.left),
        failedAction: error.failedAction,
        reason: error.reason,
      });
      log(`error: ${error.message}`);
    }
  });
  if (options.accounts.length === 0) log("no member account is selected: nothing to remove.");
  if (failed.length === 0) journal?.remove();
  const order = (a: { accountId: string }, b: { accountId: string }) => a.accountId.localeCompare(b.accountId);
  return {
    action: "remove-root-credentials",
    cleaned: cleaned.sort(order),
    alreadyClean: alreadyClean.sort(),
    finishedEarlier: finishedEarlier.sort(order),
    failed: failed.sort(order),
  };
}
