import {
  DescribePolicyCommand,
  OrganizationsClient,
  paginateListAccountsForParent,
  paginateListOrganizationalUnitsForParent,
  paginateListPolicies,
  paginateListTargetsForPolicy,
} from "@aws-sdk/client-organizations";
import { ScpVerdict, analyseScp } from "./scp-analysis";

/** An SCP that blocks central root sessions, or whose effect on them the analysis cannot tell. */
export interface ScpFinding {
  readonly policyId: string;
  readonly name: string;
  readonly verdict: Exclude<ScpVerdict, { verdict: "ok" }>;
  /** Where it is attached: the root, OUs and accounts, by id. */
  readonly targets: readonly { readonly id: string; readonly type: string; readonly name: string }[];
  /** How many accounts it covers (through OUs and the root, recursively). */
  readonly accountsCovered: number;
}

/** Every attached SCP of the organization that blocks root sessions or cannot be told, with where it is attached. */
export async function scpFindings(organizations: OrganizationsClient): Promise<ScpFinding[]> {
  const findings: ScpFinding[] = [];
  for await (const page of paginateListPolicies({ client: organizations }, { Filter: "SERVICE_CONTROL_POLICY" })) {
    for (const summary of page.Policies ?? []) {
      const { Policy: policy } = await organizations.send(new DescribePolicyCommand({ PolicyId: summary.Id }));
      const verdict = analyseScp(policy?.Content ?? "");
      if (verdict.verdict === "ok") continue;
      const targets: ScpFinding["targets"][number][] = [];
      for await (const targetPage of paginateListTargetsForPolicy({ client: organizations }, { PolicyId: summary.Id })) {
        for (const target of targetPage.Targets ?? []) {
          targets.push({ id: target.TargetId ?? "", type: target.Type ?? "", name: target.Name ?? "" });
        }
      }
      // A policy attached nowhere denies nothing.
      if (targets.length === 0) continue;
      const covered = new Set<string>();
      for (const target of targets) {
        for (const account of await accountsUnder(organizations, target)) covered.add(account);
      }
      findings.push({ policyId: summary.Id ?? "", name: summary.Name ?? "", verdict, targets, accountsCovered: covered.size });
    }
  }
  return findings;
}

// The accounts a target covers: itself, or every account below an OU or the root.
async function accountsUnder(organizations: OrganizationsClient, target: { id: string; type: string }): Promise<string[]> {
  if (target.type === "ACCOUNT") return [target.id];
  const accounts: string[] = [];
  for await (const page of paginateListAccountsForParent({ client: organizations }, { ParentId: target.id })) {
    accounts.push(...(page.Accounts ?? []).map((account) => account.Id ?? ""));
  }
  for await (const page of paginateListOrganizationalUnitsForParent({ client: organizations }, { ParentId: target.id })) {
    for (const unit of page.OrganizationalUnits ?? []) {
      accounts.push(...(await accountsUnder(organizations, { id: unit.Id ?? "", type: "ORGANIZATIONAL_UNIT" })));
    }
  }
  return accounts;
}
