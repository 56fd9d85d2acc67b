// Root activity in member accounts, as an organization trail records it (userIdentity.type "Root"): the metric
// filters and alarms the stack adds to the trail's CloudWatch Logs group, which the plan gate guards. Plain data.

/** The CloudWatch namespace of the metrics. */
export const MEMBER_ROOT_ACTIVITY_NAMESPACE = "OrgRootAccess";

/** What the filters' and alarms' names start with. */
export const MEMBER_ROOT_ACTIVITY_PREFIX = "org-root-access-member-root-";

/** One kind of root activity: the metric filter's and the alarm's name, its metric, its pattern, what it means. */
export interface MemberRootActivityKind {
  readonly name: string;
  readonly metric: string;
  readonly filterPattern: string;
  readonly description: string;
}

/** The three kinds: anything a root user does (CIS's filter), a root sign-in, a password recovery request. */
export const MEMBER_ROOT_ACTIVITY: readonly MemberRootActivityKind[] = [
  {
    name: `${MEMBER_ROOT_ACTIVITY_PREFIX}actions`,
    metric: "RootActions",
    // CIS AWS Foundations "root usage": the root user's own calls, not a service's on its behalf.
    filterPattern: '{ $.userIdentity.type = "Root" && $.userIdentity.invokedBy NOT EXISTS && $.eventType != "AwsServiceEvent" }',
    description: "a root user acted in an account of the organization (a central root session, or root credentials)",
  },
  {
    name: `${MEMBER_ROOT_ACTIVITY_PREFIX}sign-in`,
    metric: "RootSignIns",
    filterPattern: '{ $.eventName = "ConsoleLogin" && $.userIdentity.type = "Root" }',
    description: "a root user signed in to the console (tried to: a failed sign-in counts)",
  },
  {
    name: `${MEMBER_ROOT_ACTIVITY_PREFIX}password-recovery`,
    metric: "RootPasswordRecoveries",
    filterPattern: '{ $.eventName = "PasswordRecoveryRequested" }',
    description: "someone asked to recover a root user's password (how root credentials come back after removal)",
  },
];
