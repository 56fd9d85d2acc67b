import { CloudwatchEventPermission } from "@cdktf/provider-aws/lib/cloudwatch-event-permission";
import { CloudwatchEventRule } from "@cdktf/provider-aws/lib/cloudwatch-event-rule";
import { CloudwatchEventTarget } from "@cdktf/provider-aws/lib/cloudwatch-event-target";
import { DataAwsCallerIdentity } from "@cdktf/provider-aws/lib/data-aws-caller-identity";
import { DataAwsRegions } from "@cdktf/provider-aws/lib/data-aws-regions";
import { SnsTopic } from "@cdktf/provider-aws/lib/sns-topic";
import { SnsTopicPolicy } from "@cdktf/provider-aws/lib/sns-topic-policy";
import { SnsTopicSubscription } from "@cdktf/provider-aws/lib/sns-topic-subscription";
import type { TerraformProvider } from "cdktf";
import { Construct } from "constructs";
import { MEMBER_ROOT_ACTIVITY_PREFIX } from "../../scripts/shared/member-root-activity";
import type { Partition } from "../../scripts/shared/partitions";
import {
  ROOT_ACTIVITY_BUS_PERMISSION_ID,
  ROOT_ACTIVITY_INPUT_PATHS,
  ROOT_ACTIVITY_INPUT_TEMPLATE,
  ROOT_ACTIVITY_REFUSED_INPUT_PATHS,
  ROOT_ACTIVITY_REFUSED_INPUT_TEMPLATE,
  ROOT_ACTIVITY_REFUSED_RULE_NAME,
  ROOT_ACTIVITY_RULE_NAME,
  ROOT_ACTIVITY_RULE_STATE,
  coveredRegions,
  inputPathsMap,
  refusedPattern,
  rootActivityPattern,
} from "../../scripts/shared/root-activity";
import type { RootActivityAlertsConfig } from "../config/schema";
import type { AlertProviders } from "./alert-providers";
import { MemberRootActivity } from "./member-root-activity";
import { RootActivityForwarders } from "./root-activity-forwarders";

/** Props of {@link RootActivityAlerts}. */
export interface RootActivityAlertsProps {
  readonly alerts: RootActivityAlertsConfig;
  /** The stack's region (the home region) and partition. */
  readonly region: string;
  readonly partition: Partition;
  /** IAM's delegated administrator, whose AssumeRoot events are forwarded too. */
  readonly delegatedAdministratorAccountId?: string;
  readonly providers: AlertProviders;
}

/**
 * Root-session alerts wherever AssumeRoot can be called: in the stack's account and region, two EventBridge rules
 * (sessions AWS granted, calls it refused) with an SNS topic as their target, the stack's own (with the policy
 * that lets EventBridge, and CloudWatch alarms, publish, and an email subscription per address) or an existing one;
 * in every other covered region, and in every covered region of IAM's delegated administrator, a rule forwarding
 * AssumeRoot to the home bus. The plan fails while the account has opted in to a region the alerts do not cover.
 */
export class RootActivityAlerts extends Construct {
  constructor(scope: Construct, id: string, props: RootActivityAlertsProps) {
    super(scope, id);
    const { alerts, partition, region, providers } = props;
    const rule = this.rule(
      "rule",
      ROOT_ACTIVITY_RULE_NAME,
      rootActivityPattern(alerts.ignoreCallers, partition),
      "root-activity",
    );
    const refused = this.rule("refused-rule", ROOT_ACTIVITY_REFUSED_RULE_NAME, refusedPattern(), "root-activity-refused");
    const account = new DataAwsCallerIdentity(this, "account");
    account.overrideLogicalId("root-activity");

    const covered = coveredRegions({ region, partition, rootActivityAlerts: alerts });
    this.requireOptedInRegionsCovered("regions", undefined, covered);
    const [delegatedAdministratorHome] = providers.delegatedAdministrator;
    if (delegatedAdministratorHome !== undefined) {
      this.requireOptedInRegionsCovered("delegated-administrator-regions", delegatedAdministratorHome.provider, covered);
    }

    let topicArn = alerts.topicArn;
    if (topicArn === undefined) {
      const topic = new SnsTopic(this, "topic", { name: ROOT_ACTIVITY_RULE_NAME });
      topic.overrideLogicalId("root-activity");
      topicArn = topic.arn;
      const alarms = `arn:${partition}:cloudwatch:${region}:${account.accountId}:alarm:${MEMBER_ROOT_ACTIVITY_PREFIX}*`;
      const policy = new SnsTopicPolicy(this, "topic-policy", {
        arn: topic.arn,
        policy: JSON.stringify({
          Version: "2012-10-17",
          Statement: [
            {
              Sid: "EventBridgePublishesRootSessionAlerts",
              Effect: "Allow",
              Principal: { Service: "events.amazonaws.com" },
              Action: "sns:Publish",
              Resource: topic.arn,
              Condition: { ArnEquals: { "aws:SourceArn": [rule.arn, refused.arn] } },
            },
            ...(alerts.organizationTrailLogGroup === undefined
              ? []
              : [
                  {
                    Sid: "CloudWatchPublishesMemberRootActivityAlarms",
                    Effect: "Allow",
                    Principal: { Service: "cloudwatch.amazonaws.com" },
                    Action: "sns:Publish",
                    Resource: topic.arn,
                    Condition: { ArnLike: { "aws:SourceArn": alarms } },
                  },
                ]),
          ],
        }),
      });
      policy.overrideLogicalId("root-activity");
      for (const [index, address] of (alerts.email ?? []).entries()) {
        const subscription = new SnsTopicSubscription(this, `subscription-${index}`, {
          topicArn: topic.arn,
          protocol: "email",
          endpoint: address,
        });
        subscription.overrideLogicalId(`root-activity-${index}`);
      }
    }

    const targets = [
      { rule, paths: ROOT_ACTIVITY_INPUT_PATHS, template: ROOT_ACTIVITY_INPUT_TEMPLATE, logicalId: "root-activity" },
      {
        rule: refused,
        paths: ROOT_ACTIVITY_REFUSED_INPUT_PATHS,
        template: ROOT_ACTIVITY_REFUSED_INPUT_TEMPLATE,
        logicalId: "root-activity-refused",
      },
    ];
    for (const { rule: source, paths, template, logicalId } of targets) {
      const target = new CloudwatchEventTarget(this, `target-${logicalId}`, {
        rule: source.name,
        targetId: "sns",
        arn: topicArn,
        inputTransformer: { inputPaths: inputPathsMap(paths), inputTemplate: template },
      });
      target.overrideLogicalId(logicalId);
    }

    const homeBusArn = `arn:${partition}:events:${region}:${account.accountId}:event-bus/default`;
    new RootActivityForwarders(this, "management-forwarders", {
      label: "management",
      accountId: account.accountId,
      partition,
      regions: providers.management,
      homeBusArn,
    });
    if (props.delegatedAdministratorAccountId !== undefined && providers.delegatedAdministrator.length > 0) {
      // Added to the home bus's policy as one statement: a policy the bus already has stays as it is.
      const permission = new CloudwatchEventPermission(this, "delegated-administrator-permission", {
        principal: props.delegatedAdministratorAccountId,
        statementId: ROOT_ACTIVITY_BUS_PERMISSION_ID,
        action: "events:PutEvents",
      });
      permission.overrideLogicalId("root-activity-delegated-administrator");
      new RootActivityForwarders(this, "delegated-administrator-forwarders", {
        label: "delegated-administrator",
        accountId: props.delegatedAdministratorAccountId,
        partition,
        iamProvider: providers.delegatedAdministrator[0].provider,
        regions: providers.delegatedAdministrator,
        homeBusArn,
        dependsOn: [permission],
      });
    }

    if (alerts.organizationTrailLogGroup !== undefined) {
      new MemberRootActivity(this, "member-root-activity", { logGroupName: alerts.organizationTrailLogGroup, topicArn });
    }
  }

  private rule(id: string, name: string, pattern: Record<string, unknown>, logicalId: string): CloudwatchEventRule {
    const description =
      name === ROOT_ACTIVITY_RULE_NAME
        ? "org-root-access: a central root session (sts:AssumeRoot) was granted; managed by terraform"
        : "org-root-access: a central root session (sts:AssumeRoot) was refused; managed by terraform";
    const rule = new CloudwatchEventRule(this, id, {
      name,
      description,
      eventPattern: JSON.stringify(pattern),
      state: ROOT_ACTIVITY_RULE_STATE,
    });
    rule.overrideLogicalId(logicalId);
    return rule;
  }

  // The regions an account has opted in to (DescribeRegions): each must be covered, or an AssumeRoot there would
  // raise no alert. Checked at plan time, so that opting in to a region without covering it fails the next plan.
  private requireOptedInRegionsCovered(
    logicalId: string,
    provider: TerraformProvider | undefined,
    covered: readonly string[],
  ): void {
    const list = JSON.stringify(covered);
    const optedIn = new DataAwsRegions(this, logicalId, {
      provider,
      filter: [{ name: "opt-in-status", values: ["opted-in"] }],
      lifecycle: {
        postcondition: [
          {
            condition: `\${length(setsubtract(self.names, ${list})) == 0}`,
            errorMessage:
              `rootActivityAlerts: the account has opted in to \${join(", ", sort(setsubtract(self.names, ${list})))}, which the alerts do not cover: ` +
              "an AssumeRoot there would raise no alert. Nothing was changed. Add them to rootActivityAlerts.regions (without the " +
              "key, the covered regions are those every account has enabled), or disable them in the account.",
          },
        ],
      },
    });
    optedIn.overrideLogicalId(`root-activity-${logicalId}`);
  }
}
