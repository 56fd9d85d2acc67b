import type { OrganizationsClient } from "@aws-sdk/client-organizations";
import { Statement, parsePolicy } from "./policy-document";

/** A node of the organization's tree: its root, an OU, or an account. */
export interface Node {
  readonly id: string;
  readonly name: string;
  /** The node above it; undefined for the root. */
  readonly parentId?: string;
}

/** An account of the organization, where it sits and whether it is active. */
export interface Account extends Node {
  readonly status: string;
}

/** A service control policy and its statements. */
export interface Scp {
  readonly id: string;
  readonly name: string;
  readonly statements: readonly Statement[];
}

/** What the doctor evaluates: the organization's tree, its SCPs and where each is attached. */
export interface OrganizationScps {
  readonly organizationId: string;
  readonly managementAccountId: string;
  readonly root: Node;
  /** Whether the SERVICE_CONTROL_POLICY type is enabled in the root: when it is not, no SCP applies anywhere. */
  readonly scpsEnabled: boolean;
  readonly units: ReadonlyMap<string, Node>;
  readonly accounts: readonly Account[];
  readonly policies: ReadonlyMap<string, Scp>;
  /** The SCPs attached directly to each node, by node id. */
  readonly attachments: ReadonlyMap<string, readonly string[]>;
  /**
   * Resource control policies, when their type is enabled: they limit what may be done to S3 buckets and SQS
   * queues of member accounts (the unlock tasks), by anyone, root sessions included. IAM is not among the
   * services they apply to. RCPFullAWSAccess stays attached everywhere, so only their Deny statements matter.
   */
  readonly rcps: ReadonlyMap<string, Scp>;
  readonly rcpAttachments: ReadonlyMap<string, readonly string[]>;
}

/**
 * Reads the organization's tree (root, every OU, every account with its status), every SCP's document and where
 * it is attached. Read-only: ListRoots, ListOrganizationalUnitsForParent, ListAccountsForParent, ListPolicies,
 * DescribePolicy, ListTargetsForPolicy.
 */
export async function readOrganizationScps(
  organizations: OrganizationsClient,
  organization: { readonly id: string; readonly managementAccountId: string },
): Promise<OrganizationScps> {
  // Loaded on the first read: the plan gate imports this, and reads AWS only for a plan that changes the guardrail.
  const { ListRootsCommand, paginateListAccountsForParent, paginateListOrganizationalUnitsForParent } =
    await import("@aws-sdk/client-organizations");
  const { Roots: roots = [] } = await organizations.send(new ListRootsCommand({}));
  const rootSummary = roots[0];
  const root: Node = { id: rootSummary?.Id ?? "", name: rootSummary?.Name ?? "Root" };
  const scpsEnabled = (rootSummary?.PolicyTypes ?? []).some(
    (type) => type.Type === "SERVICE_CONTROL_POLICY" && type.Status === "ENABLED",
  );
  const units = new Map<string, Node>();
  const accounts: Account[] = [];
  for (const parents = [root.id]; parents.length > 0;) {
    const parentId = parents.shift()!;
    for await (const page of paginateListOrganizationalUnitsForParent({ client: organizations }, { ParentId: parentId })) {
      for (const unit of page.OrganizationalUnits ?? []) {
        units.set(unit.Id ?? "", { id: unit.Id ?? "", name: unit.Name ?? "", parentId });
        parents.push(unit.Id ?? "");
      }
    }
    for await (const page of paginateListAccountsForParent({ client: organizations }, { ParentId: parentId })) {
      for (const account of page.Accounts ?? []) {
        accounts.push({ id: account.Id ?? "", name: account.Name ?? "", parentId, status: account.Status ?? "" });
      }
    }
  }
  const enabled = (type: string) =>
    (rootSummary?.PolicyTypes ?? []).some((policyType) => policyType.Type === type && policyType.Status === "ENABLED");
  const scps = scpsEnabled ? await readPolicies(organizations, "SERVICE_CONTROL_POLICY") : EMPTY;
  const rcps = enabled("RESOURCE_CONTROL_POLICY") ? await readPolicies(organizations, "RESOURCE_CONTROL_POLICY") : EMPTY;
  return {
    organizationId: organization.id,
    managementAccountId: organization.managementAccountId,
    root,
    scpsEnabled,
    units,
    accounts,
    policies: scps.policies,
    attachments: scps.attachments,
    rcps: rcps.policies,
    rcpAttachments: rcps.attachments,
  };
}

const EMPTY = { policies: new Map<string, Scp>(), attachments: new Map<string, string[]>() };

async function readPolicies(organizations: OrganizationsClient, type: "SERVICE_CONTROL_POLICY" | "RESOURCE_CONTROL_POLICY") {
  const { DescribePolicyCommand, paginateListPolicies, paginateListTargetsForPolicy } =
    await import("@aws-sdk/client-organizations");
  const policies = new Map<string, Scp>();
  const attachments = new Map<string, string[]>();
  for await (const page of paginateListPolicies({ client: organizations }, { Filter: type })) {
    for (const summary of page.Policies ?? []) {
      const id = summary.Id ?? "";
      const { Policy: policy } = await organizations.send(new DescribePolicyCommand({ PolicyId: id }));
      const statements = parsePolicy(policy?.Content ?? "", type === "SERVICE_CONTROL_POLICY" ? "SCP" : "RCP");
      policies.set(id, { id, name: summary.Name ?? "", statements });
      for await (const targets of paginateListTargetsForPolicy({ client: organizations }, { PolicyId: id })) {
        for (const target of targets.Targets ?? []) {
          attachments.set(target.TargetId ?? "", [...(attachments.get(target.TargetId ?? "") ?? []), id]);
        }
      }
    }
  }
  return { policies, attachments };
}
