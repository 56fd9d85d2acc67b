import { DataResource, ITerraformDependable, TerraformSelf } from "cdktf";
import { Construct } from "constructs";
import { SCRIPT_ENVIRONMENT } from "../../scripts/shared/program-contract";

/** Props of {@link OrganizationDeletionCheck}. */
export interface OrganizationDeletionCheckProps {
  /** Whether this stack created the organization; only then can a destroy delete it, and the check exists. */
  readonly created: boolean;
  /** Whether a destroy deletes the organization now (allowOrganizationDestroy); read from the configuration. */
  readonly allowDestroy: boolean;
  /** The stack's name, so the script's messages can name the stack's settings. */
  readonly stackName: string;
  /** The organization to check. */
  readonly organizationId: string;
  /** The bundled root-access script, as a path relative to the stack folder. */
  readonly scriptPath: string;
  /** Region for the script's AWS clients. */
  readonly region: string;
  /** Role the script assumes; the credentials in terraform's environment when absent. */
  readonly assumeRoleArn?: string;
  /** Everything a destroy removes after the check: the features, the delegated administrator, the organization. */
  readonly dependsOn: ITerraformDependable[];
}

/**
 * A `terraform_data` whose destroy-time local-exec runs `root-access check-deletable`. It depends on everything
 * else, so a destroy removes it first: when the organization would be deleted but still has member accounts
 * (which AWS refuses, OrganizationNotEmptyException), the check fails and terraform stops before any feature is
 * disabled. Whether the organization is deleted is a constant of the configuration, not of state, so turning on
 * allowOrganizationDestroy and destroying without an apply in between is checked too.
 */
export class OrganizationDeletionCheck extends Construct {
  constructor(scope: Construct, id: string, props: OrganizationDeletionCheckProps) {
    super(scope, id);
    const resource = new DataResource(this, "check", {
      count: props.created ? 1 : 0,
      dependsOn: props.dependsOn,
      triggersReplace: { organization_id: props.organizationId },
      input: { region: props.region, assume_role_arn: props.assumeRoleArn ?? "" },
      provisioners: [
        {
          type: "local-exec",
          when: "destroy",
          interpreter: ["node", props.scriptPath],
          command: "check-deletable",
          environment: {
            [SCRIPT_ENVIRONMENT.organizationId]: TerraformSelf.getString("triggers_replace.organization_id"),
            [SCRIPT_ENVIRONMENT.region]: TerraformSelf.getString("input.region"),
            [SCRIPT_ENVIRONMENT.roleArn]: TerraformSelf.getString("input.assume_role_arn"),
            [SCRIPT_ENVIRONMENT.deleteOrganization]: String(props.created && props.allowDestroy),
            [SCRIPT_ENVIRONMENT.stack]: props.stackName,
          },
        },
      ],
    });
    resource.overrideLogicalId("organization-deletion-check");
  }
}
