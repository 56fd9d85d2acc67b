import { OrganizationsOrganization } from "@cdktf/provider-aws/lib/organizations-organization";
import { Construct } from "constructs";

/** The service principal that IAM's centralized root access needs trusted access for. */
export const IAM_SERVICE_PRINCIPAL = "iam.amazonaws.com";

/** Props of {@link Organization}. */
export interface OrganizationProps {
  /**
   * Whether `terraform destroy` may delete the organization (DeleteOrganization).
   * @default false - the organization has `prevent_destroy`, so a plan that would delete it fails and nothing is deleted
   */
  readonly allowDestroy?: boolean;
}

/** An AWS Organization this stack creates, with all features and trusted access for IAM. */
export class Organization extends Construct {
  /** The `aws_organizations_organization` resource, for ordering. */
  readonly resource: OrganizationsOrganization;
  /** The organization id (a token until apply). */
  readonly organizationId: string;

  constructor(scope: Construct, id: string, props: OrganizationProps = {}) {
    super(scope, id);
    // The provider manages aws_service_access_principals exclusively: on a new organization that is
    // harmless, and adopting an existing one must list every principal it already has.
    this.resource = new OrganizationsOrganization(this, "organization", {
      featureSet: "ALL",
      awsServiceAccessPrincipals: [IAM_SERVICE_PRINCIPAL],
      lifecycle: { preventDestroy: !props.allowDestroy },
    });
    this.resource.overrideLogicalId("organization");
    this.organizationId = this.resource.id;
  }
}
