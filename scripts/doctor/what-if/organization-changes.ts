import type { Plan, ResourceChange } from "../../plan-gate/plan";

// What a terraform plan, from this stack or any other repository, changes in an organization's service and
// resource control policies, read from `terraform show -json`: policies created, updated or deleted, attached or
// detached, policy types enabled or disabled, accounts moved, OUs created or deleted. Pure: no AWS call.

/** A policy type the doctor evaluates. */
export type ControlPolicyType = "SCP" | "RCP";

const IAM = "iam.amazonaws.com";

const POLICY_TYPES: Record<string, ControlPolicyType> = {
  SERVICE_CONTROL_POLICY: "SCP",
  RESOURCE_CONTROL_POLICY: "RCP",
};

/** A reference to a policy, an OU or an account: its id when known, or the plan's address of what creates it. */
export type Ref = { readonly id: string } | { readonly created: string } | { readonly unknown: string };

/** One change the plan makes, with the address that makes it. */
export type OrganizationChange =
  | {
      readonly kind: "put policy";
      readonly address: string;
      readonly policy: Ref;
      readonly type: ControlPolicyType;
      readonly name: string;
      readonly content?: string;
      /** An update's content as the plan's prior state has it, which may differ from the live organization's. */
      readonly priorContent?: string;
    }
  | { readonly kind: "delete policy"; readonly address: string; readonly id: string }
  | { readonly kind: "attach"; readonly address: string; readonly policy: Ref; readonly target: Ref }
  | { readonly kind: "detach"; readonly address: string; readonly policyId: string; readonly targetId: string }
  | { readonly kind: "policy types"; readonly address: string; readonly enabled?: readonly string[] }
  | { readonly kind: "move"; readonly address: string; readonly account: Ref; readonly parent: Ref }
  | { readonly kind: "create unit"; readonly address: string; readonly unit: Ref; readonly name: string; readonly parent: Ref }
  | { readonly kind: "delete unit"; readonly address: string; readonly id: string }
  /** A change the what-if cannot evaluate, or that stops central root access whatever the policies: "cannot tell". */
  | { readonly kind: "not evaluated"; readonly address: string; readonly why: string };

/** The resource types whose changes can change what SCPs and RCPs allow. */
const ORGANIZATION_TYPES = new Set([
  "aws_organizations_delegated_administrator",
  "aws_organizations_policy",
  "aws_organizations_policy_attachment",
  "aws_organizations_organization",
  "aws_organizations_account",
  "aws_organizations_organizational_unit",
]);

/**
 * Resource types that can decide central root sessions and that the what-if does not model: any change of one
 * makes the answer "cannot tell". Control Tower's controls include SCPs that deny the root user; the awscc provider
 * manages the same policies under other names.
 */
const UNMODELLED = /^(aws_organizations_|aws_controltower_|awscc_organizations_)/;
/** Organizations resources with no say over root sessions. */
const IRRELEVANT = new Set(["aws_organizations_resource_policy"]);

/** Whether a resource type is one the what-if reads or must refuse to guess about. */
function decidesRootSessions(type: string): boolean {
  return ORGANIZATION_TYPES.has(type) || (UNMODELLED.test(type) && !IRRELEVANT.has(type));
}

/** Whether the plan changes anything that decides what SCPs and RCPs allow (else: answer at once, no AWS call). */
export function touchesOrganization(plan: Plan): boolean {
  return plan.resourceChanges.some((change) => decidesRootSessions(change.type) && isChange(change));
}

/** The plan's changes to the organization's control policies, in the plan's order. */
export function organizationChanges(plan: Plan): OrganizationChange[] {
  const changes: OrganizationChange[] = [];
  for (const change of plan.resourceChanges) {
    if (!decidesRootSessions(change.type) || !isChange(change)) continue;
    const deletes = change.actions.includes("delete");
    const creates = change.actions.includes("create");
    const before = change.before ?? {};
    const after = change.after ?? {};
    // skip_destroy: terraform forgets the policy or attachment, and AWS keeps it.
    const kept = deletes && before.skip_destroy === true;
    switch (change.type) {
      case "aws_organizations_policy": {
        const type = POLICY_TYPES[String(after.type ?? before.type)];
        if (type === undefined) break; // tag, backup, AI opt-out policies: no say over root sessions
        // A replaced policy gets a new id and loses its attachments, which the plan re-creates if it keeps them.
        if (deletes && !kept && typeof before.id === "string")
          changes.push({ kind: "delete policy", address: change.address, id: before.id });
        if (change.after === null) break;
        const policy: Ref = !creates && typeof before.id === "string" ? { id: before.id } : { created: change.address };
        const content = unknown(change, "content") ? undefined : typeof after.content === "string" ? after.content : undefined;
        changes.push({
          kind: "put policy",
          address: change.address,
          policy,
          type,
          name: text(after.name) ?? text(before.name) ?? "",
          content,
          ...(!creates && typeof before.content === "string" ? { priorContent: before.content } : {}),
        });
        break;
      }
      case "aws_organizations_policy_attachment": {
        if (deletes && !kept && typeof before.policy_id === "string" && typeof before.target_id === "string") {
          changes.push({ kind: "detach", address: change.address, policyId: before.policy_id, targetId: before.target_id });
        }
        if (change.after === null || !creates) break;
        changes.push({
          kind: "attach",
          address: change.address,
          policy: ref(plan, change, "policy_id"),
          target: ref(plan, change, "target_id"),
        });
        break;
      }
      case "aws_organizations_organization": {
        const wasEnabled = strings(before.enabled_policy_types);
        const enabled = unknown(change, "enabled_policy_types") ? undefined : strings(after.enabled_policy_types);
        const decides = (types: readonly string[]) =>
          types
            .filter((type) => type in POLICY_TYPES)
            .sort()
            .join();
        if (change.after === null) {
          changes.push({ kind: "not evaluated", address: change.address, why: "deletes the organization" });
          break;
        }
        if (enabled === undefined || decides(enabled) !== decides(wasEnabled)) {
          changes.push({ kind: "policy types", address: change.address, enabled });
        }
        // Central root access needs IAM's trusted access; a feature set change replaces the organization.
        const principals = unknown(change, "aws_service_access_principals")
          ? undefined
          : strings(after.aws_service_access_principals);
        if (strings(before.aws_service_access_principals).includes(IAM) && !principals?.includes(IAM)) {
          const why =
            principals === undefined
              ? "leaves IAM's trusted access unknown until apply"
              : "disables IAM's trusted access: central root access stops";
          changes.push({ kind: "not evaluated", address: change.address, why });
        }
        if (unknown(change, "feature_set") || (before.feature_set !== undefined && after.feature_set !== before.feature_set)) {
          changes.push({ kind: "not evaluated", address: change.address, why: "changes the organization's feature set" });
        }
        break;
      }
      case "aws_organizations_delegated_administrator": {
        // Sessions opened from IAM's delegated administrator stop when it is deregistered.
        const service = text(before.service_principal) ?? text(after.service_principal);
        if (deletes && service === IAM) {
          changes.push({
            kind: "not evaluated",
            address: change.address,
            why: `deregisters IAM's delegated administrator ${text(before.account_id) ?? "?"}`,
          });
        }
        break;
      }
      case "aws_organizations_account": {
        if (change.after === null) break; // an account that leaves is not evaluated any more
        // A new account without a parent_id is created in the root.
        const noParent = creates && !unknown(change, "parent_id") && (after.parent_id === null || after.parent_id === undefined);
        const parent: Ref = noParent ? { id: "root" } : ref(plan, change, "parent_id");
        if (!creates && "id" in parent && parent.id === before.parent_id) break;
        const account: Ref = typeof before.id === "string" && !creates ? { id: before.id } : { created: change.address };
        changes.push({ kind: "move", address: change.address, account, parent });
        break;
      }
      case "aws_organizations_organizational_unit": {
        if (deletes && typeof before.id === "string")
          changes.push({ kind: "delete unit", address: change.address, id: before.id });
        if (change.after === null || !creates) break;
        changes.push({
          kind: "create unit",
          address: change.address,
          unit: { created: change.address },
          name: text(after.name) ?? "",
          parent: ref(plan, change, "parent_id"),
        });
        break;
      }
      default:
        changes.push({
          kind: "not evaluated",
          address: change.address,
          why: `changes ${change.type}, which the what-if does not evaluate`,
        });
    }
  }
  return changes;
}

function isChange(change: ResourceChange): boolean {
  return !change.actions.every((action) => action === "no-op" || action === "read");
}

function unknown(change: ResourceChange, attribute: string): boolean {
  const flag = change.afterUnknown[attribute];
  return flag !== undefined && flag !== false;
}

/**
 * An attribute's value: its id when the plan knows it; the one resource that makes it when it refers to one the
 * plan creates (a new policy's or OU's id); else unknown, naming the attribute.
 */
function ref(plan: Plan, change: ResourceChange, attribute: string): Ref {
  const value = change.after?.[attribute];
  if (!unknown(change, attribute) && typeof value === "string") return { id: value };
  // "aws_organizations_policy.deny_root.id", "aws_organizations_policy.deny_root[0]", "aws_organizations_policy.deny_root"
  const references = plan.references[configAddress(change.address)]?.[attribute] ?? [];
  for (const reference of references) {
    for (const candidate of [reference, reference.replace(/\.[a-z_]+$/, "")]) {
      const made = plan.resourceChanges.filter(
        (other) =>
          other.type.startsWith("aws_organizations_") &&
          other.actions.includes("create") &&
          (other.address === candidate || configAddress(other.address) === candidate),
      );
      if (made.length === 1) return { created: made[0].address };
    }
  }
  return { unknown: `${change.address}.${attribute}` };
}

/** A resource's address in the configuration: without its instance key ("x[0]", "x[\"a\"]"). */
export function configAddress(address: string): string {
  return address.replace(/\[[^\]]*\]$/, "");
}

function text(value: unknown): string | undefined {
  return typeof value === "string" ? value : undefined;
}

function strings(value: unknown): string[] {
  return Array.isArray(value) ? value.filter((item): item is string => typeof item === "string") : [];
}
