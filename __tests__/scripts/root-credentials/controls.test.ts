import type { AuditReport, AuditedAccount } from "../../../scripts/root-credentials/audit";
import { auditControls } from "../../../scripts/root-credentials/controls";
import { doctorControls } from "../../../scripts/doctor/controls";

const CLEAN = {
  password: false,
  accessKeys: 0,
  activeAccessKeys: 0,
  accessKeysLastUsed: null,
  mfaDevices: 0,
  signingCertificates: 0,
};

function report(...accounts: Partial<AuditedAccount>[]): AuditReport {
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
    accounts: full,
    summary: {
      memberAccounts: full.length,
      audited: full.length,
      withRootCredentials: 0,
      keptWithRootCredentials: 0,
      skipped: 0,
      failed: 0,
    },
  };
}

const statuses = (controls: { status: string }[]) => controls.map((control) => control.status);

describe("the audit's evidence (controls)", () => {
  it("passes with no root credentials anywhere, and the MFA rules do not apply: nobody can sign in as root", () => {
    const controls = auditControls(report({}, {}));
    expect(statuses(controls)).toEqual(["pass", "pass", "not applicable", "not applicable"]);
    expect(controls[2].evidence).toContain("no root user has a password or an access key");
  });

  it("fails the MFA rule for a password without MFA, and cannot tell hardware from virtual where there is MFA", () => {
    const noMfa = auditControls(report({ rootCredentials: { ...CLEAN, password: true } }));
    expect(statuses(noMfa)).toEqual(["fail", "pass", "fail", "fail"]);
    const withMfa = auditControls(report({ rootCredentials: { ...CLEAN, password: true, mfaDevices: 1 } }));
    expect(statuses(withMfa)).toEqual(["fail", "pass", "pass", "cannot tell"]);
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
