// Every check the doctor makes, by the name its report gives it, in the order it runs them (the order a fix has to
// go). checks.ts names its results from here, and the reference in docs/ lists them from here.

/** One thing the doctor checked, as it reports it. */
export interface Check {
  readonly check: string;
  readonly status: "ok" | "problem" | "limited" | "cannot tell";
  readonly detail: string;
  /** What to change, for anything not ok. */
  readonly fix?: string;
  /** For a root task: the task and the member accounts this result is about. */
  readonly task?: string;
  readonly accounts?: readonly string[];
  /** For a root task that is limited or cannot be told: a request that works and one that is blocked (the first account's). */
  readonly examples?: { readonly works: unknown; readonly blocked: unknown };
}

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
      "the organization's tree and its SCPs can be read; with the SERVICE_CONTROL_POLICY type disabled in the root, no SCP applies anywhere",
    reads:
      "organizations:ListRoots, ListOrganizationalUnitsForParent, ListAccountsForParent, ListPolicies, DescribePolicy, ListTargetsForPolicy",
    problemWhen: "never; a read that fails makes it, and every root task after it, cannot tell",
  },
  rootTask: {
    name: "root task",
    establishes:
      "each root task the stack's features need (IAMAuditRootUserCredentials, IAMDeleteRootUserCredentials and " +
      "IAMCreateRootUserPassword with RootCredentialsManagement; S3UnlockBucketPolicy and SQSUnlockQueuePolicy with " +
      "RootSessions) works in every active member account: for each of the task's calls, evaluated as AWS does for a " +
      "central root session (principal arn:<partition>:iam::<account>:root, aws:AssumedRoot true, the task's actions on " +
      "the resources it touches), some attached SCP Allow covers it at every level of the account's path (root, each " +
      'OU, the account) and no Deny applies. One result per task and per group of accounts that fare alike, named "root task <task>"',
    reads: "what service control policies read",
    problemWhen:
      'an SCP denies a call of the task, or a level of the path has no Allow for it. "limited" (not a problem) when ' +
      'it works only in some regions or for some buckets or queues; "cannot tell" names the construct the doctor ' +
      "cannot evaluate (a condition key whose value a root session's request does not document, an operator spelled " +
      "otherwise than AWS documents it, a set operator on a single-valued key)",
  },
  rootActivityAlerts: {
    name: "root-activity alerts",
    establishes:
      "with rootActivityAlerts, every part of the chain that carries an AssumeRoot to someone's inbox: in the stack's region, the rules org-root-access-root-sessions (granted) and org-root-access-root-sessions-refused, in state ENABLED_WITH_ALL_CLOUDTRAIL_MANAGEMENT_EVENTS with the stack's patterns, targeting the topic with the stack's messages (input transformer); the topic's policy letting events.amazonaws.com publish for both; its subscriptions equal to the declared addresses, each confirmed (a given topic: one confirmed); in every other covered region and every covered region of IAM's delegated administrator, the forwarder org-root-access-root-sessions-forward with its pattern, the home bus as target and the stack's role, which must trust events.amazonaws.com and may put events on the home bus; the home bus's permission for the delegated administrator; no region enabled in a calling account that the alerts do not cover",
    reads:
      "events:DescribeRule, events:ListTargetsByRule, events:DescribeEventBus, sns:GetTopicAttributes, sns:ListSubscriptionsByTopic, iam:GetRole, iam:GetRolePolicy, ec2:DescribeRegions (in the delegated administrator's account through rootActivityAlerts.delegatedAdministratorRoleName)",
    problemWhen:
      'any difference, each named: a rule missing, disabled or with another pattern, another target or message, a topic policy without EventBridge, an address not confirmed or missing, a subscription the stack does not declare, a forwarder missing or pointing elsewhere, the bus permission missing, an enabled region not covered (not a problem yet with --before-apply when only rules are missing: the apply creates them). "cannot tell": state ENABLED (AWS does not say whether AssumeRoot is a read-only event), a topic policy with a Deny or other conditions, a KMS key on the topic, a read refused',
  },
  rootActivityTrail: {
    name: "CloudTrail for the alerts",
    establishes:
      "with rootActivityAlerts, a trail that is logging records management events (read and write) in every covered region of every calling account: a multi-region trail or one homed there, or the management account's organization trail (which covers the delegated administrator too). CloudTrail delivers AssumeRoot to EventBridge only where a trail records it",
    reads: "cloudtrail:DescribeTrails, cloudtrail:GetTrailStatus, cloudtrail:GetEventSelectors",
    problemWhen:
      'a covered region of a calling account has no such trail (none, not logging, no management events). "cannot tell": only read-only or write-only management events, advanced event selectors that filter management events, a trail whose status or selectors could not be read',
  },
} as const satisfies Record<string, DoctorCheck>;
