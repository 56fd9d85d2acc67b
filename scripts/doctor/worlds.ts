import { Family, dateOf, ipNumber, parseOperator } from "./conditions";
import type { ReadableStatement } from "./policy-document";
import { variableKeys } from "./policy-variables";
import { KeyState, NotKnown, RequestContext } from "./root-session-context";
import { Pattern, explore, globTokens, literal, pattern, segmentCount } from "./wildcards";

// The values of the keys a request's context does not know (the caller's network, a bucket's tags, ...), as few
// as tell every condition apart: for each way the policies' conditions can answer about such a key, one value
// that answers so (and its absence, where AWS allows it). Evaluating every combination ("world") and comparing
// the answers tells whether the result depends on what is not known: "cannot tell" only when it does. A key
// whose values cannot be enumerated so (a multivalued one, one compared by two kinds of operator or with a policy
// variable, one a policy variable names, or too many combinations) stays not known, and the reason is said: a
// condition on it is unknown, in Kleene's logic.

/**
 * One assignment of the keys that are not known: lowercase key → values, or null for absent. A key whose values
 * cannot be enumerated stays not known, with why (`cannotEnumerate`), so that what the doctor says names it.
 */
export type World = ReadonlyMap<string, WorldValue>;

type WorldValue = readonly string[] | null | { readonly cannotEnumerate: string };

/** At most this many worlds are evaluated; beyond, every key stays not known. */
const MAX_WORLDS = 256;

/** How a statement's condition uses a key that is not known. */
interface Use {
  readonly family: Family;
  readonly base: string;
  readonly values: readonly string[];
}

/**
 * The worlds to evaluate the statements' conditions in: every combination of the values that tell the
 * conditions apart, for each key that is not known in `context`. One empty world when there is no such key.
 */
export function worldsFor(statements: readonly ReadableStatement[], context: RequestContext): World[] {
  const keys = new Map<string, { state: NotKnown; uses: Use[]; cannotEnumerate?: string }>();
  const entry = (key: string, state: NotKnown) => {
    let found = keys.get(key);
    if (found === undefined) keys.set(key, (found = { state, uses: [] }));
    return found;
  };
  for (const statement of statements) {
    for (const [written, block] of Object.entries(statement.condition)) {
      const operator = parseOperator(written);
      for (const [key, values] of Object.entries(block)) {
        const state = context(key);
        if (!isNotKnown(state) || typeof operator === "string") continue;
        const found = entry(key.toLowerCase(), state);
        found.uses.push({ family: operator.family, base: operator.base, values });
        if (statement.variables && values.some((value) => variableKeys(value).length > 0))
          found.cannotEnumerate ??= "a condition compares it with a policy variable";
      }
    }
    // A key named by a policy variable changes what a pattern is: it stays not known.
    for (const key of statement.namedByVariables) {
      const state = context(key);
      if (isNotKnown(state)) entry(key, state).cannotEnumerate ??= "a policy variable names it";
    }
  }
  const axes: [string, (readonly string[] | null)[]][] = [];
  const stays = new Map<string, { readonly cannotEnumerate: string }>();
  for (const [key, { state, uses, cannotEnumerate }] of keys) {
    const candidates = cannotEnumerate === undefined ? candidatesFor(state, uses) : cannotEnumerate;
    if (typeof candidates === "string") stays.set(key, { cannotEnumerate: candidates });
    else axes.push([key, candidates]);
  }
  const count = axes.reduce((product, [, values]) => product * values.length, 1);
  if (count > MAX_WORLDS) {
    const why = `its values and those of ${axes.length - 1} other keys make more than ${MAX_WORLDS} combinations`;
    return [new Map([...stays, ...axes.map(([key]) => [key, { cannotEnumerate: why }] as const)])];
  }
  let worlds: Map<string, WorldValue>[] = [new Map(stays)];
  for (const [key, values] of axes) {
    worlds = worlds.flatMap((world) => values.map((value) => new Map(world).set(key, value)));
  }
  return worlds;
}

/** A world's values of the keys it enumerates (for an example of a request). */
export function valuesOf(world: World): Record<string, readonly string[] | null> {
  const out: Record<string, readonly string[] | null> = {};
  for (const [key, value] of world) if (value === null || !("cannotEnumerate" in value)) out[key] = value;
  return out;
}

/** A request context with a world's values for the keys it does not know. */
export function inWorld(context: RequestContext, world: World): RequestContext {
  if (world.size === 0) return context;
  return (key) => {
    const value = world.get(key.toLowerCase());
    if (value === undefined) return context(key);
    if (value === null) return "absent";
    if ("cannotEnumerate" in value) {
      const state = context(key) as NotKnown;
      return { ...state, notKnown: `${state.notKnown}; its values cannot be enumerated: ${value.cannotEnumerate}` };
    }
    return { present: value, multivalued: false };
  };
}

function isNotKnown(state: KeyState): state is NotKnown {
  return typeof state === "object" && "notKnown" in state;
}

/**
 * The values of a key that tell its conditions apart, null for absent; or why they cannot be enumerated.
 * Text (String, ARN operators): one value per combination of the patterns' answers, explored exactly. Bool keys:
 * "true" and "false". Numbers, dates and addresses: a value in every interval their bounds make. A Null condition
 * asks only whether the key is present: its values ("true", "false") are not values of the key.
 */
function candidatesFor(state: NotKnown, allUses: readonly Use[]): (readonly string[] | null)[] | string {
  if (state.multivalued) return "it is multivalued";
  const absent = state.mayBeAbsent ? [null] : [];
  if (state.possible !== undefined) return state.possible.map((value) => (value === null ? null : [value]));
  const uses = allUses.filter((use) => use.family !== "Null");
  const families = new Set(uses.map((use) => use.family));
  let values: string[] | string;
  if (state.type === "Bool") values = ["true", "false"];
  else if ([...families].every((family) => family === "String" || family === "ARN" || family === "Bool"))
    values =
      state.type === "IPAddress" && families.size > 0 ? "string operators compare an address" : textCandidates(state, uses);
  else if (families.size > 1) values = `operators of ${[...families].join(" and ")} compare it`;
  else if (families.has("Numeric")) values = numberCandidates(uses.flatMap((use) => use.values.map(Number)));
  else if (families.has("Date")) {
    const times = numberCandidates(uses.flatMap((use) => use.values.map(dateOf)));
    values = typeof times === "string" ? times : times.map((time) => new Date(Number(time)).toISOString());
  } else values = addressCandidates(uses.flatMap((use) => use.values));
  return typeof values === "string" ? values : [...absent, ...values.map((value) => [value])];
}

/** Characters for a string no pattern names: the first of these that is not named. */
const FRESH = "qzxj#~%";

function textCandidates(state: NotKnown, uses: readonly Use[]): string[] | string {
  const patterns: Pattern[] = [];
  const characters = new Set<string>();
  for (const use of uses) {
    const ignoreCase = use.base.endsWith("IgnoreCase") || use.family === "Bool";
    for (const value of use.values) {
      for (const char of value) {
        characters.add(char);
        if (ignoreCase) characters.add(char.toLowerCase()).add(char.toUpperCase());
      }
      if (use.family === "ARN") {
        const arn = pattern(globTokens(value), { segments: "arn condition" });
        if (segmentCount(arn) >= 6) patterns.push(arn);
      } else if (use.base === "StringLike" || use.base === "StringNotLike") patterns.push(pattern(globTokens(value)));
      else patterns.push(pattern(literal(value), { ignoreCase }));
    }
  }
  const fresh = [...FRESH].find((char) => !characters.has(char.toLowerCase()) && !characters.has(char.toUpperCase()));
  if (fresh !== undefined) characters.add(fresh);
  // A value's characters are text: a "*" or "?" in a request is a character like any other.
  const domain = state.domain ?? { prefix: "", alphabet: [...characters].join(""), minLength: 0 };
  const found = explore(patterns, {
    ...domain,
    alphabet: [...new Set([...characters, ...(state.domain?.alphabet ?? "")])].join(""),
  });
  return found === undefined ? "its conditions' patterns are too many to explore" : found.map((each) => each.witness);
}

function numberCandidates(bounds: readonly number[]): string[] | string {
  if (bounds.some((bound) => !Number.isFinite(bound)))
    return "a condition compares it with a value that is not a number or a date";
  const sorted = [...new Set(bounds)].sort((a, b) => a - b);
  if (sorted.length === 0) return ["0"];
  const between = sorted.slice(1).map((bound, index) => (bound + sorted[index]) / 2);
  return [...new Set([sorted[0] - 1, ...sorted, ...between, sorted[sorted.length - 1] + 1])].map(String);
}

function addressCandidates(blocks: readonly string[]): string[] | string {
  const bounds: { family: 4 | 6; number: bigint }[] = [];
  for (const block of blocks) {
    const [network, bits] = block.split("/");
    const address = ipNumber(network);
    if (address === undefined) return `a condition compares it with ${JSON.stringify(block)}, which is not an address`;
    const width = address.family === 4 ? 32 : 128;
    const prefix = bits === undefined ? width : Number(bits);
    if (!Number.isInteger(prefix) || prefix < 0 || prefix > width)
      return `a condition compares it with ${JSON.stringify(block)}, whose prefix length is not valid`;
    const size = 1n << BigInt(width - prefix);
    const start = (address.number / size) * size;
    bounds.push({ family: address.family, number: start }, { family: address.family, number: start + size });
  }
  // Membership changes only at a block's first address and just after its last: one address from each interval.
  // And one address of each family outside every block (documentation addresses: RFC 5737, RFC 3849).
  const values = new Set<string>(["192.0.2.254", "2001:db8::fe"]);
  for (const { family, number } of bounds) {
    const max = family === 4 ? 1n << 32n : 1n << 128n;
    if (number < max) values.add(addressText(family, number));
    if (number > 0n) values.add(addressText(family, number - 1n));
  }
  return [...values];
}

function addressText(family: 4 | 6, value: bigint): string {
  if (family === 4) return [24n, 16n, 8n, 0n].map((shift) => String((value >> shift) & 255n)).join(".");
  return Array.from({ length: 8 }, (_, index) => ((value >> BigInt((7 - index) * 16)) & 0xffffn).toString(16)).join(":");
}
