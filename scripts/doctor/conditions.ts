import { KeyState, KeyType, contextFact } from "./root-session-context";
import { Truth, allOf, anyOf, isUnknown, not, unknownBecause } from "./truth";
import { substituteVariables } from "./policy-variables";
import { Pattern, Token, matches, pattern, segmentCount } from "./wildcards";

// A statement's Condition element for one request, by AWS's rules (IAM User Guide, "IAM JSON policy elements:
// Condition operators", "Single-valued vs. multivalued context keys", "IAM policy elements: Variables and tags").
// The request context is complete here: every key is present with its values, absent, or not known (its value
// varies between the worlds the evaluator considers, and a key left not known makes the condition unknown).

/** The operators AWS documents, by family. */
const FAMILIES = {
  String: [
    "StringEquals",
    "StringNotEquals",
    "StringEqualsIgnoreCase",
    "StringNotEqualsIgnoreCase",
    "StringLike",
    "StringNotLike",
  ],
  Numeric: [
    "NumericEquals",
    "NumericNotEquals",
    "NumericLessThan",
    "NumericLessThanEquals",
    "NumericGreaterThan",
    "NumericGreaterThanEquals",
  ],
  Date: ["DateEquals", "DateNotEquals", "DateLessThan", "DateLessThanEquals", "DateGreaterThan", "DateGreaterThanEquals"],
  Bool: ["Bool"],
  Binary: ["BinaryEquals"],
  IPAddress: ["IpAddress", "NotIpAddress"],
  ARN: ["ArnEquals", "ArnLike", "ArnNotEquals", "ArnNotLike"],
  Null: ["Null"],
} as const;

/** An operator family. */
export type Family = keyof typeof FAMILIES;

const FAMILY_OF = new Map<string, Family>(
  Object.entries(FAMILIES).flatMap(([family, operators]) => operators.map((operator) => [operator, family as Family])),
);

const NEGATED = new Set([
  "StringNotEquals",
  "StringNotEqualsIgnoreCase",
  "StringNotLike",
  "NumericNotEquals",
  "DateNotEquals",
  "NotIpAddress",
  "ArnNotEquals",
  "ArnNotLike",
]);

/** An operator as AWS spells it: an optional set qualifier, the base operator and IfExists. */
export interface Operator {
  readonly set?: "ForAnyValue" | "ForAllValues";
  readonly base: string;
  readonly family: Family;
  readonly ifExists: boolean;
  readonly negated: boolean;
}

/** The operator, or why it is not one AWS documents (operators are spelled exactly as documented). */
export function parseOperator(written: string): Operator | string {
  const set = written.startsWith("ForAnyValue:")
    ? "ForAnyValue"
    : written.startsWith("ForAllValues:")
      ? "ForAllValues"
      : undefined;
  const rest = set === undefined ? written : written.slice(set.length + 1);
  const ifExists = rest.endsWith("IfExists") && rest !== "IfExists";
  const base = ifExists ? rest.slice(0, -"IfExists".length) : rest;
  const family = FAMILY_OF.get(base);
  if (family === undefined || (ifExists && base === "Null")) {
    const documented = [...FAMILY_OF.keys()].find((name) => name.toLowerCase() === base.toLowerCase().replace(/ifexists$/, ""));
    return documented
      ? `the operator "${written}", which AWS documents only as ${documented}${ifExists ? "IfExists" : ""}`
      : `the operator "${written}", which AWS does not document`;
  }
  if (set === undefined && /^for(any|all)values:/i.test(written)) {
    return `the operator "${written}", whose set qualifier AWS documents only as ForAnyValue: or ForAllValues:`;
  }
  return { set, base, family, ifExists, negated: NEGATED.has(base) };
}

/** What a condition is evaluated against: the request's context, and whether policy variables are substituted. */
export interface ConditionContext {
  readonly lookup: (key: string) => KeyState;
  readonly variables: boolean;
}

/** A statement's Condition: every operator and key must hold (AND); a key's values are ORed. */
export function conditionHolds(
  condition: Readonly<Record<string, Readonly<Record<string, readonly string[]>>>>,
  context: ConditionContext,
): Truth {
  const truths: Truth[] = [];
  for (const [written, block] of Object.entries(condition)) {
    for (const [key, values] of Object.entries(block)) {
      const truth = evaluateCondition(written, key, values, context);
      if (truth === false) return false;
      truths.push(truth);
    }
  }
  return allOf(truths);
}

/** One operator on one key with the policy's values. */
export function evaluateCondition(
  written: string,
  key: string,
  policyValues: readonly string[],
  context: ConditionContext,
): Truth {
  const operator = parseOperator(written);
  const where = `${written} on ${key}`;
  if (typeof operator === "string") return unknownBecause(operator);
  const state = context.lookup(key);
  if (typeof state === "object" && "notKnown" in state) {
    return unknownBecause(`${where}: the value of ${key}, which is not known (${state.notKnown})`);
  }
  if (operator.family === "Null") {
    const expected = policyValues.map((value) => value.toLowerCase());
    if (!expected.every((value) => value === "true" || value === "false"))
      return unknownBecause(`${where}: a value other than "true" or "false"`);
    // Null "true": the key is absent; "false": present. Several values are ORed.
    return expected.includes(state === "absent" ? "true" : "false");
  }
  if (state === "absent") {
    // IfExists: "if the key is not present, the condition is true". A set operator: ForAllValues is true on a
    // missing key, ForAnyValue false. Otherwise a missing key matches nothing: a negated operator holds.
    if (operator.ifExists) return true;
    if (operator.set === "ForAllValues") return true;
    if (operator.set === "ForAnyValue") return false;
    return operator.negated;
  }
  if (operator.set === undefined && state.multivalued) {
    return unknownBecause(
      `${where}: ${key} is multivalued and needs ForAnyValue: or ForAllValues:, which AWS does not document the absence of`,
    );
  }
  // A key the table does not type (a service's own, given a value by the world being evaluated) takes any family.
  const type = contextFact(key)?.type;
  const mismatch = type && typeMismatch(operator.family, type);
  if (mismatch) return unknownBecause(`${where}: ${mismatch}`);
  if (operator.set !== undefined && !state.multivalued) {
    return unknownBecause(
      `${where}: ${operator.set}: on the single-valued key ${key}, whose result AWS does not document (it says not to)`,
    );
  }
  const expected: Expected[] = [];
  const noValue: string[] = [];
  for (const value of policyValues) {
    const substituted = substituteVariables(value, context.lookup, context.variables);
    if (isUnknown(substituted)) return { unknown: substituted.unknown.map((why) => `${where}: ${why}`) };
    if ("noValue" in substituted) noValue.push(substituted.noValue);
    else expected.push({ tokens: substituted, text: textOf(substituted) });
  }
  const matchOne = matcher(operator.family, operator.base);
  // For each request value: whether it matches any policy value (OR), negated for a Not operator (a NOR).
  const holdsFor = (requestValue: string): Truth => {
    const truths = expected.map((item) => matchOne(requestValue, item));
    return operator.negated ? not(anyOf(truths)) : anyOf(truths);
  };
  const results = state.present.map(holdsFor);
  const holds = operator.set === "ForAllValues" ? allOf(results) : anyOf(results);
  if (noValue.length === 0) return holds;
  // A policy variable with no value: AWS says the whole statement "might be invalid" (it applies to nothing: the
  // condition is false), or the value matches nothing (the others are compared). Both are evaluated; where they
  // differ, it cannot be told.
  if (holds === false) return false;
  return unknownBecause(
    `${where}: ${noValue.join("; ")}, and AWS says the whole statement might then be invalid: read so, the statement ` +
      "applies to nothing; read as a value that matches nothing, it applies",
  );
}

function textOf(tokens: readonly Token[]): string {
  return tokens.map((token) => ("literal" in token ? token.literal : token.any === "run" ? "*" : "?")).join("");
}

// Which operator families a key's values can be compared with: strings with the string, ARN and Bool operators
// (Bool compares "true"/"false"), the others with their own. AWS does not define a numeric comparison of an ARN.
function typeMismatch(family: Family, type: KeyType): string | undefined {
  const fits: Record<KeyType, readonly Family[]> = {
    String: ["String", "ARN", "Bool"],
    ARN: ["String", "ARN"],
    Bool: ["String", "Bool"],
    Date: ["Date", "Numeric"],
    Numeric: ["Numeric"],
    IPAddress: ["IPAddress", "String"],
  };
  return fits[type].includes(family) ? undefined : `a ${family} comparison of a ${type} key, which AWS does not define`;
}

/** A policy value after substitution: tokens for the pattern families, the text for the others. */
interface Expected {
  readonly tokens: readonly Token[];
  readonly text: string;
}

type Matcher = (requestValue: string, expected: Expected) => Truth;

const compiledPatterns = new Map<string, Pattern>();

function matcher(family: Family, base: string): Matcher {
  const compiled = (expected: Expected, build: () => Pattern) => {
    // One pattern for each written value, across every request: its automaton and regular expression are built once.
    const key = `${family}|${expected.tokens.map((token) => ("literal" in token ? `'${token.literal}` : token.any)).join("")}`;
    let found = compiledPatterns.get(key);
    if (found === undefined) {
      if (compiledPatterns.size >= 10_000) compiledPatterns.clear();
      compiledPatterns.set(key, (found = build()));
    }
    return found;
  };
  switch (family) {
    case "String":
      if (base === "StringLike" || base === "StringNotLike")
        return (value, expected) =>
          matches(
            compiled(expected, () => pattern(expected.tokens)),
            value,
          );
      if (base.endsWith("IgnoreCase")) return (value, expected) => value.toLowerCase() === expected.text.toLowerCase();
      return (value, expected) => value === expected.text;
    case "ARN":
      return (value, expected) => {
        const arn = compiled(expected, () => pattern(expected.tokens, { segments: "arn condition" }));
        if (segmentCount(arn) < 6) return unknownBecause(`${JSON.stringify(expected.text)} is not an ARN of six parts`);
        return value.split(":").length >= 6 && matches(arn, value);
      };
    case "Bool":
      return (value, expected) => {
        const text = expected.text.toLowerCase();
        if (text !== "true" && text !== "false") return unknownBecause(`a Bool value other than "true" or "false"`);
        return value.toLowerCase() === text;
      };
    case "Numeric":
      return (value, expected) => compareNumbers(Number(value), Number(expected.text), base);
    case "Date":
      return (value, expected) => compareNumbers(dateOf(value), dateOf(expected.text), base);
    case "IPAddress":
      return (value, expected) => inNetwork(value, expected.text);
    default:
      return () => unknownBecause(`the ${base} operator, which the doctor does not evaluate`);
  }
}

function compareNumbers(value: number, expected: number, base: string): Truth {
  if (Number.isNaN(value) || Number.isNaN(expected))
    return unknownBecause(`a ${base} comparison of a value that is not a number or a date`);
  if (base.endsWith("LessThanEquals")) return value <= expected;
  if (base.endsWith("GreaterThanEquals")) return value >= expected;
  if (base.endsWith("LessThan")) return value < expected;
  if (base.endsWith("GreaterThan")) return value > expected;
  // Equals and NotEquals (the negation is applied by the caller).
  return value === expected;
}

/** A date as AWS reads it in conditions: ISO 8601, or seconds since 1970. */
export function dateOf(text: string): number {
  return /^\d+$/.test(text) ? Number(text) * 1000 : Date.parse(text);
}

/** Whether an address is in a CIDR block (or is the address), IPv4 or IPv6; unknown for what is not either. */
function inNetwork(address: string, cidr: string): Truth {
  const [network, bits] = cidr.split("/");
  const value = ipNumber(address);
  const base = ipNumber(network);
  if (base === undefined) return unknownBecause(`${JSON.stringify(cidr)} is not an IP address or CIDR block`);
  if (value === undefined || value.family !== base.family) return false;
  const width = base.family === 4 ? 32 : 128;
  const prefix = bits === undefined ? width : Number(bits);
  if (!Number.isInteger(prefix) || prefix < 0 || prefix > width)
    return unknownBecause(`${JSON.stringify(cidr)} has no valid prefix length`);
  const shift = BigInt(width - prefix);
  return value.number >> shift === base.number >> shift;
}

/** An IP address as a number, with its family. */
export function ipNumber(text: string): { readonly family: 4 | 6; readonly number: bigint } | undefined {
  if (/^\d{1,3}(\.\d{1,3}){3}$/.test(text)) {
    const parts = text.split(".").map(Number);
    if (parts.some((part) => part > 255)) return undefined;
    return { family: 4, number: parts.reduce((sum, part) => (sum << 8n) + BigInt(part), 0n) };
  }
  if (!/^[0-9a-fA-F:]+$/.test(text) || !text.includes(":")) return undefined;
  const [head, tail, more] = text.split("::");
  if (more !== undefined) return undefined;
  const groups = (part: string | undefined) => (part ? part.split(":") : []);
  const left = groups(head);
  const right = tail === undefined ? [] : groups(tail);
  const missing = 8 - left.length - right.length;
  if ((tail === undefined && missing !== 0) || missing < 0) return undefined;
  const all = [...left, ...Array<string>(missing).fill("0"), ...right];
  if (all.some((group) => group.length === 0 || group.length > 4)) return undefined;
  return { family: 6, number: all.reduce((sum, group) => (sum << 16n) + BigInt(parseInt(group, 16)), 0n) };
}
