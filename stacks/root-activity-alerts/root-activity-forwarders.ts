import { CloudwatchEventRule } from "@cdktf/provider-aws/lib/cloudwatch-event-rule";
import { CloudwatchEventTarget } from "@cdktf/provider-aws/lib/cloudwatch-event-target";
import { IamRole } from "@cdktf/provider-aws/lib/iam-role";
import { IamRolePolicy } from "@cdktf/provider-aws/lib/iam-role-policy";
import type { ITerraformDependable, TerraformProvider } from "cdktf";
import { Construct } from "constructs";
import type { Partition } from "../../scripts/shared/partitions";
import {
  ROOT_ACTIVITY_FORWARD_POLICY_NAME,
  ROOT_ACTIVITY_FORWARD_ROLE_NAME,
  ROOT_ACTIVITY_FORWARD_RULE_NAME,
  ROOT_ACTIVITY_RULE_STATE,
  forwardPattern,
} from "../../scripts/shared/root-activity";
import type { RegionalProvider } from "./alert-providers";

/** Props of {@link RootActivityForwarders}. */
export interface RootActivityForwardersProps {
  /** Which calling account, in logical ids: "management" or "delegated-administrator". */
  readonly label: string;
  /** The calling account's id (a token for the management account's). */
  readonly accountId: string;
  readonly partition: Partition;
  /** A provider of the calling account, for its IAM role (IAM is global). */
  readonly iamProvider?: TerraformProvider;
  /** The regions to forward from, each with its provider. */
  readonly regions: readonly RegionalProvider[];
  /** The management account's default event bus in the stack's region, where the alerting rules are. */
  readonly homeBusArn: string;
  /** Resources that must exist first: the home bus's permission for another account. */
  readonly dependsOn?: readonly ITerraformDependable[];
}

/**
 * In one calling account, a rule per region that forwards every AssumeRoot event to the home bus (a cross-region,
 * and for the delegated administrator cross-account, EventBridge target), and the role EventBridge puts them with.
 * The role may put events on the home bus only, and only for this account's forwarders (aws:SourceAccount).
 */
export class RootActivityForwarders extends Construct {
  constructor(scope: Construct, id: string, props: RootActivityForwardersProps) {
    super(scope, id);
    if (props.regions.length === 0) return;
    const role = new IamRole(this, "role", {
      provider: props.iamProvider,
      name: ROOT_ACTIVITY_FORWARD_ROLE_NAME,
      description: "org-root-access: EventBridge forwards AssumeRoot events to the alerting bus; managed by terraform",
      assumeRolePolicy: JSON.stringify({
        Version: "2012-10-17",
        Statement: [
          {
            Effect: "Allow",
            Principal: { Service: "events.amazonaws.com" },
            Action: "sts:AssumeRole",
            Condition: { StringEquals: { "aws:SourceAccount": props.accountId } },
          },
        ],
      }),
    });
    role.overrideLogicalId(`root-activity-forward-${props.label}`);
    const rolePolicy = new IamRolePolicy(this, "role-policy", {
      provider: props.iamProvider,
      role: role.name,
      name: ROOT_ACTIVITY_FORWARD_POLICY_NAME,
      policy: JSON.stringify({
        Version: "2012-10-17",
        Statement: [{ Effect: "Allow", Action: "events:PutEvents", Resource: props.homeBusArn }],
      }),
    });
    rolePolicy.overrideLogicalId(`root-activity-forward-${props.label}`);
    for (const { region, provider } of props.regions) {
      const rule = new CloudwatchEventRule(this, `rule-${region}`, {
        provider,
        name: ROOT_ACTIVITY_FORWARD_RULE_NAME,
        description: `org-root-access: forwards sts:AssumeRoot events in ${region} to ${props.homeBusArn}; managed by terraform`,
        eventPattern: JSON.stringify(forwardPattern()),
        state: ROOT_ACTIVITY_RULE_STATE,
        dependsOn: props.dependsOn ? [...props.dependsOn] : undefined,
      });
      rule.overrideLogicalId(`root-activity-forward-${props.label}-${region}`);
      const target = new CloudwatchEventTarget(this, `target-${region}`, {
        provider,
        rule: rule.name,
        targetId: "alerting-bus",
        arn: props.homeBusArn,
        roleArn: role.arn,
      });
      target.overrideLogicalId(`root-activity-forward-${props.label}-${region}`);
    }
  }
}
