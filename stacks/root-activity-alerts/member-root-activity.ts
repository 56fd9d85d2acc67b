import { CloudwatchLogMetricFilter } from "@cdktf/provider-aws/lib/cloudwatch-log-metric-filter";
import { CloudwatchMetricAlarm } from "@cdktf/provider-aws/lib/cloudwatch-metric-alarm";
import { Construct } from "constructs";
import { MEMBER_ROOT_ACTIVITY, MEMBER_ROOT_ACTIVITY_NAMESPACE } from "../../scripts/shared/member-root-activity";

/** Props of {@link MemberRootActivity}. */
export interface MemberRootActivityProps {
  /** The log group an organization trail delivers to, in the stack's account and region. */
  readonly logGroupName: string;
  /** Where the alarms go. */
  readonly topicArn: string;
}

/**
 * What member accounts' root users do, seen in the organization trail's log group: a metric filter per kind of
 * root activity (actions, sign-ins, password recovery), and an alarm on each that tells the alerts' topic at the
 * first event in five minutes. CIS's "root usage is monitored", scoped to what centralized root access changes.
 */
export class MemberRootActivity extends Construct {
  constructor(scope: Construct, id: string, props: MemberRootActivityProps) {
    super(scope, id);
    for (const activity of MEMBER_ROOT_ACTIVITY) {
      const filter = new CloudwatchLogMetricFilter(this, `filter-${activity.metric}`, {
        name: activity.name,
        logGroupName: props.logGroupName,
        pattern: activity.filterPattern,
        metricTransformation: { name: activity.metric, namespace: MEMBER_ROOT_ACTIVITY_NAMESPACE, value: "1" },
      });
      filter.overrideLogicalId(activity.name);
      const alarm = new CloudwatchMetricAlarm(this, `alarm-${activity.metric}`, {
        alarmName: activity.name,
        alarmDescription: `org-root-access: ${activity.description} (organization trail ${props.logGroupName}); managed by terraform`,
        namespace: MEMBER_ROOT_ACTIVITY_NAMESPACE,
        metricName: activity.metric,
        statistic: "Sum",
        period: 300,
        evaluationPeriods: 1,
        threshold: 1,
        comparisonOperator: "GreaterThanOrEqualToThreshold",
        treatMissingData: "notBreaching",
        alarmActions: [props.topicArn],
        dependsOn: [filter],
      });
      alarm.overrideLogicalId(activity.name);
    }
  }
}
