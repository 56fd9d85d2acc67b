import {
  AttachPolicyCommand,
  CreateOrganizationCommand,
  CreateOrganizationalUnitCommand,
  CreatePolicyCommand,
  DescribeOrganizationCommand,
  EnableAWSServiceAccessCommand,
  EnablePolicyTypeCommand,
  ListAccountsCommand,
  ListAWSServiceAccessForOrganizationCommand,
  ListDelegatedAdministratorsCommand,
  ListDelegatedServicesForAccountCommand,
  ListOrganizationalUnitsForParentCommand,
  ListParentsCommand,
  ListPoliciesCommand,
  ListRootsCommand,
  ListTargetsForPolicyCommand,
  MoveAccountCommand,
  PolicyType,
  RegisterDelegatedAdministratorCommand,
} from "@aws-sdk/client-organizations";
import { createMemberAccount, organizationsAs } from "./aws";

/** What a seeded organization looks like, for the scenarios to refer to. */
export interface SeededOrganization {
  readonly organizationId: string;
  readonly rootId: string;
  readonly ouId: string;
  readonly memberIds: readonly string[];
}

/** The trusted services the seed enables; they must survive anything this project does. */
export const SEEDED_TRUSTED_SERVICES = ["config.amazonaws.com", "guardduty.amazonaws.com", "sso.amazonaws.com"];

/**
 * An organization like a real customer's: two member accounts in an OU, SCP and TAG policy types enabled, a
 * custom SCP attached to the OU, three trusted services, and a delegated administrator for GuardDuty.
 */
export async function seedOrganization(
  env: NodeJS.ProcessEnv,
  featureSet: "ALL" | "CONSOLIDATED_BILLING" = "ALL",
): Promise<SeededOrganization> {
  const organizations = organizationsAs(env);
  const { Organization } = await organizations.send(new CreateOrganizationCommand({ FeatureSet: featureSet }));
  const rootId = (await organizations.send(new ListRootsCommand({}))).Roots![0].Id!;
  const ouId = (await organizations.send(new CreateOrganizationalUnitCommand({ ParentId: rootId, Name: "Workloads" })))
    .OrganizationalUnit!.Id!;
  const memberIds: string[] = [];
  for (const name of ["workload-a", "workload-b"]) {
    const accountId = await createMemberAccount(env, name);
    await organizations.send(new MoveAccountCommand({ AccountId: accountId, SourceParentId: rootId, DestinationParentId: ouId }));
    memberIds.push(accountId);
  }
  if (featureSet === "ALL") {
    for (const type of ["SERVICE_CONTROL_POLICY", "TAG_POLICY"] as const) {
      await organizations.send(new EnablePolicyTypeCommand({ RootId: rootId, PolicyType: type }));
    }
    const scp = await organizations.send(
      new CreatePolicyCommand({
        Name: "DenyLeavingTheOrganization",
        Description: "Members may not leave",
        Type: "SERVICE_CONTROL_POLICY",
        Content: JSON.stringify({
          Version: "2012-10-17",
          Statement: [{ Effect: "Deny", Action: "organizations:LeaveOrganization", Resource: "*" }],
        }),
      }),
    );
    await organizations.send(new AttachPolicyCommand({ PolicyId: scp.Policy!.PolicySummary!.Id!, TargetId: ouId }));
    for (const principal of SEEDED_TRUSTED_SERVICES) {
      await organizations.send(new EnableAWSServiceAccessCommand({ ServicePrincipal: principal }));
    }
    await organizations.send(
      new RegisterDelegatedAdministratorCommand({ AccountId: memberIds[0], ServicePrincipal: "guardduty.amazonaws.com" }),
    );
  }
  return { organizationId: Organization!.Id!, rootId, ouId, memberIds };
}

/** Everything the Organizations API says about the caller's organization, in a stable order, for before/after comparison. */
export async function snapshotOrganization(env: NodeJS.ProcessEnv) {
  const organizations = organizationsAs(env);
  const { Organization } = await organizations.send(new DescribeOrganizationCommand({}));
  const roots = (await organizations.send(new ListRootsCommand({}))).Roots ?? [];
  const accounts = (await organizations.send(new ListAccountsCommand({}))).Accounts ?? [];
  const ous = [];
  for (const root of roots) {
    for (const ou of (await organizations.send(new ListOrganizationalUnitsForParentCommand({ ParentId: root.Id })))
      .OrganizationalUnits ?? []) {
      ous.push({ parent: root.Id, id: ou.Id, name: ou.Name });
    }
  }
  const placements = [];
  for (const account of accounts) {
    placements.push({
      account: account.Id,
      parents: ((await organizations.send(new ListParentsCommand({ ChildId: account.Id }))).Parents ?? []).map((p) => p.Id),
    });
  }
  const policies = [];
  const policyTypes: PolicyType[] = Organization?.FeatureSet === "ALL" ? ["SERVICE_CONTROL_POLICY", "TAG_POLICY"] : [];
  for (const filter of policyTypes) {
    for (const policy of (await organizations.send(new ListPoliciesCommand({ Filter: filter }))).Policies ?? []) {
      const targets = (await organizations.send(new ListTargetsForPolicyCommand({ PolicyId: policy.Id }))).Targets ?? [];
      policies.push({ id: policy.Id, name: policy.Name, type: policy.Type, targets: targets.map((t) => t.TargetId).sort() });
    }
  }
  const trustedServices =
    Organization?.FeatureSet === "ALL"
      ? ((await organizations.send(new ListAWSServiceAccessForOrganizationCommand({}))).EnabledServicePrincipals ?? [])
          .map((s) => ({ principal: s.ServicePrincipal, enabled: s.DateEnabled?.toISOString() }))
          .sort((a, b) => String(a.principal).localeCompare(String(b.principal)))
      : [];
  const administrators = [];
  for (const admin of (await organizations.send(new ListDelegatedAdministratorsCommand({}))).DelegatedAdministrators ?? []) {
    const services =
      (await organizations.send(new ListDelegatedServicesForAccountCommand({ AccountId: admin.Id }))).DelegatedServices ?? [];
    administrators.push({ account: admin.Id, services: services.map((s) => s.ServicePrincipal).sort() });
  }
  return {
    organization: {
      id: Organization?.Id,
      featureSet: Organization?.FeatureSet,
      managementAccount: Organization?.MasterAccountId,
    },
    roots: roots.map((root) => ({
      id: root.Id,
      policyTypes: (root.PolicyTypes ?? []).map((t) => `${t.Type}:${t.Status}`).sort(),
    })),
    ous,
    accounts: accounts
      .map((a) => ({ id: a.Id, name: a.Name, status: a.Status }))
      .sort((a, b) => String(a.id).localeCompare(String(b.id))),
    placements: placements.sort((a, b) => String(a.account).localeCompare(String(b.account))),
    policies: policies.sort((a, b) => String(a.id).localeCompare(String(b.id))),
    trustedServices,
    administrators: administrators.sort((a, b) => String(a.account).localeCompare(String(b.account))),
  };
}

/** A snapshot of the caller's organization. */
export type OrganizationSnapshot = Awaited<ReturnType<typeof snapshotOrganization>>;

/** One line per difference between two snapshots: "<part>: + <entry>" added, "<part>: - <entry>" removed. */
export function snapshotDifferences(before: OrganizationSnapshot, after: OrganizationSnapshot): string[] {
  const lines: string[] = [];
  for (const part of Object.keys(before) as (keyof OrganizationSnapshot)[]) {
    const was = ([] as unknown[]).concat(before[part]).map((entry) => JSON.stringify(entry));
    const now = ([] as unknown[]).concat(after[part]).map((entry) => JSON.stringify(entry));
    lines.push(...was.filter((entry) => !now.includes(entry)).map((entry) => `${part}: - ${entry}`));
    lines.push(...now.filter((entry) => !was.includes(entry)).map((entry) => `${part}: + ${entry}`));
  }
  return lines;
}
