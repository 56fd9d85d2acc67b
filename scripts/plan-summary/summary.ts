import { foldedIds, inlineIds } from "../command-line/id-list";
import { Plan, ResourceChange, valueText } from "../plan-gate/plan";
import { ALERT_TYPES, isGuardrail, isRootActivityAlert } from "../plan-gate/rules";
import { ROOT_ACTIVITY_RULE_STATE } from "../shared/root-activity";
import { ROOT_USER_GUARDRAIL_ATTACHMENT_ADDRESS, ROOT_USER_GUARDRAIL_NAME } from "../shared/root-user-guardrail-policy";

const FEATURE_RESOURCE = "terraform_data";
const NATIVE_FEATURES = "aws_iam_organizations_features";
const ORGANIZATION = "aws_organizations_organization";
const DELEGATED_ADMINISTRATOR = "aws_organizations_delegated_administrator";
const ROOT_CREDENTIALS = "terraform_data.root-credentials";
const POLICY = "aws_organizations_policy";
const IRREVERSIBLE = "irreversible except by password recovery: npm run root-credentials -- recover --account <id>";

/** A short, human account of a saved plan, in Markdown (it reads as plain text too). */
export function summarizePlan(plan: Plan): string[] {
  const lines: string[] = [];
  const features = featureChanges(plan.resourceChanges);
  lines.push("### Root access features");
  lines.push(...(features.length > 0 ? features.map((line) => `- ${line}`) : ["- no change"]));

  const organization = plan.resourceChanges.filter((change) => change.type === ORGANIZATION && !isNoOp(change));
  lines.push("### Organization");
  const organizationLines = organization.flatMap(describeOrganization);
  lines.push(...(organizationLines.length > 0 ? organizationLines.map((line) => `- ${line}`) : ["- no change"]));

  const administrators = plan.resourceChanges.filter((change) => change.type === DELEGATED_ADMINISTRATOR && !isNoOp(change));
  lines.push("### Delegated administrators");
  lines.push(
    ...(administrators.length > 0
      ? administrators.map(
          (change) => `- ${verb(change)} account ${value(change, "account_id")} for ${value(change, "service_principal")}`,
        )
      : ["- no change"]),
  );

  const removal = plan.resourceChanges.find((change) => change.address === ROOT_CREDENTIALS);
  lines.push("### Root credentials of member accounts");
  const removalLines = removal && !isNoOp(removal) ? describeRemoval(removal) : [];
  lines.push(...(removalLines.length > 0 ? removalLines.map((line) => `- ${line}`) : ["- no change"]));
  // The kept accounts, also when nothing changes: a mistyped id here is what would lose a break-glass account.
  const keptText = (removal?.after?.input as Record<string, unknown> | undefined)?.kept;
  const kept = typeof keptText === "string" ? keptText.split(",").filter((id) => id !== "") : [];
  if (kept.length > 0) lines.push(`- kept, never removed (rootCredentials.keep): ${inlineIds(kept)}`);

  lines.push("### Root-user guardrail");
  const guardrailLines = plan.resourceChanges.filter((change) => !isNoOp(change)).flatMap(describeGuardrail);
  lines.push(...(guardrailLines.length > 0 ? guardrailLines.map((line) => `- ${line}`) : ["- no change"]));

  lines.push("### Root-activity alerts");
  const alertLines = plan.resourceChanges.filter((change) => !isNoOp(change)).flatMap(describeAlert);
  lines.push(...(alertLines.length > 0 ? alertLines.map((line) => `- ${line}`) : ["- no change"]));

  const destroyed = plan.resourceChanges.filter((change) => change.actions.includes("delete"));
  lines.push("### Destroyed");
  lines.push(
    ...(destroyed.length > 0
      ? destroyed.map((change) => `- **${change.address}**${change.actions.includes("create") ? " (replaced)" : ""}`)
      : ["- nothing"]),
  );
  return lines;
}

function featureChanges(changes: readonly ResourceChange[]): string[] {
  return changes.flatMap((change) => {
    if (
      change.type === FEATURE_RESOURCE &&
      /^terraform_data\.root-(sessions|credentials-management)\b/.test(change.address) &&
      !isNoOp(change)
    ) {
      const identity = (change.after ?? change.before)?.triggers_replace as Record<string, unknown> | undefined;
      const feature = valueText(identity?.feature ?? change.address);
      if (change.actions.includes("delete") && change.actions.includes("create"))
        return [`re-enable ${feature} (its organization or identity changed)`];
      if (change.actions.includes("create")) return [`enable ${feature}`];
      if (change.actions.includes("delete")) return [`disable ${feature}`];
      return [`update settings of ${feature} (nothing is called)`];
    }
    if (change.type === NATIVE_FEATURES && !isNoOp(change)) {
      const before = strings(change.before?.enabled_features);
      const after = strings(change.after?.enabled_features);
      return [
        ...after.filter((f) => !before.includes(f)).map((f) => `enable ${f}`),
        ...before.filter((f) => !after.includes(f)).map((f) => `disable ${f}`),
      ];
    }
    return [];
  });
}

// The accounts are the resource's identity: a new list replaces it, and its step runs for the whole list
// (accounts cleaned before cost reads, no write). Nothing is ever restored.
function describeRemoval(change: ResourceChange): string[] {
  const before = strings((change.before?.triggers_replace as Record<string, unknown> | undefined)?.accounts);
  if (!change.actions.includes("create")) {
    return [`**stop removing root credentials**: nothing is restored in ${before.length} account(s) (${IRREVERSIBLE})`];
  }
  const identity = change.after?.triggers_replace as Record<string, unknown> | undefined;
  if (!Array.isArray(identity?.accounts)) {
    return [
      `**remove the root credentials** of the selected member accounts, known after apply (a new organization; ${IRREVERSIBLE})`,
    ];
  }
  const after = strings(identity.accounts);
  const previous = new Set(before);
  const now = new Set(after);
  const added = after.filter((id) => !previous.has(id));
  const dropped = before.filter((id) => !now.has(id));
  // Accounts that joined since the last apply are named; a first removal of thousands is counted, its ids folded.
  const whose =
    before.length === 0 ? `${added.length.toLocaleString("en-US")} member account(s)` : `${added.length} account(s) that joined`;
  const rest = "the plan's terraform_data.root-credentials (triggers_replace.accounts) lists them all";
  return [
    ...(added.length > 0
      ? [
          `**remove the root credentials** of ${whose}: ${inlineIds(added)} (${IRREVERSIBLE})${foldedIds(added, "every account", rest, "  ")}`,
        ]
      : []),
    ...(after.length > added.length ? [`verify ${after.length - added.length} account(s) cleaned before (reads, no write)`] : []),
    ...(dropped.length > 0
      ? [
          `no longer selected: ${dropped.length} account(s): ${inlineIds(dropped)}; nothing is restored${foldedIds(dropped, "every account", rest, "  ")}`,
        ]
      : []),
    ...(after.length === 0 ? ["no member account is selected: nothing to remove"] : []),
  ];
}

// The SCP and its attachments: each attachment's key is the target as the config writes it ("root", an OU, an
// account), and its target_id the id it resolves to (unknown before a new organization exists).
function describeGuardrail(change: ResourceChange): string[] {
  if (!isGuardrail(change)) return [];
  const removed = change.actions.includes("delete");
  const replaced = removed && change.actions.includes("create") ? " (replaced)" : "";
  if (change.type === POLICY) {
    if (removed) return [`**delete the SCP ${ROOT_USER_GUARDRAIL_NAME}**${replaced}`];
    return [
      change.actions.includes("create")
        ? `create the SCP ${ROOT_USER_GUARDRAIL_NAME}: member accounts' root users act only through central root sessions`
        : `update the SCP ${ROOT_USER_GUARDRAIL_NAME}`,
    ];
  }
  // The for_each key, as the config writes the target: address["key"].
  const key = change.address.slice(`${ROOT_USER_GUARDRAIL_ATTACHMENT_ADDRESS}["`.length, -2);
  const target = (values: Record<string, unknown> | null) =>
    typeof values?.target_id === "string" && values.target_id !== key ? `${key} (${values.target_id})` : key;
  if (removed) return [`**detach it from ${target(change.before)}**${replaced}`];
  return change.actions.includes("create") ? [`attach it to ${target(change.after)}`] : [];
}

// The rule, its target and the topic (by name); a subscription by its address's type and endpoint.
const ALERT_NAMES: Record<string, string> = {
  [ALERT_TYPES.rule]: "the EventBridge rule",
  [ALERT_TYPES.target]: "the rule's target",
  [ALERT_TYPES.topic]: "the SNS topic",
  [ALERT_TYPES.topicPolicy]: "the topic's policy",
  [ALERT_TYPES.busPermission]: "the home bus's permission for the delegated administrator",
  [ALERT_TYPES.role]: "the forwarders' role",
  [ALERT_TYPES.rolePolicy]: "the forwarders' role policy",
  [ALERT_TYPES.metricFilter]: "a member-activity metric filter",
  [ALERT_TYPES.metricAlarm]: "a member-activity alarm",
};

function describeAlert(change: ResourceChange): string[] {
  const values = change.after ?? change.before;
  // A new subscription's topic ARN is unknown until the topic exists: it is the stack's by its address.
  if (change.type === ALERT_TYPES.subscription && (isRootActivityAlert(change) || change.address.includes("root-activity"))) {
    if (change.actions.includes("delete")) return [`**stop sending them to ${valueText(values?.endpoint)}**`];
    return change.actions.includes("create")
      ? [`send them to ${valueText(values?.endpoint)} (who confirms the subscription once)`]
      : [];
  }
  if (!isRootActivityAlert(change)) return [];
  const name = change.type === ALERT_TYPES.rule ? ` ${valueText(values?.name)}` : "";
  const what = `${ALERT_NAMES[change.type]}${name}`;
  const isRule = change.type === ALERT_TYPES.rule;
  if (change.actions.includes("delete")) return [`**delete ${what}**${change.actions.includes("create") ? " (replaced)" : ""}`];
  if (isRule && change.after?.state !== undefined && change.after.state !== ROOT_ACTIVITY_RULE_STATE) {
    return [`**set ${what} to ${valueText(change.after.state)}: root sessions may open without an alert**`];
  }
  if (isRule && change.before !== null && change.before.event_pattern !== change.after?.event_pattern) {
    return ["**change which AssumeRoot events alert (the rule's pattern: ignoreCallers)**"];
  }
  if (change.actions.includes("create")) {
    return isRule ? [`create ${what}, on which an AssumeRoot alerts`] : [`create ${what}`];
  }
  return [`update ${what}`];
}

function describeOrganization(change: ResourceChange): string[] {
  if (change.actions.includes("delete"))
    return [`**${change.address} is ${change.actions.includes("create") ? "replaced" : "deleted"}**`];
  if (change.actions.includes("create")) {
    return [
      `create ${change.address}`,
      ...strings(change.after?.aws_service_access_principals).map((p) => `trust ${p}`),
      ...strings(change.after?.enabled_policy_types).map((type) => `enable the policy type ${type}`),
    ];
  }
  const added = (attribute: string) =>
    strings(change.after?.[attribute]).filter((item) => !strings(change.before?.[attribute]).includes(item));
  const dropped = (attribute: string) =>
    strings(change.before?.[attribute]).filter((item) => !strings(change.after?.[attribute]).includes(item));
  return [
    ...added("aws_service_access_principals").map((p) => `trust ${p}`),
    ...dropped("aws_service_access_principals").map((p) => `**stop trusting ${p}**`),
    ...added("enabled_policy_types").map((type) => `enable the policy type ${type}`),
    ...dropped("enabled_policy_types").map((type) => `**disable the policy type ${type}**`),
  ];
}

function verb(change: ResourceChange): string {
  if (change.actions.includes("delete")) return change.actions.includes("create") ? "re-register" : "**deregister**";
  return change.actions.includes("create") ? "register" : "update";
}

function value(change: ResourceChange, attribute: string): string {
  return valueText((change.after ?? change.before)?.[attribute]);
}

function isNoOp(change: ResourceChange): boolean {
  return change.actions.every((action) => action === "no-op" || action === "read");
}

function strings(value: unknown): string[] {
  return Array.isArray(value) ? value.filter((item): item is string => typeof item === "string") : [];
}
