import { DataAwsOrganizationsDelegatedAdministrators } from "@cdktf/provider-aws/lib/data-aws-organizations-delegated-administrators";
import { OrganizationsDelegatedAdministrator } from "@cdktf/provider-aws/lib/organizations-delegated-administrator";
import { ITerraformDependable } from "cdktf";
import { Construct } from "constructs";
import type { OrganizationMode } from "../config/schema";
import { IAM_SERVICE_PRINCIPAL, ImportBlock } from "./organization";

/** The address of IAM's delegated administrator: `aws_organizations_delegated_administrator.iam`. */
const DELEGATED_ADMINISTRATOR_ADDRESS = "aws_organizations_delegated_administrator.iam";

/** Props of {@link IamDelegatedAdministrator}. */
export interface IamDelegatedAdministratorProps {
  /** The account to register as IAM's delegated administrator. */
  readonly accountId: string;
  /** How the stack relates to the organization: only an existing one can have it registered already. */
  readonly mode: OrganizationMode;
  /** What must exist first: the organization with IAM trusted access (AWS requires trusted access). */
  readonly dependsOn: ITerraformDependable[];
}

/**
 * IAM's delegated administrator, registered after trusted access and before the features. In an existing
 * organization (adopt, external) the account may be registered already, and registering it again would fail
 * with AccountAlreadyRegisteredException: the registration is then imported (an `import` block over the
 * organization's current delegated administrators, so it applies only when the account is one of them),
 * never deregistered and registered again.
 */
export class IamDelegatedAdministrator extends Construct {
  /** The resource, for what must wait for it. */
  readonly resource: OrganizationsDelegatedAdministrator;
  /** Terraform `import` blocks this construct needs (the stack writes them all in one list). */
  readonly importBlocks: readonly ImportBlock[] = [];

  constructor(scope: Construct, id: string, props: IamDelegatedAdministratorProps) {
    super(scope, id);
    this.resource = new OrganizationsDelegatedAdministrator(this, "iam", {
      accountId: props.accountId,
      servicePrincipal: IAM_SERVICE_PRINCIPAL,
      dependsOn: props.dependsOn,
    });
    this.resource.overrideLogicalId("iam");
    if (props.mode === "create") return;

    const registered = new DataAwsOrganizationsDelegatedAdministrators(this, "registered", {
      servicePrincipal: IAM_SERVICE_PRINCIPAL,
    });
    registered.overrideLogicalId("iam_registered");
    const admins = "data.aws_organizations_delegated_administrators.iam_registered.delegated_administrators";
    this.importBlocks = [
      {
        to: DELEGATED_ADMINISTRATOR_ADDRESS,
        for_each: `\${{ for admin in ${admins} : admin.id => admin if admin.id == "${props.accountId}" }}`,
        id: `\${each.key}/${IAM_SERVICE_PRINCIPAL}`,
      },
    ];
  }
}
