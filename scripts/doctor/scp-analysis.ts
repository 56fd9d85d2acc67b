/**
 * Whether a service control policy denies what central root sessions (sts:AssumeRoot) do. A root session acts as
 * the member account's root user (`arn:aws:iam::<member>:root`) with `aws:AssumedRoot` set to "true", so a
 * classic root-deny SCP (deny when `aws:PrincipalArn` is a root ARN) blocks it unless it is exempted with
 * `"Null": { "aws:AssumedRoot": "true" }`. Pure rules over the policy document: no AWS call.
 *
 * A statement applies only when every one of its conditions holds, so for a root session each condition is
 * evaluated to true, false or unknown. Any false condition means the statement cannot apply; all true means
 * it applies; otherwise the analysis cannot tell, and says so rather than calling the policy ok.
 */

/** The actions of the five root-task policies: what a root session may do, and so what an SCP can break. */
const ROOT_SESSION_ACTIONS = [
  "iam:GetAccountSummary",
  "iam:GetLoginProfile",
  "iam:ListAccessKeys",
  "iam:GetAccessKeyLastUsed",
  "iam:ListMFADevices",
  "iam:ListSigningCertificates",
  "iam:GetUser",
  "iam:DeleteLoginProfile",
  "iam:DeleteAccessKey",
  "iam:DeleteSigningCertificate",
  "iam:DeactivateMFADevice",
  "iam:DeleteVirtualMFADevice",
  "iam:CreateLoginProfile",
  "s3:DeleteBucketPolicy",
  "s3:GetBucketPolicy",
  "s3:ListAllMyBuckets",
  "sqs:DeleteQueuePolicy",
  "sqs:GetQueueAttributes",
  "sqs:SetQueueAttributes",
  "sqs:ListQueues",
] as const;

/** What the analysis found for one policy. */
export type ScpVerdict =
  | { readonly verdict: "ok" }
  | { readonly verdict: "blocks"; readonly statement: string; readonly reason: string }
  | { readonly verdict: "cannot tell"; readonly statement?: string; readonly reason: string };

type Truth = true | false | "unknown";

/** A root session's request context, as far as the keys this analysis knows. */
const SAMPLE_ROOT_ARN = "arn:aws:iam::111122223333:root";

/** Analyses one SCP document (its JSON text, as Organizations returns it). */
export function analyseScp(content: string): ScpVerdict {
  let document: unknown;
  try {
    document = JSON.parse(content);
  } catch {
    return { verdict: "cannot tell", reason: "the policy is not valid JSON" };
  }
  if (!isRecord(document)) return { verdict: "cannot tell", reason: "the policy is not a JSON object" };
  const statements = Array.isArray(document.Statement) ? document.Statement : [document.Statement];
  let unknown: ScpVerdict | undefined;
  for (const [index, statement] of statements.entries()) {
    const name = isRecord(statement) && typeof statement.Sid === "string" ? statement.Sid : `statement ${index + 1}`;
    if (!isRecord(statement)) {
      unknown ??= { verdict: "cannot tell", statement: name, reason: "a statement is not a JSON object" };
      continue;
    }
    if (statement.Effect !== "Deny") continue;
    const actions = deniedRootSessionActions(statement);
    if (actions === "unknown") {
      unknown ??= {
        verdict: "cannot tell",
        statement: name,
        reason: "its Action or NotAction is not a string or list of strings",
      };
      continue;
    }
    if (actions.length === 0) continue;
    const applies = appliesToRootSessions(statement.Condition);
    if (applies.truth === true) {
      return {
        verdict: "blocks",
        statement: name,
        reason: `denies ${summarize(actions)} ${applies.why}, without an aws:AssumedRoot exemption`,
      };
    }
    if (applies.truth === "unknown") unknown ??= { verdict: "cannot tell", statement: name, reason: applies.why };
  }
  return unknown ?? { verdict: "ok" };
}

// The root-session actions a Deny statement covers, through Action or NotAction.
function deniedRootSessionActions(statement: Record<string, unknown>): string[] | "unknown" {
  const listed = statement.Action ?? statement.NotAction;
  const patterns = typeof listed === "string" ? [listed] : listed;
  if (!Array.isArray(patterns) || !patterns.every((item) => typeof item === "string")) return "unknown";
  const matches = (action: string) => patterns.some((pattern: string) => globMatches(pattern, action, true));
  return ROOT_SESSION_ACTIONS.filter((action) => (statement.Action !== undefined ? matches(action) : !matches(action)));
}

function summarize(actions: readonly string[]): string {
  return actions.length === ROOT_SESSION_ACTIONS.length ? "every action of root sessions" : `${actions.join(", ")}`;
}

// Whether all of a statement's conditions hold for a root session.
function appliesToRootSessions(condition: unknown): { truth: Truth; why: string } {
  if (condition === undefined) return { truth: true, why: "to every principal" };
  if (!isRecord(condition)) return { truth: "unknown", why: "its Condition is not an object" };
  let targetsRoot = false;
  const unknowns: string[] = [];
  for (const [operator, block] of Object.entries(condition)) {
    if (!isRecord(block)) return { truth: "unknown", why: `its ${operator} condition is not an object` };
    for (const [key, raw] of Object.entries(block)) {
      const values = typeof raw === "string" || typeof raw === "boolean" ? [String(raw)] : raw;
      if (!Array.isArray(values) || !values.every((value) => typeof value === "string" || typeof value === "boolean")) {
        return { truth: "unknown", why: `its ${operator} ${key} values are not strings` };
      }
      const truth = evaluate(operator, key.toLowerCase(), values.map(String));
      if (truth === false) return { truth: false, why: `its ${operator} ${key} condition exempts root sessions` };
      if (truth === "unknown") unknowns.push(`${operator} on ${key}`);
      if (truth === true && key.toLowerCase() === "aws:principalarn") targetsRoot = true;
    }
  }
  if (unknowns.length > 0) {
    return {
      truth: "unknown",
      why: `whether ${unknowns.join(" and ")} hold${unknowns.length === 1 ? "s" : ""} for root sessions`,
    };
  }
  return { truth: true, why: targetsRoot ? "to member accounts' root users" : "to every principal" };
}

// One condition (operator, key, values) for a root session's request; "unknown" for what the analysis does not model.
function evaluate(operator: string, key: string, values: readonly string[]): Truth {
  const ifExists = operator.endsWith("IfExists");
  const base = ifExists ? operator.slice(0, -"IfExists".length) : operator;
  const value = keyValue(key);
  if (base === "Null") {
    // Null "true": the key is absent; "false": present. Both keys here are present in a root session.
    if (value === undefined) return "unknown";
    return values.some((expected) => expected.toLowerCase() === "false");
  }
  if (value === undefined) return "unknown";
  const stringLike = /^(String|Arn)(Not)?(Equals|Like)(IgnoreCase)?$/.exec(base);
  if (stringLike) {
    const negated = stringLike[2] === "Not";
    const wildcards = stringLike[3] === "Like" || stringLike[1] === "Arn";
    const ignoreCase = stringLike[4] !== undefined || key === "aws:assumedroot";
    const any = values.some((expected) => globMatches(expected, value, ignoreCase, wildcards));
    return negated ? !any : any;
  }
  if (base === "Bool") return values.some((expected) => expected.toLowerCase() === value);
  return "unknown";
}

// The value a root session's request has for the keys this analysis knows; undefined for any other key.
function keyValue(key: string): string | undefined {
  if (key === "aws:principalarn") return SAMPLE_ROOT_ARN;
  if (key === "aws:assumedroot") return "true";
  return undefined;
}

/** IAM's wildcard match: `*` any run of characters, `?` one (only where the operator takes wildcards). */
function globMatches(pattern: string, value: string, ignoreCase: boolean, wildcards = true): boolean {
  const expected = pattern.replace(/:\d{12}:root$/, ":111122223333:root"); // any concrete root ARN targets a root user
  if (!wildcards) return ignoreCase ? expected.toLowerCase() === value.toLowerCase() : expected === value;
  const source = expected
    .split("")
    .map((char) => (char === "*" ? ".*" : char === "?" ? "." : char.replace(/[.+^${}()|[\]\\]/g, "\\$&")))
    .join("");
  return new RegExp(`^${source}$`, ignoreCase ? "i" : "").test(value);
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}
