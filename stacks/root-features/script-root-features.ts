import { DataResource, ITerraformDependable, LocalExecProvisioner, TerraformSelf } from "cdktf";
import { Construct } from "constructs";
import { ROOT_ACCESS_FEATURES, RootAccessFeature, SCRIPT_ENVIRONMENT } from "../../scripts/shared/program-contract";

/** Terraform addresses of the features: `terraform_data.<id>`. Chosen once; renaming one re-runs its script. */
export const FEATURE_RESOURCE_IDS: Record<RootAccessFeature, string> = {
  RootCredentialsManagement: "root-credentials-management",
  RootSessions: "root-sessions",
};

/** Props of {@link ScriptRootFeatures}. */
export interface ScriptRootFeaturesProps {
  /** The stack's name, so the script's messages can name the stack's settings. */
  readonly stackName: string;
  /** The organization the script must find its credentials in; the features are replaced when it changes. */
  readonly organizationId: string;
  /** The features to have enabled. Features left out are disabled if this stack enabled them. */
  readonly features: readonly RootAccessFeature[];
  /** The bundled root-access script, as a path relative to the stack folder. */
  readonly scriptPath: string;
  /** What must exist before any feature is enabled (the organization with IAM trusted access). */
  readonly dependsOn: ITerraformDependable[];
  /** Region for the script's AWS clients. */
  readonly region: string;
  /**
   * Role the script assumes before calling IAM.
   * @default - the credentials in terraform's environment
   */
  readonly assumeRoleArn?: string;
  /** How long the script waits for IAM to see trusted access that was just enabled. */
  readonly serviceAccessWaitSeconds: number;
}

/**
 * One `terraform_data` per feature, whose create-time local-exec enables the feature and whose destroy-time
 * local-exec disables it. Every feature's block is always declared, with count 0 when it is not wanted:
 * Terraform runs a destroy-time provisioner only while its block is still in the configuration, so removing
 * a feature from the config must set its count to 0 rather than drop the block.
 */
export class ScriptRootFeatures extends Construct {
  /** The `terraform_data` resource of each feature, whether its count is 0 or 1. */
  readonly resources: Record<RootAccessFeature, DataResource>;
  /** An expression for the features this stack has enabled, read from state (so known only after apply). */
  readonly enabledFeatures: string;

  constructor(scope: Construct, id: string, props: ScriptRootFeaturesProps) {
    super(scope, id);
    const resources: Partial<Record<RootAccessFeature, DataResource>> = {};
    let previous: DataResource | undefined;
    for (const feature of ROOT_ACCESS_FEATURES) {
      const resource = new DataResource(this, FEATURE_RESOURCE_IDS[feature], {
        count: props.features.includes(feature) ? 1 : 0,
        // Enabled in ROOT_ACCESS_FEATURES order (RootCredentialsManagement first), disabled in reverse.
        dependsOn: previous ? [...props.dependsOn, previous] : props.dependsOn,
        // Identity only: a change here disables the feature in the old organization and enables it anew.
        triggersReplace: { organization_id: props.organizationId, feature },
        // Settings: a change here is an in-place update that runs nothing.
        input: {
          region: props.region,
          assume_role_arn: props.assumeRoleArn ?? "",
          service_access_wait_seconds: props.serviceAccessWaitSeconds,
        },
        provisioners: [
          scriptRun(props.scriptPath, "enable", feature, props.stackName),
          scriptRun(props.scriptPath, "disable", feature, props.stackName),
        ],
      });
      resource.overrideLogicalId(FEATURE_RESOURCE_IDS[feature]);
      resources[feature] = resource;
      previous = resource;
    }
    this.resources = resources as Record<RootAccessFeature, DataResource>;
    const applied = ROOT_ACCESS_FEATURES.map((f) => `terraform_data.${FEATURE_RESOURCE_IDS[f]}[*].triggers_replace.feature`);
    this.enabledFeatures = `\${concat(${applied.join(", ")})}`;
  }
}

// No shell: `interpreter` execs node with fixed arguments and the feature name as the last one. Everything
// that varies comes from `self` (all a destroy-time provisioner may read) through the environment.
function scriptRun(
  scriptPath: string,
  verb: "enable" | "disable",
  feature: RootAccessFeature,
  stackName: string,
): LocalExecProvisioner {
  return {
    type: "local-exec",
    ...(verb === "disable" ? { when: "destroy" as const } : {}),
    interpreter: ["node", scriptPath, verb],
    command: feature,
    environment: {
      [SCRIPT_ENVIRONMENT.organizationId]: TerraformSelf.getString("triggers_replace.organization_id"),
      [SCRIPT_ENVIRONMENT.region]: TerraformSelf.getString("input.region"),
      [SCRIPT_ENVIRONMENT.roleArn]: TerraformSelf.getString("input.assume_role_arn"),
      [SCRIPT_ENVIRONMENT.waitSeconds]: TerraformSelf.getString("input.service_access_wait_seconds"),
      // A constant, not a reference (a stack name is letters, digits, "-" and "_"): never part of the resource's
      // identity or settings, so renaming a stack re-runs nothing.
      [SCRIPT_ENVIRONMENT.stack]: stackName,
    },
  };
}
