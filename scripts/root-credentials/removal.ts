import { mapBounded } from "../aws/bounded";
import { createRootSessions } from "../aws/root-session";
import { Log } from "../aws/service-access-wait";
import { RemovalFailed, RootCredentials, describeFindings, describeRemoved } from "./credentials";

/** What remove-root-credentials did; printed as the JSON result line. */
export interface RemovalReport {
  readonly action: "remove-root-credentials";
  /** Accounts whose root user had credentials, with what was removed. */
  readonly cleaned: readonly { readonly accountId: string; readonly removed: Readonly<Record<string, number>> }[];
  /** Accounts that were clean already (no write). */
  readonly alreadyClean: readonly string[];
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

/** How many accounts are worked on at once: AssumeRoot is rate-limited, and the SDK's adaptive retry paces the rest. */
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
  },
  log: Log,
): Promise<RemovalReport> {
  const credentials = new RootCredentials(createRootSessions(options));
  const cleaned: RemovalReport["cleaned"][number][] = [];
  const alreadyClean: string[] = [];
  const failed: RemovalReport["failed"][number][] = [];
  await mapBounded(options.accounts, REMOVAL_CONCURRENCY, async (accountId) => {
    try {
      const result = await credentials.remove(accountId);
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
  const order = (a: { accountId: string }, b: { accountId: string }) => a.accountId.localeCompare(b.accountId);
  return {
    action: "remove-root-credentials",
    cleaned: cleaned.sort(order),
    alreadyClean: alreadyClean.sort(),
    failed: failed.sort(order),
  };
}
