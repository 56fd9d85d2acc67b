import { IamOrganizationsFeatures } from "@cdktf/provider-aws/lib/iam-organizations-features";
import { ITerraformDependable } from "cdktf";
import { Construct } from "constructs";
import { RootAccessFeature } from "../../scripts/shared/program-contract";

/** The address of the native resource: `aws_iam_organizations_features.features`. */
export const NATIVE_FEATURES_ADDRESS = "aws_iam_organizations_features.features";

/** Props of {@link NativeRootFeatures}. */
export interface NativeRootFeaturesProps {
  /** The features to have enabled; with none, the resource's count is 0 and destroying it disables them all. */
  readonly features: readonly RootAccessFeature[];
  /** What must exist before any feature is enabled. */
  readonly dependsOn: ITerraformDependable[];
}

/**
 * The features through the provider's `aws_iam_organizations_features` (implementation "native"). Unlike the
 * script, a feature disabled out of band shows up in `terraform plan`; but the provider does not wait for IAM to
 * see trusted access that was just enabled, so a first apply can need a second one.
 */
export class NativeRootFeatures extends Construct {
  /** The resource, for what must be destroyed before it. */
  readonly resource: IamOrganizationsFeatures;
  /** An expression for the features enabled, read from state. */
  readonly enabledFeatures: string;

  constructor(scope: Construct, id: string, props: NativeRootFeaturesProps) {
    super(scope, id);
    const resource = (this.resource = new IamOrganizationsFeatures(this, "features", {
      count: props.features.length > 0 ? 1 : 0,
      enabledFeatures: [...props.features],
      dependsOn: props.dependsOn,
    }));
    resource.overrideLogicalId("features");
    this.enabledFeatures = `\${try(sort(${NATIVE_FEATURES_ADDRESS}[0].enabled_features), [])}`;
  }
}
