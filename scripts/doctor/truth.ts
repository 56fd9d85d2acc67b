import { Domain, Pattern, explore, matches } from "./wildcards";

// The doctor's logic: Kleene's three values (true, false, unknown), and the same for every name a request may
// touch, so that AWS's evaluation reads as it is written ("a Deny applies when its action, its resource and its
// conditions all match") and neither "false" nor "unknown" can be lost by the order in which parts are checked.

/** Unknown: the constructs that made it so, each naming what is not known. */
export interface Unknown {
  readonly unknown: readonly string[];
}

/** A three-valued truth. */
export type Truth = boolean | Unknown;

/** Unknown because of one construct. */
export function unknownBecause(why: string): Unknown {
  return { unknown: [why] };
}

/** Whether a truth (or a value that may be unknown) is unknown. */
export function isUnknown(value: unknown): value is Unknown {
  return typeof value === "object" && value !== null && "unknown" in value;
}

/** Kleene's AND: false wins, then unknown. */
export function allOf(truths: readonly Truth[]): Truth {
  return combine(truths, false);
}

/** Kleene's OR: true wins, then unknown. */
export function anyOf(truths: readonly Truth[]): Truth {
  return combine(truths, true);
}

// The decisive value wins; else the unknowns, their reasons joined; else the other value. (A hot path: loops.)
function combine(truths: readonly Truth[], decisive: boolean): Truth {
  let unknown: Unknown | undefined;
  for (const truth of truths) {
    if (truth === decisive) return decisive;
    if (typeof truth === "object") {
      if (unknown === undefined) unknown = truth;
      else if (truth !== unknown) unknown = { unknown: [...new Set([...unknown.unknown, ...truth.unknown])] };
    }
  }
  return unknown ?? !decisive;
}

/** Kleene's NOT: unknown stays unknown. */
export function not(truth: Truth): Truth {
  return isUnknown(truth) ? truth : !truth;
}

/** A `Resource` or `NotResource` element: the names its patterns cover, or those they do not. */
export interface ResourceElement {
  readonly patterns: readonly Pattern[];
  readonly negated: boolean;
}

/** A truth for each name a request may touch. */
export type NameTruth =
  | { readonly kind: "constant"; readonly value: Truth }
  | { readonly kind: "covered by"; readonly element: ResourceElement }
  | { readonly kind: "not"; readonly of: NameTruth }
  | { readonly kind: "all of" | "any of"; readonly of: readonly NameTruth[] };

const TRUE: NameTruth = { kind: "constant", value: true };
const FALSE: NameTruth = { kind: "constant", value: false };

/** The same truth for every name. */
export function constant(value: Truth): NameTruth {
  return value === true ? TRUE : value === false ? FALSE : { kind: "constant", value };
}

/** True for the names an element covers, false for the others. */
export function coveredBy(element: ResourceElement): NameTruth {
  return { kind: "covered by", element };
}

/** AND over names, simplified where it is constant. */
export function allNames(parts: readonly NameTruth[]): NameTruth {
  return combineNames("all of", parts, allOf, false);
}

/** OR over names, simplified where it is constant. */
export function anyName(parts: readonly NameTruth[]): NameTruth {
  return combineNames("any of", parts, anyOf, true);
}

/** NOT over names. */
export function notNames(part: NameTruth): NameTruth {
  return part.kind === "constant" ? constant(not(part.value)) : { kind: "not", of: part };
}

function combineNames(
  kind: "all of" | "any of",
  parts: readonly NameTruth[],
  combineTruths: (truths: readonly Truth[]) => Truth,
  decisive: boolean,
): NameTruth {
  const constants: Truth[] = [];
  const others: NameTruth[] = [];
  for (const part of parts) {
    for (const each of part.kind === kind ? part.of : [part]) {
      if (each.kind === "constant") {
        if (each.value === decisive) return constant(decisive);
        constants.push(each.value);
      } else others.push(each);
    }
  }
  const combined = combineTruths(constants);
  if (others.length === 0) return constant(combined);
  // The constants that are left are unknown (the decisive value returned above, the neutral one drops out).
  const rest = isUnknown(combined) ? [constant(combined), ...others] : others;
  return rest.length === 1 ? rest[0] : { kind, of: rest };
}

/** The value of a truth for a name, given the elements that cover it. */
function valueFor(truth: NameTruth, covered: ReadonlyMap<ResourceElement, boolean>): Truth {
  switch (truth.kind) {
    case "constant":
      return truth.value;
    case "covered by":
      return covered.get(truth.element)!;
    case "not":
      return not(valueFor(truth.of, covered));
    case "all of":
      return allOf(truth.of.map((part) => valueFor(part, covered)));
    case "any of":
      return anyOf(truth.of.map((part) => valueFor(part, covered)));
  }
}

function elementsOf(truth: NameTruth, into = new Set<ResourceElement>()): Set<ResourceElement> {
  if (truth.kind === "covered by") into.add(truth.element);
  else if (truth.kind === "not") elementsOf(truth.of, into);
  else if (truth.kind !== "constant") for (const part of truth.of) elementsOf(part, into);
  return into;
}

/** What a truth is over every name of a domain: for each value it takes, one name (without the prefix) that gives it. */
export interface OverNames {
  readonly true?: string;
  readonly false?: string;
  readonly unknown?: { readonly name: string; readonly why: readonly string[] };
}

/**
 * The values a truth takes over every name of `domain` (one fixed name when `domain` has no middle), each with an
 * example: exact, by exploring the patterns of its elements together. Too many combinations to explore is
 * unknown, said so.
 */
export function overNames(truth: NameTruth, domain: Domain): OverNames {
  if (truth.kind === "constant") {
    // The same for every name: any one shows it, and the shortest of the domain is found without exploring.
    const name = shortestName(domain);
    const value = truth.value;
    return value === true ? { true: name } : value === false ? { false: name } : { unknown: { name, why: value.unknown } };
  }
  const elements = [...elementsOf(truth)];
  const patterns = elements.flatMap((element) => element.patterns);
  const reachable = explore(patterns, domain);
  if (reachable === undefined) {
    return {
      unknown: {
        name: shortestName(domain),
        why: ["the combination of the Resource patterns, too large to evaluate exactly"],
      },
    };
  }
  const result: { true?: string; false?: string; unknown?: { name: string; why: readonly string[] } } = {};
  for (const { accepted, witness: whole } of reachable) {
    // The name alone: the same name stands for every domain of its kind (a queue's, region by region).
    const witness = whole.slice(domain.prefix.length, whole.length - (domain.suffix?.length ?? 0));
    let offset = 0;
    const covered = new Map<ResourceElement, boolean>();
    for (const element of elements) {
      const hit = accepted.slice(offset, offset + element.patterns.length).some(Boolean);
      covered.set(element, hit !== element.negated);
      offset += element.patterns.length;
    }
    const value = valueFor(truth, covered);
    if (value === true) result.true ??= witness;
    else if (value === false) result.false ??= witness;
    else result.unknown ??= { name: witness, why: value.unknown };
  }
  return result;
}

/** The shortest middle of a domain: its first allowed character, repeated to the minimum length. */
function shortestName(domain: Domain): string {
  if (domain.minLength === 0) return "";
  const first = (domain.first ?? domain.alphabet)[0];
  const last = (domain.last ?? domain.alphabet).includes(first) ? first : (domain.last ?? domain.alphabet)[0];
  return domain.minLength === 1
    ? domain.first === undefined || domain.last === undefined
      ? first
      : last
    : first.repeat(domain.minLength - 1) + last;
}

/** Whether an element covers one concrete resource (an ARN, or `*` for an action that takes none). */
export function elementCovers(element: ResourceElement, resource: string): boolean {
  return element.patterns.some((value) => matches(value, resource)) !== element.negated;
}
