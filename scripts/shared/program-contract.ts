/** The IAM centralized root access features, in the order they are enabled (reverse order to disable). */
export const ROOT_ACCESS_FEATURES = ["RootCredentialsManagement", "RootSessions"] as const;

/** A feature name exactly as IAM's `EnabledFeatures` lists it. */
export type RootAccessFeature = (typeof ROOT_ACCESS_FEATURES)[number];

/** Environment variables through which the stack hands its settings to the script. */
export const SCRIPT_ENVIRONMENT = {
  organizationId: "ROOT_ACCESS_ORGANIZATION_ID",
  features: "ROOT_ACCESS_FEATURES",
  roleArn: "ROOT_ACCESS_ROLE_ARN",
  region: "ROOT_ACCESS_REGION",
  waitSeconds: "ROOT_ACCESS_WAIT_SECONDS",
  /** Set by the stack: the script runs inside terraform for this stack, so messages name its settings. */
  stack: "ROOT_ACCESS_STACK",
  /** "true" when the stack may delete the organization (allowOrganizationDestroy), for check-deletable. */
  deleteOrganization: "ROOT_ACCESS_DELETE_ORGANIZATION",
  /** Comma-separated member account ids whose root credentials remove-root-credentials removes. */
  accounts: "ROOT_ACCESS_ACCOUNTS",
  /** remove-root-credentials: a journal file, so that a run that was killed resumes where it stopped. */
  journal: "ROOT_ACCESS_JOURNAL",
} as const;

/** How long the script waits, by default, for IAM to see trusted access that was just enabled. */
export const DEFAULT_SERVICE_ACCESS_WAIT_SECONDS = 120;

/** The upper bound on that wait: a pipeline step that hangs for hours is worse than a clear failure. */
export const MAX_SERVICE_ACCESS_WAIT_SECONDS = 3600;

/** Session name for the assumed role, shared by the provider and the script so CloudTrail shows one actor. */
export const ROLE_SESSION_NAME = "org-root-access";

/** True when `value` names a root access feature. */
export function isRootAccessFeature(value: unknown): value is RootAccessFeature {
  return (ROOT_ACCESS_FEATURES as readonly unknown[]).includes(value);
}
