// IAM's wildcards, compiled to small automata, so that a pattern can be tested against one string and a set of
// patterns explored together over every string of a kind (every bucket name, every role ARN of an account): the
// doctor's answers about "some names" are exact, never a sample. Sources: IAM User Guide, "IAM JSON policy
// elements: Action", "Resource" (wildcards in ARN segments) and "Condition operators" (StringLike, ArnLike).

/**
 * One element of a pattern: a literal character, or a wildcard matching a run (`*`) or one character (`?`), of
 * any character or only of those `within` (a class, for the names a domain excludes; IAM has no classes).
 */
export type Token =
  { readonly literal: string } | { readonly any: "run" | "one"; readonly crossesColons: boolean; readonly within?: string };

/** A compiled wildcard pattern. */
export interface Pattern {
  readonly tokens: readonly Token[];
  readonly ignoreCase: boolean;
  /** The pattern as written, for messages. */
  readonly source: string;
}

const RUN: Token = { any: "run", crossesColons: true };
const ONE: Token = { any: "one", crossesColons: true };

/** Text as literal characters: no wildcard (StringEquals, or `${*}` in a value). */
export function literal(text: string): Token[] {
  return [...text].map((char) => ({ literal: char }));
}

/** `*` and `?` anywhere, crossing colons: actions (case-insensitive) and StringLike values. */
export function globTokens(text: string): Token[] {
  return [...text].map((char) => (char === "*" ? RUN : char === "?" ? ONE : { literal: char }));
}

/**
 * A pattern from tokens, with `:` separating ARN segments when `segments` is "resource" or "arn condition".
 * - "resource" (a `Resource`/`NotResource` ARN): wildcards stay inside their segment, except a `*` that ends a
 *   segment, which "can expand to match beyond the colon boundaries"; the sixth segment (the resource part)
 *   runs to the end. An ARN of fewer than six segments matches only when its last segment ends with `*`.
 * - "arn condition" (`ArnLike`, `ArnEquals`): "each of the six colon-delimited components of the ARN is checked
 *   separately": wildcards never cross the first five colons; the value must be an ARN of six parts, and a pattern
 *   of fewer than six parts is not an ARN (the caller decides what that means).
 */
export function pattern(
  tokens: readonly Token[],
  options: { readonly ignoreCase?: boolean; readonly segments?: "resource" | "arn condition"; readonly source?: string } = {},
): Pattern {
  const source =
    options.source ?? tokens.map((token) => ("literal" in token ? token.literal : token.any === "run" ? "*" : "?")).join("");
  if (options.segments === undefined) return { tokens, ignoreCase: options.ignoreCase ?? false, source };
  const out: Token[] = [];
  let colons = 0;
  tokens.forEach((token, index) => {
    const inLastSegment = colons >= 5;
    if ("literal" in token) {
      if (token.literal === ":") colons++;
      out.push(token);
      return;
    }
    const next = tokens[index + 1];
    const endsSegment = next === undefined || ("literal" in next && next.literal === ":");
    const crosses = inLastSegment || (options.segments === "resource" && token.any === "run" && endsSegment);
    out.push({ any: token.any, crossesColons: crosses });
  });
  return { tokens: out, ignoreCase: options.ignoreCase ?? false, source };
}

/** How many `:`-separated segments a pattern's literal colons make (an ARN has six). */
export function segmentCount(value: Pattern): number {
  return value.tokens.filter((token) => "literal" in token && token.literal === ":").length + 1;
}

const compiled = new WeakMap<Pattern, RegExp>();

/** Whether `value` matches the whole pattern. */
export function matches(value: Pattern, text: string): boolean {
  let regex = compiled.get(value);
  if (regex === undefined) {
    const source = value.tokens
      .map((token) => {
        if ("literal" in token) return escape(token.literal);
        const char =
          token.within !== undefined ? `[${[...token.within].map(escape).join("")}]` : token.crossesColons ? "[^]" : "[^:]";
        return token.any === "run" ? `${char}*` : char;
      })
      .join("");
    regex = new RegExp(`^${source}$`, value.ignoreCase ? "i" : "");
    compiled.set(value, regex);
  }
  return regex.test(text);
}

function escape(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\/-]/g, "\\$&");
}

// ---- Automata: the positions a pattern can be at after some characters ----

/** The positions of one pattern after a prefix: a small sorted list, its own key. */
type Positions = readonly number[];

function close(value: Pattern, positions: Iterable<number>): number[] {
  const out = new Set<number>();
  const stack = [...positions];
  while (stack.length > 0) {
    const position = stack.pop()!;
    if (out.has(position)) continue;
    out.add(position);
    const token = value.tokens[position];
    if (token !== undefined && !("literal" in token) && token.any === "run") stack.push(position + 1);
  }
  return [...out].sort((a, b) => a - b);
}

function same(a: string, b: string, ignoreCase: boolean): boolean {
  return ignoreCase ? a.toLowerCase() === b.toLowerCase() : a === b;
}

function step(value: Pattern, positions: Positions, char: string): number[] {
  const next: number[] = [];
  for (const position of positions) {
    const token = value.tokens[position];
    if (token === undefined) continue;
    if ("literal" in token) {
      if (same(token.literal, char, value.ignoreCase)) next.push(position + 1);
    } else if ((token.crossesColons || char !== ":") && (token.within === undefined || token.within.includes(char))) {
      next.push(token.any === "run" ? position : position + 1);
    }
  }
  return close(value, next);
}

/**
 * Where a pattern stands after `text`: two texts that leave every pattern at the same positions are alike for
 * whatever may follow them (the regions in a queue's ARN prefix, say).
 */
export function positionsAfter(value: Pattern, text: string): string {
  const automaton = automatonOf(value);
  return automaton.written(automaton.after(automaton.start, text));
}

function accepts(value: Pattern, positions: Positions): boolean {
  return positions.includes(value.tokens.length);
}

/**
 * The strings to explore: `prefix`, then a middle of `minLength` to `maxLength` characters of `alphabet` (its first
 * character from `first`, its last from `last`, when given) that matches none of the `excluded` patterns, then
 * `suffix`. With `optionalEnding`, the middle may also end with it (counted in `maxLength`: a FIFO queue's ".fifo").
 */
export interface Domain {
  readonly prefix: string;
  readonly alphabet: string;
  readonly minLength: number;
  readonly maxLength?: number;
  readonly first?: string;
  readonly last?: string;
  readonly excluded?: readonly Pattern[];
  readonly optionalEnding?: string;
  readonly suffix?: string;
}

/** One class of strings of a domain that the patterns tell apart: which patterns accept it, and one of them. */
export interface Reachable {
  readonly accepted: readonly boolean[];
  readonly witness: string;
}

/** How many combined states an exploration may visit before it gives up. */
const MAX_STATES = 100_000;

/**
 * Every combination of the patterns' answers that some string of the domain gives, each with the shortest such
 * string, exactly: the patterns' automata run together over the domain breadth first. Undefined when the
 * combination is too large to explore (the caller says it cannot tell).
 */
export function explore(patterns: readonly Pattern[], domain: Domain): Reachable[] | undefined {
  // The same patterns are explored over the same domain again and again (every region, world and account alike).
  const key = `${patterns.map(idOf).join(",")}|${domainKey(domain)}`;
  if (explored.has(key)) return explored.get(key);
  if (explored.size >= MAX_EXPLORED) explored.clear();
  const found = exploreOnce(patterns, domain);
  explored.set(key, found);
  return found;
}

const MAX_EXPLORED = 20_000;
const explored = new Map<string, Reachable[] | undefined>();
const ids = new WeakMap<object, number>();
let nextId = 0;

function idOf(value: object): number {
  let id = ids.get(value);
  if (id === undefined) ids.set(value, (id = nextId++));
  return id;
}

function domainKey(domain: Domain): string {
  const { excluded, ...rest } = domain;
  return `${excluded === undefined ? "" : idOf(excluded)}|${JSON.stringify(rest)}`;
}

function exploreOnce(patterns: readonly Pattern[], domain: Domain): Reachable[] | undefined {
  // The excluded patterns run beside the others, over the middle only: a middle they accept is no name.
  const excluded = domain.excluded ?? [];
  const automata: Machine[] = patterns.map(automatonOf);
  if (excluded.length > 0) automata.push(unionOf(excluded));
  const start = automata.map((automaton, index) =>
    index < patterns.length ? automaton.after(automaton.start, domain.prefix) : automaton.start,
  );
  const found = new Map<string, Reachable>();
  const endings = domain.optionalEnding === undefined ? [""] : ["", domain.optionalEnding];
  const finish = (states: readonly number[], middle: string) => {
    for (const ending of endings) {
      if (domain.maxLength !== undefined && middle.length + ending.length > domain.maxLength) continue;
      const ended = states.map((state, index) => automata[index].after(state, ending));
      if (ended.some((state, index) => index >= patterns.length && automata[index].accepts(state))) continue;
      const accepted = ended
        .slice(0, patterns.length)
        .map((state, index) => automata[index].accepts(automata[index].after(state, domain.suffix ?? "")));
      const key = accepted.map((bit) => (bit ? "1" : "0")).join("");
      if (!found.has(key)) found.set(key, { accepted, witness: `${domain.prefix}${middle}${ending}${domain.suffix ?? ""}` });
    }
  };
  // Two middles that leave every automaton in the same state have the same futures, once both are as long as
  // the minimum (whether a middle ends well was decided when it was made): one of them is enough. Near the
  // maximum, the length left still counts: within the longest pattern (in tokens, and the optional ending).
  const longest = Math.max(1, ...[...patterns, ...excluded].map((value) => value.tokens.length + 1));
  const nearMax = longest + (domain.optionalEnding?.length ?? 0);
  const lengthClass = (length: number) => {
    if (domain.maxLength !== undefined && domain.maxLength - length < nearMax) return -1 - (domain.maxLength - length);
    return Math.min(length, domain.minLength);
  };
  const key = (states: readonly number[], length: number) => `${lengthClass(length)}|${states.join(",")}`;
  // Characters no pattern names behave alike (only wildcards take them): one of each kind is enough.
  const all = [...patterns, ...excluded];
  const alphabet = representatives(all, domain, domain.alphabet);
  const firsts = domain.first === undefined ? alphabet : representatives(all, domain, domain.first);
  const seen = new Set<string>([key(start, 0)]);
  let queue: { states: readonly number[]; middle: string }[] = [{ states: start, middle: "" }];
  if (domain.minLength === 0) finish(start, "");
  while (queue.length > 0) {
    const next: typeof queue = [];
    for (const { states, middle } of queue) {
      for (const char of middle === "" ? firsts : alphabet) {
        const advanced = states.map((state, index) => automata[index].move(state, char));
        // A middle the excluded patterns take whatever follows is no name, and begins none.
        if (excluded.length > 0 && automata[patterns.length].acceptsEverythingAfter(advanced[patterns.length])) continue;
        const text = middle + char;
        const endsWell = domain.last === undefined || domain.last.includes(char);
        if (text.length >= domain.minLength && endsWell) finish(advanced, text);
        if (domain.maxLength !== undefined && text.length >= domain.maxLength) continue;
        const id = key(advanced, text.length);
        if (seen.has(id)) continue;
        seen.add(id);
        if (seen.size > MAX_STATES) return undefined;
        next.push({ states: advanced, middle: text });
      }
    }
    queue = next;
  }
  return [...found.values()];
}

/** An automaton with numbered states. */
interface Machine {
  readonly start: number;
  move(state: number, char: string): number;
  after(state: number, text: string): number;
  accepts(state: number): boolean;
  /** Whether the state accepts whatever follows (a trailing `*` reached): nothing after it changes the answer. */
  acceptsEverythingAfter(state: number): boolean;
}

/**
 * A pattern's automaton with its states numbered and its moves remembered: the same patterns are explored over
 * and over (every account, every region), and most moves repeat.
 */
class Automaton implements Machine {
  private readonly numbers = new Map<string, number>();
  private readonly positions: Positions[] = [];
  private readonly moves: Map<string, number>[] = [];
  private readonly texts: Map<string, number>[] = [];
  readonly start: number;

  constructor(private readonly value: Pattern) {
    this.start = this.number(close(value, [0]));
  }

  move(state: number, char: string): number {
    let known = this.moves[state].get(char);
    if (known === undefined) {
      known = this.number(step(this.value, this.positions[state], char));
      this.moves[state].set(char, known);
    }
    return known;
  }

  after(state: number, text: string): number {
    if (text === "") return state;
    let known = this.texts[state].get(text);
    if (known === undefined) {
      known = [...text].reduce((at, char) => this.move(at, char), state);
      if (this.texts[state].size < 1_000) this.texts[state].set(text, known);
    }
    return known;
  }

  accepts(state: number): boolean {
    return accepts(this.value, this.positions[state]);
  }

  acceptsEverythingAfter(state: number): boolean {
    const last = this.value.tokens[this.value.tokens.length - 1];
    const open = last !== undefined && "any" in last && last.any === "run" && last.crossesColons && last.within === undefined;
    return open && this.positions[state].includes(this.value.tokens.length - 1);
  }

  /** The state's positions, written out: equal for equal states. */
  written(state: number): string {
    return this.positions[state].join(",");
  }

  private number(positions: Positions): number {
    const written = positions.join(",");
    let known = this.numbers.get(written);
    if (known === undefined) {
      known = this.positions.length;
      this.numbers.set(written, known);
      this.positions.push(positions);
      this.moves.push(new Map());
      this.texts.push(new Map());
    }
    return known;
  }
}

/** Several patterns as one automaton that accepts what any of them accepts (fewer moves than each apart). */
class Union implements Machine {
  private readonly numbers = new Map<string, number>();
  private readonly tuples: (readonly number[])[] = [];
  private readonly moves: Map<string, number>[] = [];
  readonly start: number;

  constructor(private readonly parts: readonly Automaton[]) {
    this.start = this.number(parts.map((part) => part.start));
  }

  move(state: number, char: string): number {
    if (state === this.foreverState) return state;
    let known = this.moves[state].get(char);
    if (known === undefined) {
      const tuple = this.tuples[state].map((at, index) => this.parts[index].move(at, char));
      // Once one part accepts everything after, so does the union: one state for all of them.
      known = tuple.some((at, index) => this.parts[index].acceptsEverythingAfter(at)) ? this.forever() : this.number(tuple);
      this.moves[state].set(char, known);
    }
    return known;
  }

  acceptsEverythingAfter(state: number): boolean {
    return state === this.foreverState;
  }

  private foreverState = -1;

  private forever(): number {
    if (this.foreverState < 0) {
      this.foreverState = this.tuples.length;
      this.tuples.push([]);
      this.moves.push(new Map());
    }
    return this.foreverState;
  }

  after(state: number, text: string): number {
    return [...text].reduce((at, char) => this.move(at, char), state);
  }

  accepts(state: number): boolean {
    return state === this.foreverState || this.tuples[state].some((at, index) => this.parts[index].accepts(at));
  }

  private number(tuple: readonly number[]): number {
    const written = tuple.join(",");
    let known = this.numbers.get(written);
    if (known === undefined) {
      known = this.tuples.length;
      this.numbers.set(written, known);
      this.tuples.push(tuple);
      this.moves.push(new Map());
    }
    return known;
  }
}

const unions = new WeakMap<readonly Pattern[], Union>();

function unionOf(patterns: readonly Pattern[]): Union {
  let found = unions.get(patterns);
  if (found === undefined) unions.set(patterns, (found = new Union(patterns.map(automatonOf))));
  return found;
}

const automata = new WeakMap<Pattern, Automaton>();

function automatonOf(value: Pattern): Automaton {
  let found = automata.get(value);
  if (found === undefined) automata.set(value, (found = new Automaton(value)));
  return found;
}

/**
 * The characters of `allowed` that can make a difference: every one a pattern names literally (in either case for
 * a case-insensitive pattern), ":" (wildcards inside an ARN segment stop there), and one of the others for each
 * way the domain treats a character (whether a name may start or end with it).
 */
function representatives(patterns: readonly Pattern[], domain: Domain, allowed: string): string[] {
  const named = new Set([":"]);
  for (const value of patterns) {
    for (const token of value.tokens) {
      if (!("literal" in token)) continue;
      named.add(token.literal);
      if (value.ignoreCase) named.add(token.literal.toLowerCase()).add(token.literal.toUpperCase());
    }
  }
  const out: string[] = [];
  const kinds = new Set<string>();
  for (const char of new Set(allowed)) {
    if (named.has(char)) {
      out.push(char);
      continue;
    }
    const classes = patterns.flatMap((value) =>
      value.tokens.flatMap((token) => ("within" in token && token.within !== undefined ? [token.within.includes(char)] : [])),
    );
    const kind = `${domain.first?.includes(char) ?? true}|${domain.last?.includes(char) ?? true}|${classes.join(",")}`;
    if (kinds.has(kind)) continue;
    kinds.add(kind);
    out.push(char);
  }
  return out;
}
