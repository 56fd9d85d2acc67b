// IAM's policy language, as far as service control policies use it, evaluated for one request whose context is
// partly known. Pure functions, no AWS call. Every answer is exact or says what it could not evaluate: a statement
// applies to a request (for all of the resources the request may touch, for some, for none) or the analysis
// "cannot tell", naming the construct. Sources: the IAM User Guide's policy grammar, condition operators,
// single- vs multivalued keys and policy variables; AWS Organizations' SCP syntax.

/**
 * Whether a statement applies: to every resource the request may touch, to none, to some (which names, as an
 * automaton, so that several statements can be combined exactly), or unknown (why).
 */
export type Coverage = "all" | "none" | { readonly some: NameSet } | { readonly unknown: string };

/** A three-valued truth: known, or unknown with the construct that made it so. */
type Truth = boolean | { readonly unknown: string };

/** A context key's value in the request: its values, and whether AWS documents it as multivalued. */
export interface ContextValue {
  readonly values: readonly string[];
  readonly multivalued: boolean;
}

/**
 * What is known of a request. Keys are lowercase (condition key names are case-insensitive); a key that is not
 * here is unknown: its presence and value may be anything, so a condition on it cannot be told.
 */
export type RequestContext = ReadonlyMap<string, ContextValue>;

/**
 * The resource a request touches: `prefix` exactly, or, with `nameCharacters`, `prefix` followed by any name made of
 * those characters, such as a bucket the doctor does not know. An action that takes no resource touches "*".
 */
export interface ResourceTemplate {
  readonly prefix: string;
  readonly nameCharacters?: string;
  /** The characters a name may start and end with, when narrower than `nameCharacters` (bucket names). */
  readonly edgeCharacters?: string;
}

/** One request a root session makes: an action on a resource, in a context. */
export interface Request {
  readonly action: string;
  readonly resource: ResourceTemplate;
  readonly context: RequestContext;
}

/** A policy statement, parsed; a statement this module cannot read is `{ unreadable }`, naming why. */
export type Statement =
  | {
      readonly sid: string;
      readonly effect: "Allow" | "Deny";
      readonly actions: { readonly negated: boolean; readonly patterns: readonly string[] };
      readonly resources: { readonly negated: boolean; readonly patterns: readonly string[] };
      readonly condition: Readonly<Record<string, Readonly<Record<string, readonly string[]>>>>;
      /** Whether policy variables (`${aws:...}`) are substituted: Version 2012-10-17 only. */
      readonly variables: boolean;
    }
  | { readonly sid: string; readonly unreadable: string };

/**
 * The statements of a policy document (its JSON text); a document that is not a policy is one unreadable statement.
 * An SCP takes no Principal; a resource control policy's statements name every principal (`"*"`), and any other
 * Principal is something this module does not evaluate.
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
      }
    }
  }
  return { sid, effect: raw.Effect, actions, resources, condition, variables };
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
  return { negated: hasNot, patterns: patterns };
}

/** Whether a readable statement applies to the request, and for how much of what it touches. */
export function statementCoverage(statement: Exclude<Statement, { unreadable: string }>, request: Request): Coverage {
  const matchesAction = statement.actions.patterns.some((pattern) => actionMatches(pattern, request.action));
  if (matchesAction === statement.actions.negated) return "none";
  const resources = resourceCoverage(statement, request);
  if (resources === "none") return "none";
  const condition = conditionHolds(statement, request.context);
  if (condition === false) return "none";
  if (typeof resources === "object") return resources;
  if (typeof condition === "object") return condition;
  return resources;
}

// Action names are case-insensitive; `*` and `?` are wildcards anywhere in them.
function actionMatches(pattern: string, action: string): boolean {
  return globMatches(tokens(pattern.toLowerCase()), action.toLowerCase());
}

function resourceCoverage(statement: Exclude<Statement, { unreadable: string }>, request: Request): Coverage {
  // Most statements say "Resource": "*": every resource, no automaton needed.
  if (statement.resources.patterns.includes("*")) return statement.resources.negated ? "none" : "all";
  const patterns: Token[][] = [];
  for (const pattern of statement.resources.patterns) {
    const substituted = substitute(pattern, request.context, statement.variables);
    if (!Array.isArray(substituted)) return { unknown: `the variable ${substituted.variable} in its Resource` };
    patterns.push(substituted);
  }
  const names = new NameSet(patterns, statement.resources.negated, request.resource);
  const covered = names.coverage();
  return covered === "some" ? { some: names } : covered;
}

// ---- Conditions ----

const OPERATORS = new Set([
  "StringEquals",
  "StringNotEquals",
  "StringEqualsIgnoreCase",
  "StringNotEqualsIgnoreCase",
  "StringLike",
  "StringNotLike",
  "NumericEquals",
  "NumericNotEquals",
  "NumericLessThan",
  "NumericLessThanEquals",
  "NumericGreaterThan",
  "NumericGreaterThanEquals",
  "DateEquals",
  "DateNotEquals",
  "DateLessThan",
  "DateLessThanEquals",
  "DateGreaterThan",
  "DateGreaterThanEquals",
  "Bool",
  "BinaryEquals",
  "IpAddress",
  "NotIpAddress",
  "ArnEquals",
  "ArnLike",
  "ArnNotEquals",
  "ArnNotLike",
  "Null",
]);

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

/** The lists of an operator written otherwise than AWS documents it, by lowercase name, for the message. */
const DOCUMENTED_SPELLING = new Map([...OPERATORS].map((operator) => [operator.toLowerCase(), operator]));

// A statement's conditions: all must hold (AND across operators and keys).
function conditionHolds(statement: Exclude<Statement, { unreadable: string }>, context: RequestContext): Truth {
  const unknowns: string[] = [];
  for (const [operator, block] of Object.entries(statement.condition)) {
    for (const [key, values] of Object.entries(block)) {
      const truth = evaluateCondition(operator, key, values, context, statement.variables);
      if (truth === false) return false;
      if (typeof truth === "object") unknowns.push(truth.unknown);
    }
  }
  return unknowns.length === 0 ? true : { unknown: unknowns.join("; ") };
}

/** One condition: an operator, a key and the policy's values, for the request's context. */
function evaluateCondition(
  operator: string,
  key: string,
  policyValues: readonly string[],
  context: RequestContext,
  variables = true,
): Truth {
  const parsed = parseOperator(operator);
  if (typeof parsed === "string") return { unknown: parsed };
  // ...IfExists differs from its base only when the key is absent, and every key evaluated here is present.
  const { set, base } = parsed;
  const value = context.get(key.toLowerCase());
  const where = `${operator} on ${key}`;
  if (base === "Null") {
    if (value === undefined) return { unknown: `${where}: whether a root session's request has ${key}` };
    const expected = policyValues.map((item) => item.toLowerCase());
    if (!expected.every((item) => item === "true" || item === "false"))
      return { unknown: `${where}: a value not "true" or "false"` };
    // Null "true" holds when the key is absent, "false" when present; the key is present here.
    return expected.includes("false");
  }
  if (value === undefined) return { unknown: `${where}: the value of ${key} in a root session's request is not known` };
  if (set === undefined && value.multivalued)
    return { unknown: `${where}: ${key} is multivalued and needs ForAnyValue: or ForAllValues:` };
  if (set !== undefined && !value.multivalued) {
    return { unknown: `${where}: ${set} on the single-valued key ${key}, whose result AWS does not document` };
  }
  const expected: Token[][] = [];
  for (const item of policyValues) {
    const substituted = variables ? substitute(item, context, true) : tokens(item);
    if (!Array.isArray(substituted)) return { unknown: `${where}: the variable ${substituted.variable}` };
    expected.push(substituted);
  }
  const negated = NEGATED.has(base);
  const matchOne = matcher(base);
  if (typeof matchOne === "string") return { unknown: `${where}: ${matchOne}` };
  const holdsFor = (requestValue: string): Truth => {
    let unknown: Truth | undefined;
    for (const item of expected) {
      const matched = matchOne(requestValue, item);
      if (matched === true) return !negated;
      if (typeof matched === "object") unknown = { unknown: `${where}: ${matched.unknown}` };
    }
    return unknown ?? negated;
  };
  const results = value.values.map(holdsFor);
  if (set === "ForAllValues") return combine(results, "all");
  return combine(results, "any");
}

function parseOperator(operator: string) {
  const set = operator.startsWith("ForAnyValue:")
    ? "ForAnyValue"
    : operator.startsWith("ForAllValues:")
      ? "ForAllValues"
      : undefined;
  const rest = set === undefined ? operator : operator.slice(set.length + 1);
  const ifExists = rest.endsWith("IfExists") && rest !== "IfExists";
  const base = ifExists ? rest.slice(0, -"IfExists".length) : rest;
  if (!OPERATORS.has(base) || (ifExists && base === "Null")) {
    const documented = DOCUMENTED_SPELLING.get(base.toLowerCase().replace(/ifexists$/, ""));
    return documented
      ? `the operator "${operator}", which AWS documents only as ${documented}${ifExists ? "IfExists" : ""}`
      : `the operator "${operator}", which AWS does not document`;
  }
  if (/^for(any|all)values:/i.test(operator) && set === undefined) {
    return `the operator "${operator}", whose set qualifier AWS documents only as ForAnyValue: or ForAllValues:`;
  }
  return { set, base, ifExists } as const;
}

type Matcher = (requestValue: string, policyValue: readonly Token[]) => Truth;

// How one request value compares with one policy value, per operator family (the negation is applied outside).
// The policy value is tokens: `*` and `?` are wildcards only where the operator takes them, and `${*}` is always
// a literal asterisk.
function matcher(base: string): Matcher | string {
  switch (base) {
    case "StringEquals":
    case "StringNotEquals":
      return (value, expected) => value === text(expected);
    case "StringEqualsIgnoreCase":
    case "StringNotEqualsIgnoreCase":
      return (value, expected) => value.toLowerCase() === text(expected).toLowerCase();
    case "StringLike":
    case "StringNotLike":
      return (value, expected) => globMatches(expected, value);
    case "ArnEquals":
    case "ArnLike":
    case "ArnNotEquals":
    case "ArnNotLike":
      return arnMatches;
    case "Bool":
      return (value, expected) => value.toLowerCase() === text(expected).toLowerCase();
    default:
      // The keys known for a root session hold strings, ARNs and booleans: a numeric, date, binary or address
      // comparison with them is not something the documentation defines.
      return `a ${base} comparison of a key that holds no such value`;
  }
}

// ARN operators compare each of the six colon-separated parts on its own, each with wildcards.
function arnMatches(value: string, expected: readonly Token[]): Truth {
  const request = arnParts(value);
  const policy = tokenParts(expected);
  if (policy === undefined) return { unknown: `${JSON.stringify(text(expected))} is not an ARN of six parts` };
  if (request === undefined) return false;
  return policy.every((part, index) => globMatches(part, request[index]));
}

function arnParts(arn: string): string[] | undefined {
  const parts = arn.split(":");
  if (parts.length < 6) return undefined;
  return [...parts.slice(0, 5), parts.slice(5).join(":")];
}

// The six parts of a policy's ARN value; only a literal colon separates them.
function tokenParts(value: readonly Token[]): Token[][] | undefined {
  const parts: Token[][] = [[]];
  for (const token of value) {
    if (typeof token === "object" && token.literal === ":" && parts.length < 6) parts.push([]);
    else parts[parts.length - 1].push(token);
  }
  return parts.length === 6 ? parts : undefined;
}

function text(value: readonly Token[]): string {
  return value.map((token) => (typeof token === "object" ? token.literal : token)).join("");
}

function combine(results: readonly Truth[], mode: "any" | "all"): Truth {
  const decisive = mode === "any";
  if (results.some((result) => result === decisive)) return decisive;
  const unknown = results.find((result): result is { unknown: string } => typeof result === "object");
  return unknown ?? !decisive;
}

// ---- Policy variables ----

// A Resource pattern or a condition value as wildcard tokens, with policy variables (`${aws:PrincipalAccount}`)
// replaced by the request's value as literal text; `${*}`, `${?}` and `${$}` are the literal characters.
function substitute(pattern: string, context: RequestContext, variables: boolean): Token[] | { variable: string } {
  if (!variables) return tokens(pattern);
  const out: Token[] = [];
  let rest = pattern;
  for (let match = /\$\{([^}]*)\}/.exec(rest); match; match = /\$\{([^}]*)\}/.exec(rest)) {
    out.push(...tokens(rest.slice(0, match.index)));
    const name = match[1];
    if (name === "*" || name === "?" || name === "$") {
      out.push({ literal: name });
    } else {
      const value = context.get(name.trim().toLowerCase());
      if (value === undefined || value.multivalued || value.values.length !== 1) return { variable: match[0] };
      out.push(...[...value.values[0]].map((char) => ({ literal: char })));
    }
    rest = rest.slice(match.index + match[0].length);
  }
  out.push(...tokens(rest));
  return out;
}

// ---- Wildcards ----

type Token = { readonly literal: string } | "*" | "?";

const tokenized = new Map<string, Token[]>();

function tokens(pattern: string): Token[] {
  let found = tokenized.get(pattern);
  if (found === undefined) {
    found = [...pattern].map((char) => (char === "*" ? "*" : char === "?" ? "?" : { literal: char }));
    if (tokenized.size < 10_000) tokenized.set(pattern, found);
  }
  return found;
}

/** Whether a wildcard pattern (`*` any run, `?` one character) matches all of `value`, case-sensitively. */
function globMatches(pattern: readonly Token[], value: string): boolean {
  let compiled = globs.get(pattern);
  if (compiled === undefined) {
    const source = pattern
      .map((token) => (token === "*" ? ".*" : token === "?" ? "." : token.literal.replace(/[.*+?^${}()|[\]\\/]/g, "\\$&")))
      .join("");
    compiled = new RegExp(`^${source}$`, "s");
    globs.set(pattern, compiled);
  }
  return compiled.test(value);
}

// Patterns are compiled once: the doctor matches the same few against thousands of accounts.
const globs = new WeakMap<readonly Token[], RegExp>();

function closure(pattern: readonly Token[], states: ReadonlySet<number>): Set<number> {
  const out = new Set(states);
  for (const state of out) if (pattern[state] === "*") out.add(state + 1);
  return out;
}

function step(pattern: readonly Token[], states: ReadonlySet<number>, char: string): Set<number> {
  const next = new Set<number>();
  for (const state of states) {
    const token = pattern[state];
    if (token === "*") next.add(state);
    else if (token === "?" || (token !== undefined && token.literal === char)) next.add(state + 1);
  }
  return closure(pattern, next);
}

/** A state of a {@link NameSet}'s automaton: the positions reached in each pattern. */
type NameState = readonly (readonly [number, number])[];

/**
 * The resources a statement's Resource (or NotResource) patterns cover among those a request may touch: a fixed
 * resource, or `prefix` followed by any name made of `nameCharacters`. Its automaton runs over the name's
 * characters, so several statements can be combined exactly (see {@link combinedCoverage}).
 */
export class NameSet {
  private readonly initial: NameState;

  constructor(
    private readonly patterns: readonly (readonly Token[])[],
    private readonly negated: boolean,
    readonly resource: ResourceTemplate,
  ) {
    let states = this.close(patterns.map((_, index) => [index, 0] as const));
    for (const char of resource.prefix) states = this.next(states, char);
    this.initial = states;
  }

  /** Covers every name, none, or some (names are at least one character). */
  coverage(): "all" | "some" | "none" {
    if (!this.negated && this.patterns.some((pattern) => pattern.length === 1 && pattern[0] === "*")) return "all";
    if (this.resource.nameCharacters === undefined) return this.accepts(this.initial) ? "all" : "none";
    const result = combinedCoverage([this], (accepted) => accepted[0]);
    return typeof result === "string" ? result : "some";
  }

  start(): NameState {
    return this.initial;
  }

  next(states: NameState, char: string): NameState {
    return this.close(
      states.flatMap(([index, position]) =>
        [...step(this.patterns[index], new Set([position]), char)].map((to) => [index, to] as const),
      ),
    );
  }

  accepts(states: NameState): boolean {
    return states.some(([index, position]) => position === this.patterns[index].length) !== this.negated;
  }

  private close(states: readonly (readonly [number, number])[]): NameState {
    const out = new Map<string, readonly [number, number]>();
    for (const [index, position] of states) {
      for (const closed of closure(this.patterns[index], new Set([position]))) out.set(`${index}:${closed}`, [index, closed]);
    }
    return [...out.values()].sort((a, b) => a[0] - b[0] || a[1] - b[1]);
  }
}

/** How many combined states an exact evaluation may visit before it says it cannot tell. */
const MAX_STATES = 200_000;

/**
 * Whether `holds` (a function of which sets accept a name) is true for every name, none, or some: every set's
 * automaton is run together over every name the template allows, exactly. The sets must share one template.
 */
export function combinedCoverage(
  sets: readonly NameSet[],
  holds: (accepted: readonly boolean[]) => boolean,
): "all" | "some" | "none" | { readonly unknown: string } {
  const template = sets[0]?.resource;
  const alphabet = [...(template?.nameCharacters ?? "")];
  const edges = template?.edgeCharacters ?? template?.nameCharacters ?? "";
  // A state is the sets' states and whether the name so far ends with a character a name may end with.
  const key = (states: readonly NameState[], end: boolean) =>
    `${end}|${states.map((state) => state.map(([i, p]) => `${i}:${p}`).join(",")).join("|")}`;
  const seen = new Set<string>();
  const queue: [NameState[], boolean][] = [...edges].map((char) => [sets.map((set) => set.next(set.start(), char)), true]);
  let some = false;
  let all = true;
  while (queue.length > 0) {
    const [states, end] = queue.pop()!;
    const id = key(states, end);
    if (seen.has(id)) continue;
    seen.add(id);
    if (seen.size > MAX_STATES) return { unknown: "the combination of its Resource patterns, too large to evaluate" };
    if (end) {
      if (holds(states.map((state, index) => sets[index].accepts(state)))) some = true;
      else all = false;
    }
    for (const char of alphabet) queue.push([states.map((state, index) => sets[index].next(state, char)), edges.includes(char)]);
  }
  return all ? "all" : some ? "some" : "none";
}

function everyPrincipal(principal: unknown): boolean {
  return principal === "*" || (isRecord(principal) && Object.keys(principal).length === 1 && principal.AWS === "*");
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}
