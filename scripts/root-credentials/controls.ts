import { CONTROLS, Control } from "../shared/controls";
import type { AuditReport } from "./audit";

/**
 * The controls an audit gives evidence for, across the organization's member accounts. A member account
 * without a password or access key cannot sign in as root: MFA protects nothing there, so the MFA controls do not
 * apply to it (AWS Config's root MFA rules answer NOT_APPLICABLE without root credentials). An account the audit
 * did not read (failed, or skipped as not ACTIVE) makes every control "cannot tell" unless another account
 * already fails it.
 */
export function auditControls(report: AuditReport): Control[] {
  const audited = report.accounts.filter((account) => account.status === "audited" && account.rootCredentials);
  // Skipped accounts (suspended, closing) keep their root credentials and may come back: not read is not clean.
  const unread = report.accounts.filter((account) => account.status !== "audited").map((account) => account.accountId);
  const earlier = report.summary.fromEarlierRun;
  const reads =
    `IAMAuditRootUserCredentials sessions in ${audited.length} of ${report.summary.memberAccounts} member accounts of ${report.organizationId}` +
    (earlier > 0 ? ` (${earlier} of them by an earlier run, resumed from its journal)` : "");
  const unreadText = unread.length > 0 ? `; not read: ${listed(unread)}` : "";
  const verdict = (
    failing: readonly string[],
    what: string,
    none: Control["status"] = "pass",
  ): Pick<Control, "status" | "evidence"> => {
    if (failing.length > 0) return { status: "fail", evidence: `${reads}: ${what} in ${listed(failing)}${unreadText}` };
    if (unread.length > 0) return { status: "cannot tell", evidence: `${reads}: none found${unreadText}` };
    return { status: none, evidence: `${reads}: none found` };
  };
  const ids = (test: (found: NonNullable<(typeof audited)[number]["rootCredentials"]>) => boolean) =>
    audited.filter((account) => test(account.rootCredentials!)).map((account) => account.accountId);
  const withCredentials = ids((found) => found.password || found.accessKeys + found.mfaDevices + found.signingCertificates > 0);
  // What AWS Config's root MFA rules look at: a root user with a password or an access key.
  const withSignIn = ids((found) => found.password || found.accessKeys > 0);
  const withoutMfa = ids((found) => (found.password || found.accessKeys > 0) && found.mfaDevices === 0);
  const kept = report.accounts.filter((account) => account.kept).length;
  // The root-user rules cover the management account's root user too: read with the audit's own credentials, or
  // not covered, said so (never "pass" on it unread).
  const management = report.managementAccount;
  const managementRead = management !== undefined && !("notRead" in management);
  const managementText = managementRead
    ? `; the management account ${management.accountId}'s root user (iam:GetAccountSummary): access keys ${management.accessKeysPresent ? "present" : "none"}, MFA ${management.mfaEnabled ? "enabled" : "not enabled"}`
    : `; the management account${management ? ` ${management.accountId}` : ""}'s root user was not read${management && "notRead" in management ? ` (${management.notRead})` : ""}`;
  const withManagement = (control: Control, failsThere: boolean): Control => {
    if (managementRead && failsThere) {
      const failing = `the management account ${management.accountId}`;
      return {
        ...control,
        status: "fail",
        evidence: `${control.evidence.replace(/: none found/, "")}${managementText}; failing: ${failing}`,
      };
    }
    // Read and passing there: the rule applies to the management account's root user, which passes it.
    const status = !managementRead
      ? control.status === "fail"
        ? "fail"
        : "cannot tell"
      : control.status === "not applicable"
        ? "pass"
        : control.status;
    return { ...control, status, evidence: `${control.evidence}${managementText}` };
  };
  const hardware: Control =
    withoutMfa.length > 0 || withSignIn.length === 0
      ? mfaControl(CONTROLS.rootHardwareMfa, withoutMfa, withSignIn, reads, unreadText, unread.length > 0)
      : {
          ...CONTROLS.rootHardwareMfa,
          status: "cannot tell",
          evidence: `${reads}: root credentials and an MFA device in ${listed(withSignIn)}; the audit does not tell hardware from virtual devices`,
        };
  return [
    {
      ...CONTROLS.noMemberRootCredentials,
      ...verdict(withCredentials, `root credentials${kept > 0 ? ` (${kept} account(s) kept by rootCredentials.keep)` : ""}`),
    },
    withManagement(
      {
        ...CONTROLS.rootAccessKey,
        ...verdict(
          ids((found) => found.accessKeys > 0),
          "root access keys",
        ),
      },
      managementRead && management.accessKeysPresent,
    ),
    withManagement(
      mfaControl(CONTROLS.rootMfa, withoutMfa, withSignIn, reads, unreadText, unread.length > 0),
      managementRead && !management.mfaEnabled,
    ),
    // iam:GetAccountSummary does not tell a hardware device from a virtual one either.
    withManagement(
      managementRead && management.mfaEnabled && hardware.status !== "fail"
        ? { ...hardware, status: "cannot tell", evidence: `${hardware.evidence}; the management account's device may be virtual` }
        : hardware,
      managementRead && !management.mfaEnabled,
    ),
  ];
}

function mfaControl(
  control: { readonly id: string; readonly title: string },
  failing: readonly string[],
  withSignIn: readonly string[],
  reads: string,
  unreadText: string,
  someUnread: boolean,
): Control {
  if (failing.length > 0) {
    return {
      ...control,
      status: "fail",
      evidence: `${reads}: root credentials and no MFA device in ${listed(failing)}${unreadText}`,
    };
  }
  if (someUnread) return { ...control, status: "cannot tell", evidence: `${reads}${unreadText}` };
  if (withSignIn.length > 0) {
    return { ...control, status: "pass", evidence: `${reads}: every root user with a password or access key has an MFA device` };
  }
  return {
    ...control,
    status: "not applicable",
    evidence: `${reads}: no root user has a password or an access key, so none can sign in; central root sessions need no MFA device`,
  };
}

/** A few ids, then how many more. */
function listed(ids: readonly string[]): string {
  return ids.length <= 5 ? ids.join(", ") : `${ids.slice(0, 5).join(", ")} and ${ids.length - 5} more`;
}
