import { Plan, readPlan } from "../../scripts/plan-gate/plan";
import type { AuditReport } from "../../scripts/root-credentials/audit";

// The largest reports people read, built without AWS: what the bench measures at 10,000 accounts and the unit
// tests hold under 60,000 characters are the same documents.

/** `count` member account ids from `from` on. */
export function memberIds(count: number, from = 100000000000): string[] {
  return Array.from({ length: count }, (_, index) => String(from + index));
}

/** A saved plan whose root-credentials removal goes from accounts `before` (none: a first removal) to `after`. */
export function removalPlan(before: readonly string[], after: readonly string[]): Plan {
  return readPlan(
    JSON.stringify({
      format_version: "1.2",
      planned_values: {},
      configuration: {},
      resource_changes: [
        {
          address: "terraform_data.root-credentials",
          type: "terraform_data",
          mode: "managed",
          change: {
            actions: before.length > 0 ? ["delete", "create"] : ["create"],
            before: before.length > 0 ? { triggers_replace: { accounts: before } } : null,
            after: { triggers_replace: { accounts: after } },
          },
        },
      ],
    }),
  );
}

/** An audit in which every one of `ids` has a password, two access keys, an MFA device and a certificate. */
export function auditWithCredentialsEverywhere(ids: readonly string[]): AuditReport {
  return {
    auditedAt: "2026-12-07T12:00:00.000Z",
    organizationId: "o-a1b2c3d4e5",
    accounts: ids.map((accountId) => ({
      accountId,
      name: `workload-${accountId}`,
      status: "audited",
      kept: false,
      rootCredentials: {
        password: true,
        accessKeys: 2,
        activeAccessKeys: 1,
        accessKeysLastUsed: null,
        mfaDevices: 1,
        signingCertificates: 1,
      },
    })),
    summary: {
      memberAccounts: ids.length,
      audited: ids.length,
      fromEarlierRun: 0,
      withRootCredentials: ids.length,
      keptWithRootCredentials: 0,
      skipped: 0,
      failed: 0,
    },
  };
}
