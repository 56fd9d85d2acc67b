import type { OrganizationsClient } from "@aws-sdk/client-organizations";
import { ScriptError, awsErrorCode, explainAwsError } from "../aws/aws-errors";
import { describeOrganization, listMemberAccounts } from "../aws/organization-accounts";
import { Log } from "../aws/service-access-wait";
import { organizationNotEmpty, wrongOrganization } from "./program-errors";

/** What check-deletable found; printed as the JSON result line. */
export interface DeletableResult {
  readonly action: "check-deletable";
  /** The organization the credentials belong to, or null when they belong to none (nothing left to delete). */
  readonly organizationId: string | null;
  /** Accounts other than the management account: AWS deletes an organization only when there are none. */
  readonly memberAccounts: readonly string[];
  readonly deletable: boolean;
}

/**
 * Reads, before a destroy disables anything, whether AWS will delete the organization: `DeleteOrganization`
 * fails with OrganizationNotEmptyException while any account besides the management account is in it
 * (suspended, closed ones included), and by then the features would already be disabled.
 */
export class OrganizationDeletion {
  constructor(
    private readonly organizations: OrganizationsClient,
    private readonly settings: { readonly organizationId?: string; readonly roleArn?: string; readonly endpoint?: string },
    private readonly log: Log,
  ) {}

  /** Returns the result when the organization can be deleted (or is gone); throws a ScriptError naming the members. */
  async check(): Promise<DeletableResult> {
    const organization = await this.send("DescribeOrganization", () => describeOrganization(this.organizations));
    if (organization === null) {
      this.log("the credentials' account is in no organization: nothing left to delete");
      return { action: "check-deletable", organizationId: null, memberAccounts: [], deletable: true };
    }
    const { organizationId, managementAccountId } = organization;
    const expected = this.settings.organizationId;
    if (expected !== undefined && organizationId !== expected) {
      throw wrongOrganization(expected, organizationId, "Organizations");
    }
    const members = await this.send("ListAccounts", () => listMemberAccounts(this.organizations, managementAccountId));
    if (members === null) {
      this.log("the organization was deleted while its accounts were read: nothing left to delete");
      return { action: "check-deletable", organizationId: null, memberAccounts: [], deletable: true };
    }
    // Suspended and closed accounts count: they stay members for up to 90 days, and AWS refuses until they leave.
    const memberAccounts = members.map((account) => account.id);
    if (memberAccounts.length > 0) {
      throw organizationNotEmpty(organizationId, memberAccounts);
    }
    this.log(`organization ${organizationId} has no member accounts: AWS will delete it`);
    return { action: "check-deletable", organizationId, memberAccounts, deletable: true };
  }

  // Null when the account is in no organization (AWSOrganizationsNotInUseException); other errors explained.
  private async send<T>(operation: string, send: () => Promise<T>): Promise<T | null> {
    try {
      return await send();
    } catch (error) {
      if (awsErrorCode(error) === "AWSOrganizationsNotInUse") return null;
      if (awsErrorCode(error) === "AccessDenied") {
        throw new ScriptError(
          `${operation} failed: the credentials are not allowed to call it (AccessDenied). Before a destroy that ` +
            `deletes the organization, the stack reads its accounts: grant the caller organizations:DescribeOrganization ` +
            `and organizations:ListAccounts` +
            (this.settings.roleArn ? ` in the policy of ${this.settings.roleArn}` : "") +
            `. Nothing was disabled or deleted.`,
          { cause: error },
        );
      }
      const explanation = explainAwsError(error, {
        operation,
        permission: "organizations:DescribeOrganization and organizations:ListAccounts",
        roleArn: this.settings.roleArn,
        endpoint: this.settings.endpoint,
      });
      throw explanation ? new ScriptError(explanation, { cause: error }) : error;
    }
  }
}
