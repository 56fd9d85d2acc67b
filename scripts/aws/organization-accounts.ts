import type { OrganizationsClient } from "@aws-sdk/client-organizations";

/** A member account (any account of the organization but its management account). */
export interface MemberAccount {
  readonly id: string;
  readonly name: string;
  /** ACTIVE, SUSPENDED or PENDING_CLOSURE (Organizations' account status). */
  readonly status: string;
}

/** The caller's organization, as DescribeOrganization says. */
export interface OrganizationIdentity {
  readonly organizationId: string;
  readonly managementAccountId: string;
}

// Errors are the SDK's, for the caller to explain (AWSOrganizationsNotInUseException: in no organization).

/** DescribeOrganization: the caller's organization and its management account. */
export async function describeOrganization(organizations: OrganizationsClient): Promise<OrganizationIdentity> {
  const { DescribeOrganizationCommand } = await import("@aws-sdk/client-organizations");
  const { Organization: organization } = await organizations.send(new DescribeOrganizationCommand({}));
  return { organizationId: organization?.Id ?? "", managementAccountId: organization?.MasterAccountId ?? "" };
}

/** ListAccounts, every page: the accounts other than `managementAccountId`, in ListAccounts order. */
export async function listMemberAccounts(
  organizations: OrganizationsClient,
  managementAccountId: string,
): Promise<MemberAccount[]> {
  const { paginateListAccounts } = await import("@aws-sdk/client-organizations");
  const members: MemberAccount[] = [];
  for await (const page of paginateListAccounts({ client: organizations }, {})) {
    for (const account of page.Accounts ?? []) {
      if (account.Id && account.Id !== managementAccountId) {
        members.push({ id: account.Id, name: account.Name ?? "", status: account.Status ?? "UNKNOWN" });
      }
    }
  }
  return members;
}
