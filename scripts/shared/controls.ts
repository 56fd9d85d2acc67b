// Evidence for auditors: what the doctor and the audit checked, mapped to the controls auditors ask about. Each
// entry says what was read, so a "pass" can be traced to the reads behind it; what could not be read is
// "cannot tell", never "pass".

/** One control, as the doctor's and the audit's JSON carry it. */
export interface Control {
  readonly id: string;
  readonly title: string;
  readonly status: "pass" | "fail" | "not applicable" | "cannot tell";
  /** What was read, and what it showed. */
  readonly evidence: string;
}

/** The controls, by the ids their owners give them. */
export const CONTROLS = {
  centralizedRootAccess: {
    id: "CIS AWS Foundations Benchmark v7.0.0 2.1.1",
    title: "Centralized root access management is enabled in AWS Organizations",
  },
  noMemberRootCredentials: {
    id: "org-root-access member-root-credentials",
    title: "Member accounts have no standing root credentials (password, access keys, MFA devices, signing certificates)",
  },
  rootAccessKey: { id: "AWS Config iam-root-access-key-check", title: "The root user has no access key" },
  rootMfa: { id: "AWS Config root-account-mfa-enabled", title: "The root user has MFA enabled" },
  rootHardwareMfa: { id: "AWS Config root-account-hardware-mfa-enabled", title: "The root user has a hardware MFA device" },
} as const;
