import type { AuditReport, AuditedAccount } from "../../../scripts/root-credentials/audit";
import { auditControls } from "../../../scripts/root-credentials/controls";
import { doctorControls } from "../../../scripts/doctor/controls";
import { NO_ROOT_CREDENTIALS } from "./no-root-credentials";

const CLEAN = NO_ROOT_CREDENTIALS;

/** The management account's root user as the audit read it: no access key, MFA enabled. */
const MANAGEMENT = { accountId: "999999999999", accessKeysPresent: false, mfaEnabled: true };

function report(...accounts: Partial<AuditedAccount>[]): AuditReport {
  return reportWith(MANAGEMENT, ...accounts);
}

function reportWith(managementAccount: AuditReport["managementAccount"], ...accounts: Partial<AuditedAccount>[]): AuditReport {
  const full = accounts.map((account, index) => ({
    accountId: String(111111111111 * (index + 1)).slice(0, 12),
    name: `a${index}`,
    status: "audited" as const,
    kept: false,
    rootCredentials: CLEAN,
    ...account,
  }));
  return {
    organizationId: "o-a1b2c3d4e5",
    auditedAt: "2026-12-07T12:00:00.000Z",
    managementAccount,
    accounts: full,
    summary: {
      memberAccounts: full.length,
      audited: full.length,
      fromEarlierRun: 0,
      withRootCredentials: 0,
      keptWithRootCredentials: 0,
      skipped: 0,
      failed: 0,
    },
  };
}

const statuses = (controls: { status: string }[]) => controls.map((control) => control.status);

describe("the audit's evidence (controls)", () => {
  it("passes with no member root credentials, and the MFA rules hold on the management account's root user, read", () => {
    const controls = auditControls(report({}, {}));
    // (iam:GetAccountSummary does not tell a hardware device from a virtual one)
    expect(statuses(controls)).toEqual(["pass", "pass", "pass", "cannot tell"]);
    expect(controls[2].evidence).toContain("no root user has a password or an access key");
    expect(controls[2].evidence).toContain(
      "the management account 999999999999's root user (iam:GetAccountSummary): access keys none, MFA enabled",
    );
  });

  it("covers the management account's root user in an organization without members, and never passes it unread", () => {
    // GIVEN no member account, and the management account's root user read: an access key, no MFA
    const failing = auditControls(reportWith({ accountId: "999999999999", accessKeysPresent: true, mfaEnabled: false }));
    // THEN the root access key and MFA rules fail on it
    expect(statuses(failing)).toEqual(["pass", "fail", "fail", "fail"]);
    expect(failing[1].evidence).toContain("failing: the management account 999999999999");
    // WHEN it could not be read (the audit ran as IAM's delegated administrator)
    const unread = auditControls(
      reportWith({ accountId: "999999999999", notRead: "the audit runs as account 222222222222, not the management account" }),
    );
    // THEN the root-user rules cannot tell, saying why
    expect(statuses(unread)).toEqual(["pass", "cannot tell", "cannot tell", "cannot tell"]);
    expect(unread[1].evidence).toContain(
      "the management account 999999999999's root user was not read (the audit runs as account 222222222222, not the management account)",
    );
  });

  it("fails the MFA rule for a password without MFA, and cannot tell hardware from virtual where there is MFA", () => {
    const noMfa = auditControls(report({ rootCredentials: { ...CLEAN, password: true } }));
    expect(statuses(noMfa)).toEqual(["fail", "pass", "fail", "fail"]);
    const withMfa = auditControls(report({ rootCredentials: { ...CLEAN, password: true, mfaDevices: 1 } }));
    expect(statuses(withMfa)).toEqual(["fail", "pass", "pass", "cannot tell"]);
    // AND an account read by an earlier run (resumed from a journal) is said to be
    expect(auditControls({ ...report({}), summary: { ...report({}).summary, fromEarlierRun: 1 } })[0].evidence).toContain(
      "(1 of them by an earlier run, resumed from its journal)",
    );
  });

  it.each([
    ["failed", { status: "failed" as const, rootCredentials: undefined, reason: "AccessDenied" }],
    ["skipped as suspended", { status: "skipped" as const, rootCredentials: undefined, reason: "the account is SUSPENDED" }],
  ])("never passes what it did not read: an account %s makes clean results cannot tell", (_, unread) => {
    const controls = auditControls(report({}, unread));
    expect(statuses(controls)).toEqual(["cannot tell", "cannot tell", "cannot tell", "cannot tell"]);
    expect(controls[0].evidence).toContain("not read: ");
    // AND with every member unread, nothing passes either
    expect(statuses(auditControls(report(unread, unread)))).toEqual(["cannot tell", "cannot tell", "cannot tell", "cannot tell"]);
  });
});

describe("the doctor's evidence (controls)", () => {
  it("passes CIS 2.1.1 with RootCredentialsManagement enabled, fails without it, and cannot tell unread", () => {
    expect(doctorControls("o-a1b2c3d4e5", ["RootCredentialsManagement", "RootSessions"])).toEqual([
      {
        id: "CIS AWS Foundations Benchmark v7.0.0 2.1.1",
        title: "Centralized root access management is enabled in AWS Organizations",
        status: "pass",
        evidence: "iam:ListOrganizationsFeatures for o-a1b2c3d4e5: enabled: RootCredentialsManagement, RootSessions",
      },
    ]);
    expect(statuses(doctorControls("o-a1b2c3d4e5", ["RootSessions"]))).toEqual(["fail"]);
    expect(statuses(doctorControls("o-a1b2c3d4e5", undefined))).toEqual(["cannot tell"]);
  });
});
