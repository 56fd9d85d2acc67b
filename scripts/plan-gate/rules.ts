import {
  ROOT_ACTIVITY_BUS_PERMISSION_ID,
  ROOT_ACTIVITY_FORWARD_ROLE_NAME,
  ROOT_ACTIVITY_FORWARD_RULE_NAME,
  ROOT_ACTIVITY_REFUSED_RULE_NAME,
  ROOT_ACTIVITY_RULE_NAME,
  ROOT_ACTIVITY_RULE_STATE,
} from "../shared/root-activity";
import { MEMBER_ROOT_ACTIVITY_PREFIX } from "../shared/member-root-activity";
import { statementsOf } from "../shared/policy-json";
import { ROOT_USER_GUARDRAIL_ATTACHMENT_ADDRESS, ROOT_USER_GUARDRAIL_NAME } from "../shared/root-user-guardrail-policy";
import type { LiveOrganization, RootSessionsAnswer } from "./live-organization";
import { Plan, ResourceChange, valueText } from "./plan";

/** What one rule concluded about a plan. A rule that cannot decide says non-compliant (fails closed). */
export type RuleResult =
  | { readonly rule: string; readonly status: "compliant" | "not-applicable" }
  | { readonly rule: string; readonly status: "non-compliant"; readonly findings: readonly string[] };

/** What the gate read from AWS beside the plan: only what a rule needs, and only when the plan calls for it. */
export interface LiveFacts {
  /** The organization of the credentials' account; read only when the plan creates an organization. */
  readonly organization?: LiveOrganization;
  /** What the plan would do to central root sessions; read only when the plan changes the root-user guardrail. */
  readonly rootSessions?: RootSessionsAnswer;
}

/** A safety rule: a pure function of the plan (and the live facts it needs). */
export interface Rule {
  readonly name: string;
  /** What the rule protects, for the report. */
  readonly description: string;
  /** Why a plan that breaks it is refused: what would be lost. For the reference in docs/. */
  readonly why: string;
  readonly evaluate: (plan: Plan, facts?: LiveFacts) => RuleResult;
}

const ORGANIZATION = "aws_organizations_organization";
const DELEGATED_ADMINISTRATOR = "aws_organizations_delegated_administrator";
const POLICY = "aws_organizations_policy";
const POLICY_ATTACHMENT = "aws_organizations_policy_attachment";

/** No organization is deleted or replaced. */
export const organizationKept: Rule = {
  name: "organization-kept",
  description: "no organization is deleted or replaced",
  why: "Destroying aws_organizations_organization calls DeleteOrganization, and a change of feature_set forces a replacement: either loses the organization, with every account, policy and trusted service in it.",
  evaluate: (plan) =>
    verdict("organization-kept", changesOf(plan, ORGANIZATION), (change) =>
      change.actions.includes("delete")
        ? [
            `${change.address} would be ${change.actions.includes("create") ? "replaced (deleted, then created anew)" : "deleted"}`,
          ]
        : [],
    ),
};

/** No trusted service loses its trusted access. */
export const trustedServicesKept: Rule = {
  name: "trusted-services-kept",
  description: "no trusted service principal is removed",
  why: "aws_service_access_principals is managed exclusively: a principal missing from the list is disabled on apply, and a service that loses trusted access (IAM Identity Center, for one) can lock people out of every account.",
  evaluate: (plan) => setKept(plan, "trusted-services-kept", "aws_service_access_principals", "trusted access for"),
};

/** No policy type is disabled (disabling SERVICE_CONTROL_POLICY detaches every SCP). */
export const policyTypesKept: Rule = {
  name: "policy-types-kept",
  description: "no policy type is disabled",
  why: "enabled_policy_types is managed exclusively: a type missing from the list is disabled on apply, and disabling SERVICE_CONTROL_POLICY detaches every SCP in the organization.",
  evaluate: (plan) => setKept(plan, "policy-types-kept", "enabled_policy_types", "the policy type"),
};

/** No delegated administrator is deregistered. */
export const delegatedAdministratorsKept: Rule = {
  name: "delegated-administrators-kept",
  description: "no delegated administrator is deregistered",
  why: "A deregistered delegated administrator loses its rights at once: the teams that run the service from that account stop working until it is registered again.",
  evaluate: (plan) =>
    verdict("delegated-administrators-kept", changesOf(plan, DELEGATED_ADMINISTRATOR), (change) =>
      change.actions.includes("delete")
        ? [
            `${change.address} would deregister account ${valueText(change.before?.account_id)} as delegated ` +
              `administrator for ${valueText(change.before?.service_principal)}` +
              (change.actions.includes("create") ? " (and register again: replaced)" : ""),
          ]
        : [],
    ),
};

/**
 * The root-user guardrail is neither deleted nor detached: without it, a member account's root user (whose
 * password may be recovered by anyone with its mailbox) may act outside central root sessions again.
 */
export const rootUserGuardrailKept: Rule = {
  name: "root-user-guardrail-kept",
  description: `the SCP ${ROOT_USER_GUARDRAIL_NAME} is neither deleted nor detached`,
  why: "Without the guardrail a member account's root user (whose password anyone with its mailbox can recover) may act outside central root sessions again.",
  evaluate: (plan) =>
    verdict(
      "root-user-guardrail-kept",
      plan.resourceChanges.filter((change) => !isNoOp(change) && isGuardrail(change)),
      (change) => {
        if (!change.actions.includes("delete")) return [];
        const replaced = change.actions.includes("create") ? " (and made anew: replaced)" : "";
        if (change.type === POLICY) return [`${change.address} would delete the SCP ${ROOT_USER_GUARDRAIL_NAME}${replaced}`];
        return [
          `${change.address} would detach ${ROOT_USER_GUARDRAIL_NAME} from ${valueText(change.before?.target_id)}${replaced}: ` +
            "member accounts there would lose the guardrail on their root users",
        ];
      },
    ),
};

/**
 * A change of the root-user guardrail (its content or where it is attached) blocks no central root session: the
 * doctor's what-if (`npm run doctor -- --plan`) on the plan, every root task in every member account. What it
 * cannot tell (the organization unread, a value known only after apply) fails closed.
 */
export const rootSessionsKept: Rule = {
  name: "root-sessions-kept",
  description: `a change of ${ROOT_USER_GUARDRAIL_NAME} blocks no central root session (the doctor's evaluation of the organization as the plan leaves it)`,
  why: "A guardrail that denied a central root session's calls would stop the audit, the removal of root credentials and break glass in every member account it is attached to.",
  evaluate: (plan, facts = {}) => {
    const rule = "root-sessions-kept";
    if (!plan.resourceChanges.some((change) => !isNoOp(change) && isGuardrail(change))) return { rule, status: "not-applicable" };
    const read = facts.rootSessions;
    if (read?.state === "no organization") return { rule, status: "compliant" };
    if (read === undefined || read.state === "unknown") {
      const reason = read?.state === "unknown" ? read.reason : "it was not read";
      return {
        rule,
        status: "non-compliant",
        findings: [
          `cannot tell whether the guardrail's changes block central root sessions: the organization's SCPs could not be read (${reason})`,
        ],
      };
    }
    const findings = [
      ...read.answer.wouldBreak.map((check) => `would block ${check.check}: ${check.detail}`),
      ...read.answer.unknowns.map((unknown) => `cannot tell what the plan does to central root sessions: ${unknown}`),
    ];
    return findings.length === 0 ? { rule, status: "compliant" } : { rule, status: "non-compliant", findings };
  },
};

/** The resource types of the root-activity alerts, which the plan summary names too. */
export const ALERT_TYPES = {
  rule: "aws_cloudwatch_event_rule",
  target: "aws_cloudwatch_event_target",
  topic: "aws_sns_topic",
  topicPolicy: "aws_sns_topic_policy",
  subscription: "aws_sns_topic_subscription",
  busPermission: "aws_cloudwatch_event_permission",
  role: "aws_iam_role",
  rolePolicy: "aws_iam_role_policy",
  metricFilter: "aws_cloudwatch_log_metric_filter",
  metricAlarm: "aws_cloudwatch_metric_alarm",
} as const;
const {
  rule: EVENT_RULE,
  target: EVENT_TARGET,
  topic: TOPIC,
  topicPolicy: TOPIC_POLICY,
  subscription: SUBSCRIPTION,
  busPermission: BUS_PERMISSION,
  role: ROLE,
  rolePolicy: ROLE_POLICY,
  metricFilter: METRIC_FILTER,
  metricAlarm: METRIC_ALARM,
} = ALERT_TYPES;
/** The EventBridge rules of the alerts: the alerting pair at home, the forwarder in every other region and account. */
const ALERT_RULE_NAMES: readonly string[] = [
  ROOT_ACTIVITY_RULE_NAME,
  ROOT_ACTIVITY_REFUSED_RULE_NAME,
  ROOT_ACTIVITY_FORWARD_RULE_NAME,
];
const ALERTS_DOWN = "root sessions would open without an alert";

/**
 * The root-activity alerts stay on: their EventBridge rule is neither deleted nor set to a state that may miss
 * AssumeRoot, its target is neither removed nor pointed elsewhere, and the stack's topic, its policy and its last
 * subscriptions are not deleted. What the plan cannot show yet (a value known only after apply) fails closed.
 */
export const rootActivityAlertsKept: Rule = {
  name: "root-activity-alerts-kept",
  description: `the alerting rules (${ROOT_ACTIVITY_RULE_NAME}, ${ROOT_ACTIVITY_REFUSED_RULE_NAME}) and every region's and account's forwarder, their targets and role, the topic, its policy and its subscriptions keep working`,
  why: "The alerts are how a security team learns that someone opened a central root session; a plan that turns them off must be reviewed, not applied by a pipeline.",
  evaluate: (plan) => {
    const changes = plan.resourceChanges.filter((change) => !isNoOp(change) && isRootActivityAlert(change));
    const subscriptions = plan.resourceChanges.filter((change) => isRootActivityAlert(change) && change.type === SUBSCRIPTION);
    const noneLeft = subscriptions.length > 0 && subscriptions.every((change) => change.after === null);
    return verdict("root-activity-alerts-kept", changes, (change) => {
      const replaced = change.actions.includes("create") ? " (and made anew: replaced, so alerts stop meanwhile)" : "";
      if (change.actions.includes("delete") && change.after === null && change.type === SUBSCRIPTION) {
        return noneLeft ? [`${change.address} would delete the topic's last subscriptions: ${ALERTS_DOWN} to anyone`] : [];
      }
      if (change.actions.includes("delete") && change.type !== SUBSCRIPTION) {
        return [`${change.address} would delete ${alertPart(change)}${replaced}: ${ALERTS_DOWN}`];
      }
      if (change.before === null) return [];
      if (change.type === EVENT_RULE) return ruleStateFindings(change);
      if (change.type === EVENT_TARGET) {
        if (isUnknown(change, "arn"))
          return [`${change.address}: cannot tell where the alerts go, the target's arn is only known after apply`];
        if (change.before.arn !== change.after?.arn) {
          return [
            `${change.address} would send the alerts to ${valueText(change.after?.arn)} instead of ${valueText(change.before.arn)}`,
          ];
        }
        return changedAttributes(change, ["role_arn", "input_transformer", "input", "input_path"]).map(
          (attribute) =>
            `${change.address} would change the target's ${attribute} in place: the alerts may stop or say something else`,
        );
      }
      return inPlaceFindings(plan, change);
    });
  },
};

// In-place updates that can silence the alerts without deleting anything: each must still let the events through.
function inPlaceFindings(plan: Plan, change: ResourceChange): string[] {
  const after = change.after ?? {};
  const document = (attribute: string): unknown => {
    if (isUnknown(change, attribute)) return undefined;
    try {
      return JSON.parse(String(after[attribute]));
    } catch {
      return undefined;
    }
  };
  const allows = (policy: unknown, test: (statement: Record<string, unknown>) => boolean) =>
    statementsOf(policy).some((statement) => statement.Effect === "Allow" && test(statement)) &&
    !statementsOf(policy).some((statement) => statement.Effect === "Deny");
  const mentions = (value: unknown, text: string) =>
    JSON.stringify(value ?? null)
      .toLowerCase()
      .includes(text.toLowerCase());
  const lost = (what: string) => [
    `${change.address} would change ${what} in place so that the alerts may stop: review it, not a pipeline`,
  ];
  switch (change.type) {
    case TOPIC_POLICY: {
      // EventBridge must still be allowed to publish for every alerting rule the plan keeps.
      const rules = plan.resourceChanges
        .filter(
          (other) =>
            other.type === EVENT_RULE &&
            other.after !== null &&
            [ROOT_ACTIVITY_RULE_NAME, ROOT_ACTIVITY_REFUSED_RULE_NAME].includes(String(other.after.name)),
        )
        .map((other) => other.before?.arn ?? other.after?.arn);
      const policy = document("policy");
      const ok =
        policy !== undefined &&
        rules.every(
          (arn) =>
            typeof arn === "string" &&
            allows(
              policy,
              (statement) =>
                mentions(statement.Principal, "events.amazonaws.com") &&
                mentions(statement.Action, "sns:publish") &&
                (statement.Condition === undefined || mentions(statement.Condition, arn)),
            ),
        );
      return ok ? [] : lost("the policy that lets EventBridge publish the alerts");
    }
    case ROLE:
      return allows(document("assume_role_policy"), (statement) => mentions(statement.Principal, "events.amazonaws.com"))
        ? []
        : lost("the forwarders' role's trust");
    case ROLE_POLICY:
      return allows(document("policy"), (statement) => mentions(statement.Action, "events:putevents"))
        ? []
        : lost("the forwarders' role's policy");
    case BUS_PERMISSION:
      return changedAttributes(change, ["principal", "action", "condition", "event_bus_name"]).length > 0
        ? lost("the home bus's permission")
        : [];
    case METRIC_ALARM:
      return after.actions_enabled === false ||
        changedAttributes(change, ["alarm_actions", "metric_name", "namespace"]).length > 0
        ? lost("a member-activity alarm")
        : [];
    case METRIC_FILTER:
      return changedAttributes(change, ["pattern", "log_group_name", "metric_transformation"]).length > 0
        ? lost("a member-activity metric filter")
        : [];
    default:
      return [];
  }
}

/** The attributes whose value changes (or is known only after apply). */
function changedAttributes(change: ResourceChange, attributes: readonly string[]): string[] {
  return attributes.filter(
    (attribute) =>
      isUnknown(change, attribute) ||
      JSON.stringify(change.before?.[attribute] ?? null) !== JSON.stringify(change.after?.[attribute] ?? null),
  );
}

/** What a change of the alerts is, in words (the address names the region and account). */
function alertPart(change: ResourceChange): string {
  const values = change.before ?? change.after ?? {};
  switch (change.type) {
    case EVENT_RULE:
      return `the EventBridge rule ${String(values.name)}`;
    case EVENT_TARGET:
      return `the target of ${String(values.rule)}`;
    case TOPIC:
      return `the SNS topic ${ROOT_ACTIVITY_RULE_NAME}`;
    case TOPIC_POLICY:
      return `the policy that lets EventBridge publish to ${ROOT_ACTIVITY_RULE_NAME}`;
    case BUS_PERMISSION:
      return "the home bus's permission for the delegated administrator's forwarders";
    case METRIC_FILTER:
      return `the member-activity metric filter ${String(values.name)}`;
    case METRIC_ALARM:
      return `the member-activity alarm ${String(values.alarm_name)}`;
    default:
      return `the role ${ROOT_ACTIVITY_FORWARD_ROLE_NAME} the forwarders put events with`;
  }
}

// The rule must stay in the state that receives AssumeRoot whether or not AWS counts it read-only.
function ruleStateFindings(change: ResourceChange): string[] {
  const name = String((change.before ?? change.after)?.name);
  if (isUnknown(change, "state") || isUnknown(change, "is_enabled")) {
    return [`${change.address}: cannot tell whether ${name} stays enabled, its state is only known after apply`];
  }
  if (change.after?.is_enabled === false) return [`${change.address} would disable ${name}: ${ALERTS_DOWN}`];
  const state = change.after?.state;
  if (state === undefined || state === ROOT_ACTIVITY_RULE_STATE) return [];
  return [
    `${change.address} would set ${name} to ${valueText(state)}` +
      (state === "ENABLED"
        ? `, which does not receive read-only management events (AWS does not say whether AssumeRoot is one): alerts may stop`
        : `: ${ALERTS_DOWN}`),
  ];
}

function isUnknown(change: ResourceChange, attribute: string): boolean {
  return change.afterUnknown[attribute] !== undefined && change.afterUnknown[attribute] !== false;
}

/**
 * Whether a change is to the root-activity alerts: a rule (by its names), the topic (by name), a rule's target,
 * the forwarders' role and its policy (by name), the home bus's permission (by statement id), the topic's policy
 * or a subscription (by the topic's name in their ARNs).
 */
export function isRootActivityAlert(change: ResourceChange): boolean {
  const values = change.before ?? change.after;
  if (change.type === EVENT_RULE) return ALERT_RULE_NAMES.includes(String(values?.name));
  if (change.type === TOPIC) return values?.name === ROOT_ACTIVITY_RULE_NAME;
  if (change.type === EVENT_TARGET) return ALERT_RULE_NAMES.includes(String(values?.rule));
  if (change.type === BUS_PERMISSION) return values?.statement_id === ROOT_ACTIVITY_BUS_PERMISSION_ID;
  if (change.type === ROLE) return values?.name === ROOT_ACTIVITY_FORWARD_ROLE_NAME;
  if (change.type === ROLE_POLICY) return values?.role === ROOT_ACTIVITY_FORWARD_ROLE_NAME;
  if (change.type === METRIC_FILTER) return String(values?.name).startsWith(MEMBER_ROOT_ACTIVITY_PREFIX);
  if (change.type === METRIC_ALARM) return String(values?.alarm_name).startsWith(MEMBER_ROOT_ACTIVITY_PREFIX);
  const topic = change.type === TOPIC_POLICY ? values?.arn : change.type === SUBSCRIPTION ? values?.topic_arn : undefined;
  return typeof topic === "string" && topic.endsWith(`:${ROOT_ACTIVITY_RULE_NAME}`);
}

/** Whether a change is to the root-user guardrail: its SCP (by name) or one of its attachments (by address). */
export function isGuardrail(change: ResourceChange): boolean {
  if (change.type === POLICY) return (change.before ?? change.after)?.name === ROOT_USER_GUARDRAIL_NAME;
  return change.type === POLICY_ATTACHMENT && change.address.startsWith(`${ROOT_USER_GUARDRAIL_ATTACHMENT_ADDRESS}[`);
}

/**
 * An organization the plan creates does not exist already. Creating one in an account that belongs to an
 * organization fails with AlreadyInOrganizationException: the state was lost, the organization was made outside
 * this stack, or an earlier apply created it but never got the reply (the SDK retried, and the retry failed).
 */
export const organizationCreatable: Rule = {
  name: "organization-creatable",
  description: "an organization the plan creates does not exist already",
  why: "Creating an organization in an account that already belongs to one fails with AlreadyInOrganizationException halfway through an apply: the state was lost, the organization was made elsewhere, or an earlier apply created it without recording it.",
  evaluate: (plan, facts = {}) =>
    verdict("organization-creatable", organizationsCreated(plan), (change) => {
      const live = facts.organization;
      if (live === undefined || live.state === "unknown") {
        return [
          `${change.address} would create an organization, and the gate cannot tell whether these credentials' account ` +
            `already belongs to one (${live?.state === "unknown" ? live.reason : "it was not read"}). Run the gate with ` +
            `the credentials terraform plans with.`,
        ];
      }
      if (live.state === "none") return [];
      return [
        `${change.address} would create an organization, but these credentials' account already belongs to organization ` +
          `${live.id} (management account ${live.managementAccountId}); the apply would fail with ` +
          `AlreadyInOrganizationException. If this stack created it (an apply that failed after creating it, or state ` +
          `that was lost), restore the stack's state: from a backup, or with "terraform import ` +
          `aws_organizations_organization.organization ${live.id}" in the stack folder. If it existed before, use it as ` +
          `it is: set organization.mode to "adopt" and organization.id to "${live.id}".`,
      ];
    }),
};

/** Every rule the gate applies. */
export const RULES: readonly Rule[] = [
  organizationKept,
  organizationCreatable,
  trustedServicesKept,
  policyTypesKept,
  delegatedAdministratorsKept,
  rootUserGuardrailKept,
  rootSessionsKept,
  rootActivityAlertsKept,
];

/** The changes that create an organization anew (not replacements, which organization-kept refuses). */
export function organizationsCreated(plan: Plan): ResourceChange[] {
  return changesOf(plan, ORGANIZATION).filter((change) => change.actions.length === 1 && change.actions[0] === "create");
}

function changesOf(plan: Plan, type: string): ResourceChange[] {
  return plan.resourceChanges.filter((change) => change.type === type && !isNoOp(change));
}

function isNoOp(change: ResourceChange): boolean {
  return change.actions.length === 1 && (change.actions[0] === "no-op" || change.actions[0] === "read");
}

function verdict(rule: string, changes: ResourceChange[], findingsOf: (change: ResourceChange) => string[]): RuleResult {
  if (changes.length === 0) return { rule, status: "not-applicable" };
  const findings = changes.flatMap(findingsOf);
  return findings.length === 0 ? { rule, status: "compliant" } : { rule, status: "non-compliant", findings };
}

// An organization that keeps existing must keep every member of `attribute`; a deleted one is organizationKept's.
function setKept(plan: Plan, rule: string, attribute: string, what: string): RuleResult {
  const kept = changesOf(plan, ORGANIZATION).filter((change) => change.before !== null && change.after !== null);
  return verdict(rule, kept, (change) => {
    if (change.afterUnknown[attribute] !== undefined && change.afterUnknown[attribute] !== false) {
      return [`${change.address}: cannot tell which of ${attribute} remain, their value is only known after apply`];
    }
    const before = asStrings(change.before?.[attribute]);
    const after = new Set(asStrings(change.after?.[attribute]));
    return before.filter((item) => !after.has(item)).map((item) => `${change.address} would disable ${what} ${item}`);
  });
}

function asStrings(value: unknown): string[] {
  return Array.isArray(value) ? value.filter((item): item is string => typeof item === "string") : [];
}
