import { variableKeys } from "./policy-variables";
import { Pattern, globTokens, pattern } from "./wildcards";

// A service or resource control policy's document, parsed into statements the evaluator reads. Sources: the IAM
// User Guide's policy grammar, AWS Organizations' SCP and RCP syntax. A statement this module cannot read is kept
// as `{ unreadable }`, naming why: it may be a Deny of anything, so the evaluator never takes it as harmless.

/** A readable statement. */
export interface ReadableStatement {
  readonly sid: string;
  readonly effect: "Allow" | "Deny";
  /** `Action` or `NotAction`, compiled (action names are case-insensitive; `*` and `?` anywhere). */
  readonly actions: { readonly negated: boolean; readonly patterns: readonly Pattern[] };
  /** `Resource` or `NotResource`, as written: policy variables are substituted per request. */
  readonly resources: { readonly negated: boolean; readonly patterns: readonly string[] };
  /** Operator → key → values, as written. */
  readonly condition: Readonly<Record<string, Readonly<Record<string, readonly string[]>>>>;
  /** Whether policy variables (`${aws:...}`) are substituted: Version 2012-10-17 only. */
  readonly variables: boolean;
  /** The condition keys and policy variables it names, lowercase (for what a request must know). */
  readonly keys: ReadonlySet<string>;
  /** The keys its policy variables name, lowercase: none unless `variables`. */
  readonly namedByVariables: ReadonlySet<string>;
}

/** A policy statement; one this module cannot read is `{ unreadable }`, naming why. */
export type Statement = ReadableStatement | { readonly sid: string; readonly unreadable: string };

/**
 * The statements of a policy document (its JSON text); a document that is not a policy is one unreadable statement.
 * An SCP takes no Principal; a resource control policy's statements name every principal (`"*"`), and any other
 * Principal is something the evaluator does not evaluate.
 */
export function parsePolicy(content: string, kind: "SCP" | "RCP" = "SCP"): Statement[] {
  let document: unknown;
  try {
    document = JSON.parse(content);
  } catch {
    return [{ sid: "the policy", unreadable: "the policy is not valid JSON" }];
  }
  if (!isRecord(document)) return [{ sid: "the policy", unreadable: "the policy is not a JSON object" }];
  const variables = document.Version === "2012-10-17";
  const statements = Array.isArray(document.Statement) ? document.Statement : [document.Statement];
  return statements.map((statement, index) => parseStatement(statement, index, variables, kind));
}

function parseStatement(raw: unknown, index: number, variables: boolean, kind: "SCP" | "RCP"): Statement {
  const fallbackSid = `statement ${index + 1}`;
  if (!isRecord(raw)) return { sid: fallbackSid, unreadable: "a statement is not a JSON object" };
  const sid = typeof raw.Sid === "string" && raw.Sid !== "" ? raw.Sid : fallbackSid;
  const unreadable = (why: string): Statement => ({ sid, unreadable: why });
  if (raw.Effect !== "Allow" && raw.Effect !== "Deny") {
    return unreadable(`its Effect ${JSON.stringify(raw.Effect)} is neither "Allow" nor "Deny"`);
  }
  if (kind === "SCP" && ("Principal" in raw || "NotPrincipal" in raw))
    return unreadable("it has a Principal, which SCPs do not take");
  if (kind === "RCP" && !everyPrincipal(raw.Principal)) {
    return unreadable(
      `its Principal ${JSON.stringify(raw.Principal ?? raw.NotPrincipal)?.slice(0, 60)}, other than every principal ("*")`,
    );
  }
  const actions = oneOf(raw, "Action", "NotAction");
  if (typeof actions === "string") return unreadable(actions);
  const resources = oneOf(raw, "Resource", "NotResource");
  if (typeof resources === "string") return unreadable(resources);
  const condition: Record<string, Record<string, string[]>> = {};
  const keys = new Set<string>();
  const namedByVariables = new Set<string>();
  if (raw.Condition !== undefined) {
    if (!isRecord(raw.Condition)) return unreadable("its Condition is not an object");
    for (const [operator, block] of Object.entries(raw.Condition)) {
      if (!isRecord(block)) return unreadable(`its ${operator} condition is not an object`);
      condition[operator] = {};
      for (const [key, value] of Object.entries(block)) {
        const values = Array.isArray(value) ? value : [value];
        if (!values.every((item) => ["string", "number", "boolean"].includes(typeof item))) {
          return unreadable(`its ${operator} ${key} values are not strings`);
        }
        condition[operator][key] = values.map(String);
        keys.add(key.toLowerCase());
        if (variables) condition[operator][key].flatMap(variableKeys).forEach((name) => namedByVariables.add(name));
      }
    }
  }
  if (variables) resources.patterns.flatMap(variableKeys).forEach((name) => namedByVariables.add(name));
  namedByVariables.forEach((name) => keys.add(name));
  return {
    sid,
    effect: raw.Effect,
    actions: {
      negated: actions.negated,
      patterns: actions.patterns.map((text) => pattern(globTokens(text), { ignoreCase: true, source: text })),
    },
    resources,
    condition,
    variables,
    keys,
    namedByVariables,
  };
}

// Exactly one of an element and its Not form, each a string or a list of strings.
function oneOf(statement: Record<string, unknown>, element: string, notElement: string) {
  const has = statement[element] !== undefined;
  const hasNot = statement[notElement] !== undefined;
  if (has === hasNot) return `it has ${has ? "both" : "neither"} ${element} and ${notElement}`;
  const value = has ? statement[element] : statement[notElement];
  const patterns = typeof value === "string" ? [value] : value;
  if (!Array.isArray(patterns) || !patterns.every((item) => typeof item === "string")) {
    return `its ${has ? element : notElement} is not a string or a list of strings`;
  }
  return { negated: hasNot, patterns };
}

function everyPrincipal(principal: unknown): boolean {
  return principal === "*" || (isRecord(principal) && Object.keys(principal).length === 1 && principal.AWS === "*");
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}
