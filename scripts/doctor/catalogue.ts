// Every check the doctor makes, by the name its report gives it, in the order it runs them (the order a fix has to
// go). checks.ts names its results from here, and the reference in docs/ lists them from here.

/** One kind of check: its name in the report, what it establishes, what it reads, and when it fails. */
export interface DoctorCheck {
  readonly name: string;
  readonly establishes: string;
  readonly reads: string;
  readonly problemWhen: string;
}

/** The doctor's checks, by key. */
export const DOCTOR_CHECKS = {
  organization: {
    name: "organization",
    establishes: "the credentials' account belongs to an AWS Organization, and (adopt, external) to the configured one",
    reads: "organizations:DescribeOrganization",
    problemWhen:
      'the account belongs to no organization (not a problem with --before-apply in "create" mode), or to another one than organization.id',
  },
  credentials: {
    name: "credentials",
    establishes: "the credentials are the management account's, or IAM's delegated administrator's",
    reads: "sts:GetCallerIdentity, organizations:ListDelegatedAdministrators",
    problemWhen: "the account is neither: it can neither enable, check nor audit",
  },
  allFeatures: {
    name: "all features",
    establishes: "the organization has all features, which centralized root access needs",
    reads: "organizations:DescribeOrganization",
    problemWhen: "the feature set is CONSOLIDATED_BILLING (the stack never changes it: every member account must approve)",
  },
  iamTrustedAccess: {
    name: "IAM trusted access",
    establishes: "iam.amazonaws.com is a trusted service of the organization",
    reads: "organizations:ListAWSServiceAccessForOrganization",
    problemWhen: "it is not (with --before-apply, only in external mode: in create and adopt mode the apply enables it)",
  },
  rootAccessFeatures: {
    name: "root access features",
    establishes: "every feature in the stack's features is enabled",
    reads: "iam:ListOrganizationsFeatures",
    problemWhen: "a configured feature is not enabled (not a problem yet with --before-apply: the apply enables it)",
  },
  delegatedAdministrator: {
    name: "delegated administrator",
    establishes: "delegatedAdministratorAccountId, when configured, is IAM's delegated administrator",
    reads: "organizations:ListDelegatedAdministrators",
    problemWhen: "it is not (not a problem yet with --before-apply: the apply registers it)",
  },
  serviceControlPolicies: {
    name: "service control policies",
    establishes:
      'no service control policy denies what central root sessions do; each SCP that does is its own check, named "SCP <id> <name>"',
    reads: "organizations:ListPolicies, DescribePolicy, ListTargetsForPolicy, ListAccounts and the organization's tree",
    problemWhen:
      "an SCP denies central root sessions; a statement the doctor cannot evaluate is reported as cannot tell, never as ok",
  },
} as const satisfies Record<string, DoctorCheck>;
