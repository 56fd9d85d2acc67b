import { DataAwsOrganizationsOrganization } from "@cdktf/provider-aws/lib/data-aws-organizations-organization";
import { OrganizationsOrganization } from "@cdktf/provider-aws/lib/organizations-organization";
import { Fn, ITerraformDependable, Postcondition } from "cdktf";
import { Construct } from "constructs";
import { SERVICE_CONTROL_POLICY } from "../../scripts/shared/root-user-guardrail-policy";
import type { OrganizationMode } from "../config/schema";
import { guardrailCheck, organizationCheck } from "../synth-errors";

/** The organization resource's address, in every mode that declares it. */
export const ORGANIZATION_ADDRESS = "aws_organizations_organization.organization";

/** A Terraform `import` block, as it goes into cdk.tf.json; `for_each` imports only what exists (Terraform 1.7+). */
export interface ImportBlock {
  readonly to: string;
  readonly id: string;
  readonly for_each?: string;
}

/** The service principal that IAM's centralized root access needs trusted access for. */
export const IAM_SERVICE_PRINCIPAL = "iam.amazonaws.com";

/** Props of {@link Organization}. */
export interface OrganizationProps {
  /** "create" a new organization, "adopt" (import and manage) an existing one, or check an "external" one. */
  readonly mode: OrganizationMode;
  /** The existing organization's id; required for "adopt" and "external". */
  readonly organizationId?: string;
  /**
   * Trusted services to enable besides IAM ("create" and "adopt").
   * @default - none: only iam.amazonaws.com is added
   */
  readonly serviceAccessPrincipals?: readonly string[];
  /**
   * Whether `terraform destroy` may delete the organization; only a created one can be.
   * @default false - the organization has `prevent_destroy`, so a plan that would delete it fails and nothing is deleted
   */
  readonly allowDestroy?: boolean;
  /**
   * Whether the SERVICE_CONTROL_POLICY policy type must be enabled (the root-user guardrail is an SCP): "create"
   * enables it, "adopt" adds it to the types enabled now, "external" checks it at plan time.
   * @default false
   */
  readonly serviceControlPolicies?: boolean;
}

/**
 * The organization the root access features live in, with all features and trusted access for IAM.
 *
 * `aws_organizations_organization` manages `aws_service_access_principals` and `enabled_policy_types`
 * exclusively: whatever is not listed gets disabled, and disabling the SCP policy type detaches every SCP. So an
 * adopted organization lists what it has now (read at plan time) plus IAM, and its policy types as they are (plus
 * SERVICE_CONTROL_POLICY for the guardrail). A created one lists SERVICE_CONTROL_POLICY when the guardrail needs it
 * and otherwise leaves its policy types alone, so a type enabled outside this stack is never disabled.
 */
export class Organization extends Construct {
  /** The organization id (a token until plan or apply). */
  readonly organizationId: string;
  /** What the features must wait for: the organization with IAM trusted access (resource or checked data source). */
  readonly ready: ITerraformDependable;
  /** Terraform `import` blocks this construct needs (the stack writes them all in one list). */
  readonly importBlocks: readonly ImportBlock[] = [];
  /**
   * An expression (without `${}`) for the organization's member accounts as the provider reads them on every
   * refresh: a list of objects with `id`, `name` and `status`. Unknown until the organization exists.
   */
  readonly memberAccounts: string;
  /** An expression (without `${}`) for the organization root's id. Unknown until the organization exists. */
  readonly rootId: string;
  /** An expression (without `${}`) for the management account's id. Unknown until the organization exists. */
  readonly managementAccountId: string;

  constructor(scope: Construct, id: string, props: OrganizationProps) {
    super(scope, id);
    const extras = props.serviceAccessPrincipals ?? [];
    const scp = props.serviceControlPolicies ?? false;
    if (props.mode === "create") {
      const organization = new OrganizationsOrganization(this, "organization", {
        featureSet: "ALL",
        awsServiceAccessPrincipals: [IAM_SERVICE_PRINCIPAL, ...extras.filter((p) => p !== IAM_SERVICE_PRINCIPAL)],
        enabledPolicyTypes: scp ? [SERVICE_CONTROL_POLICY] : undefined,
        lifecycle: { preventDestroy: !props.allowDestroy, ignoreChanges: scp ? undefined : ["enabled_policy_types"] },
      });
      organization.overrideLogicalId("organization");
      this.organizationId = organization.id;
      this.ready = organization;
      this.memberAccounts = `${ORGANIZATION_ADDRESS}.non_master_accounts`;
      this.rootId = `${ORGANIZATION_ADDRESS}.roots[0].id`;
      this.managementAccountId = `${ORGANIZATION_ADDRESS}.master_account_id`;
      return;
    }

    const expected = requireId(props);
    const checks: Postcondition[] = [
      { condition: `\${self.id == "${expected}"}`, errorMessage: organizationCheck.wrongOrganization(expected) },
      { condition: '${self.feature_set == "ALL"}', errorMessage: organizationCheck.notAllFeatures(expected) },
    ];
    if (props.mode === "external") {
      checks.push({
        condition: `\${contains(self.aws_service_access_principals, "${IAM_SERVICE_PRINCIPAL}")}`,
        errorMessage: organizationCheck.iamNotTrusted(expected),
      });
      if (scp) {
        checks.push({
          condition: `\${contains(self.enabled_policy_types, "${SERVICE_CONTROL_POLICY}")}`,
          errorMessage: guardrailCheck.scpNotEnabled(expected),
        });
      }
    }
    const current = new DataAwsOrganizationsOrganization(this, "current", { lifecycle: { postcondition: checks } });
    current.overrideLogicalId("current");

    if (props.mode === "external") {
      this.organizationId = current.id;
      this.ready = current;
      this.memberAccounts = "data.aws_organizations_organization.current.non_master_accounts";
      this.rootId = "data.aws_organizations_organization.current.roots[0].id";
      this.managementAccountId = "data.aws_organizations_organization.current.master_account_id";
      return;
    }

    const organization = new OrganizationsOrganization(this, "organization", {
      featureSet: "ALL",
      awsServiceAccessPrincipals: Fn.sort(Fn.setunion(current.awsServiceAccessPrincipals, [[IAM_SERVICE_PRINCIPAL, ...extras]])),
      enabledPolicyTypes: scp
        ? Fn.sort(Fn.setunion(current.enabledPolicyTypes, [[SERVICE_CONTROL_POLICY]]))
        : current.enabledPolicyTypes,
      // Adopted organizations are never deleted by this stack, whatever allowOrganizationDestroy says.
      lifecycle: { preventDestroy: true },
    });
    organization.overrideLogicalId("organization");
    this.importBlocks = [{ to: ORGANIZATION_ADDRESS, id: expected }];
    this.organizationId = organization.id;
    this.ready = organization;
    // Read from the data source, not the resource: adopting changes the organization (IAM's trusted access), and
    // a resource with changes has its computed attributes unknown until apply, so the checks on them (the
    // guardrail's targets, the accounts whose root credentials are removed or kept) would pass the plan unchecked.
    // Adopting changes none of these.
    this.memberAccounts = "data.aws_organizations_organization.current.non_master_accounts";
    this.rootId = "data.aws_organizations_organization.current.roots[0].id";
    this.managementAccountId = "data.aws_organizations_organization.current.master_account_id";
  }
}

function requireId(props: OrganizationProps): string {
  if (!props.organizationId) {
    throw new Error(`Organization mode "${props.mode}" needs organizationId`);
  }
  return props.organizationId;
}
