import type { OrganizationScps } from "../../../scripts/doctor/organization-scps";
import { parsePolicy } from "../../../scripts/doctor/policy-document";
import { evaluateRootSessionAccess } from "../../../scripts/doctor/root-session-access";
import type { Partition } from "../../../scripts/shared/partitions";
import { tasksOf } from "../../../scripts/shared/root-tasks";

/**
 * An organization with SCPs and the verdict AWS's evaluation gives each root task in each member account: the
 * shape of the independent oracle (fixtures/scp-oracle.json, built from AWS's documentation by someone who did not
 * read the doctor's code) and of the doctor's own table.
 */
export interface ScpSetup {
  readonly name: string;
  readonly reasoning: string;
  readonly partition: Partition;
  readonly organizationId: string;
  readonly managementAccountId: string;
  readonly rootId: string;
  readonly ous: readonly { readonly id: string; readonly parent: string }[];
  readonly accounts: readonly { readonly id: string; readonly parent: string; readonly status: string }[];
  readonly policies: readonly {
    readonly id: string;
    readonly name: string;
    readonly document: unknown;
    readonly targets: readonly string[];
  }[];
  /** Resource control policies besides RCPFullAWSAccess, in the shape of `policies`. */
  readonly rcps?: ScpSetup["policies"];
  readonly features: readonly string[];
  readonly expected: Readonly<Record<string, Readonly<Record<string, string>>>>;
}

/** The organization a set-up describes, as the doctor reads it from AWS Organizations. */
export function organizationOf(setup: ScpSetup): OrganizationScps {
  const attachments = new Map<string, string[]>();
  for (const policy of setup.policies) {
    for (const target of policy.targets) attachments.set(target, [...(attachments.get(target) ?? []), policy.id]);
  }
  const rcpAttachments = new Map<string, string[]>();
  for (const policy of setup.rcps ?? []) {
    for (const target of policy.targets) rcpAttachments.set(target, [...(rcpAttachments.get(target) ?? []), policy.id]);
  }
  return {
    organizationId: setup.organizationId,
    managementAccountId: setup.managementAccountId,
    root: { id: setup.rootId, name: "Root" },
    scpsEnabled: true,
    units: new Map(setup.ous.map((unit) => [unit.id, { id: unit.id, name: unit.id, parentId: unit.parent }])),
    accounts: setup.accounts.map((account) => ({ id: account.id, name: "", parentId: account.parent, status: account.status })),
    policies: new Map(
      setup.policies.map((policy) => [
        policy.id,
        { id: policy.id, name: policy.name, statements: parsePolicy(JSON.stringify(policy.document)) },
      ]),
    ),
    attachments,
    rcps: new Map(
      (setup.rcps ?? []).map((policy) => [
        policy.id,
        { id: policy.id, name: policy.name, statements: parsePolicy(JSON.stringify(policy.document), "RCP") },
      ]),
    ),
    rcpAttachments,
  };
}

/** The doctor's verdicts for a set-up, in the shape of its `expected`. */
export function verdictsOf(setup: ScpSetup): Record<string, Record<string, string>> {
  const verdicts: Record<string, Record<string, string>> = {};
  const access = evaluateRootSessionAccess(organizationOf(setup), { partition: setup.partition, tasks: tasksOf(setup.features) });
  for (const { account, task, outcome } of access) (verdicts[account.id] ??= {})[task] = outcome;
  return verdicts;
}
