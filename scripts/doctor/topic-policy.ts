import { valuesOf } from "../shared/policy-json";

/**
 * Whether a topic's policy lets EventBridge publish for every one of `ruleArns`: "yes" when, for each rule, an
 * Allow for events.amazonaws.com covers sns:Publish on the topic with no condition or only aws:SourceArn naming
 * the rule; "no" when some rule has no such Allow; otherwise why it cannot tell (a Deny, another condition, a
 * policy it cannot read). Allow statements for other principals (CloudWatch's alarms) change nothing.
 */
export function eventBridgeMayPublish(
  policyText: string | undefined,
  topicArn: string,
  ruleArns: readonly string[],
): "yes" | { readonly no: string } | { readonly cannotTell: string } {
  let statements: Record<string, unknown>[];
  try {
    const policy = JSON.parse(policyText ?? "") as { Statement?: unknown };
    statements = (Array.isArray(policy.Statement) ? policy.Statement : [policy.Statement]) as Record<string, unknown>[];
  } catch {
    return { cannotTell: "cannot be read" };
  }

  const forEvents = (statement: Record<string, unknown>) => {
    const principal = statement.Principal as Record<string, unknown> | string | undefined;
    return (
      principal === "*" || valuesOf((principal as Record<string, unknown> | undefined)?.Service).includes("events.amazonaws.com")
    );
  };
  const publishes = (statement: Record<string, unknown>) =>
    // Action names are case-insensitive (AWS writes "SNS:Publish" in the policies it makes).
    valuesOf(statement.Action).some((action) => ["sns:publish", "sns:*", "*"].includes(String(action).toLowerCase())) &&
    valuesOf(statement.Resource).some((resource) => resource === topicArn || resource === "*");
  if (statements.some((statement) => statement.Effect === "Deny"))
    return { cannotTell: "has a Deny statement, which the doctor does not evaluate" };
  const allows = statements.filter((statement) => statement.Effect === "Allow" && forEvents(statement) && publishes(statement));
  if (allows.length === 0) return { no: ruleArns.join(", ") };
  const onlySourceArn = (condition: unknown, ruleArn: string) => {
    if (condition === undefined) return true;
    const blocks = Object.entries(condition as Record<string, Record<string, unknown>>);
    return blocks.every(
      ([operator, keys]) =>
        (operator === "ArnEquals" || operator === "StringEquals") &&
        Object.entries(keys).every(([key, value]) => key === "aws:SourceArn" && valuesOf(value).includes(ruleArn)),
    );
  };
  const unallowed = ruleArns.filter((ruleArn) => !allows.some((statement) => onlySourceArn(statement.Condition, ruleArn)));
  if (unallowed.length === 0) return "yes";
  return { cannotTell: `has conditions on EventBridge's statement other than aws:SourceArn of ${unallowed.join(", ")}` };
}
