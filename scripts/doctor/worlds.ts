import { Family, dateOf, ipNumber, parseOperator } from "./conditions";
import type { ReadableStatement } from "./policy-document";
import { KeyState, NotKnown, RequestContext } from "./root-session-context";
import { Pattern, explore, globTokens, literal, pattern, segmentCount } from "./wildcards";

// The values of the keys a request's context does not know (the caller's network, a bucket's tags, ...), as few
// as tell every condition apart: for each way the policies' conditions can answer about such a key, one value
// that answers so (and its absence, where AWS allows it). Evaluating every combination ("world") and comparing
// the answers tells whether the result depends on what is not known: "cannot tell" only when it does. A key
// whose values cannot be enumerated so (a multivalued one, one compared by two kinds of operator, one named by a
// policy variable) stays not known: a condition on it is unknown, in Kleene's logic.

/** One assignment of the keys that are not known: lowercase key → values, or null for absent. */
export type World = ReadonlyMap<string, readonly string[] | null>;

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
  const uses = new Map<string, { state: NotKnown; uses: Use[]; enumerable: boolean }>();
  const entry = (key: string, state: NotKnown) => {
    let found = uses.get(key);
    if (found === undefined) uses.set(key, (found = { state, uses: [], enumerable: true }));
    return found;
  };
  for (const statement of statements) {
    for (const [written, block] of Object.entries(statement.condition)) {
      const operator = parseOperator(written);
      for (const [key, values] of Object.entries(block)) {
        const state = context(key);
        if (isNotKnown(state) && typeof operator !== "string") {
          const found = entry(key.toLowerCase(), state);
          found.uses.push({ family: operator.family, base: operator.base, values });
          if (statement.variables && values.some((value) => /\$\{/.test(value))) found.enumerable = false;
        }
      }
    }
    // A key named by a policy variable changes what a pattern is: it stays not known.
    if (statement.variables) {
      for (const key of statement.keys) {
        const state = context(key);
        if (isNotKnown(state) && referencedAsVariable(statement, key)) entry(key, state).enumerable = false;
      }
    }
  }
  const axes: [string, (readonly string[] | null)[]][] = [];
  for (const [key, { state, uses: keyUses, enumerable }] of uses) {
    const candidates = enumerable ? candidatesFor(state, keyUses) : undefined;
    if (candidates !== undefined) axes.push([key, candidates]);
  }
  const count = axes.reduce((product, [, values]) => product * values.length, 1);
  if (count > MAX_WORLDS) return [new Map()];
  let worlds = [new Map<string, readonly string[] | null>()];
  for (const [key, values] of axes) {
    worlds = worlds.flatMap((world) => values.map((value) => new Map(world).set(key, value)));
  }
  return worlds;
}

/** A request context with a world's values for the keys it does not know. */
export function inWorld(context: RequestContext, world: World): RequestContext {
  if (world.size === 0) return context;
  return (key) => {
    const values = world.get(key.toLowerCase());
    if (values === undefined) return context(key);
    return values === null ? "absent" : { present: values, multivalued: false };
  };
}

function isNotKnown(state: KeyState): state is NotKnown {
  return typeof state === "object" && "notKnown" in state;
}

function referencedAsVariable(statement: ReadableStatement, key: string): boolean {
  const texts = [
    ...statement.resources.patterns,
    ...Object.values(statement.condition).flatMap((block) => Object.values(block).flat()),
  ];
  return texts.some((text) =>
    [...text.matchAll(/\$\{([^}]*)\}/g)].some((match) => match[1].split(",")[0].trim().toLowerCase() === key),
  );
}

const FRESH = "q";

/**
 * The values of a key that tell its conditions apart, null for absent; undefined when they cannot be enumerated.
 * Text (String, ARN, Bool operators): one value per combination of the patterns' answers, explored exactly.
 * Numbers, dates and addresses: a value in every interval their bounds make.
 */
function candidatesFor(state: NotKnown, uses: readonly Use[]): (readonly string[] | null)[] | undefined {
  if (state.multivalued) return undefined;
  const absent = state.mayBeAbsent ? [null] : [];
  if (state.possible !== undefined) return state.possible.map((value) => (value === null ? null : [value]));
  const families = new Set(uses.map((use) => use.family).filter((family) => family !== "Null"));
  const text = ["String", "ARN", "Bool"];
  let values: string[] | undefined;
  if (families.size === 0) values = [FRESH];
  else if ([...families].every((family) => text.includes(family)) && state.type !== "IPAddress")
    values = textCandidates(state, uses);
  else if (families.size === 1 && families.has("Numeric"))
    values = numberCandidates(uses.flatMap((use) => use.values.map(Number)));
  else if (families.size === 1 && families.has("Date"))
    values = numberCandidates(uses.flatMap((use) => use.values.map(dateOf)))?.map((time) => new Date(Number(time)).toISOString());
  else if (families.size === 1 && families.has("IPAddress")) values = addressCandidates(uses.flatMap((use) => use.values));
  return values === undefined ? undefined : [...absent, ...values.map((value) => [value])];
}

function textCandidates(state: NotKnown, uses: readonly Use[]): string[] | undefined {
  const patterns: Pattern[] = [];
  const characters = new Set(FRESH);
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
  for (const char of state.domain?.alphabet ?? "") characters.add(char);
  const domain = state.domain ?? { prefix: "", alphabet: [...characters].join(""), minLength: 0 };
  return explore(patterns, { ...domain, alphabet: [...characters].filter((char) => char !== "*" && char !== "?").join("") })?.map(
    (found) => found.witness,
  );
}

function numberCandidates(bounds: readonly number[]): string[] | undefined {
  if (bounds.some((bound) => !Number.isFinite(bound))) return undefined;
  const sorted = [...new Set(bounds)].sort((a, b) => a - b);
  if (sorted.length === 0) return ["0"];
  const between = sorted.slice(1).map((bound, index) => (bound + sorted[index]) / 2);
  return [...new Set([sorted[0] - 1, ...sorted, ...between, sorted[sorted.length - 1] + 1])].map(String);
}

function addressCandidates(blocks: readonly string[]): string[] | undefined {
  const bounds: { family: 4 | 6; number: bigint }[] = [];
  for (const block of blocks) {
    const [network, bits] = block.split("/");
    const address = ipNumber(network);
    if (address === undefined) return undefined;
    const width = address.family === 4 ? 32 : 128;
    const prefix = bits === undefined ? width : Number(bits);
    if (!Number.isInteger(prefix) || prefix < 0 || prefix > width) return undefined;
    const size = 1n << BigInt(width - prefix);
    const start = (address.number / size) * size;
    bounds.push({ family: address.family, number: start }, { family: address.family, number: start + size });
  }
  // Membership changes only at a block's first address and just after its last: one address from each interval.
  const values = new Set<string>(["192.0.2.254"]);
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
