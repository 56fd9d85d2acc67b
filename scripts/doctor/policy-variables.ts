import type { KeyState } from "./root-session-context";
import { Token, globTokens, literal } from "./wildcards";

// IAM's policy variables (IAM User Guide, "IAM policy elements: Variables and tags"): `${key}` is replaced by the
// request's single value of the key; `${key, 'default'}` by the default when the key is absent; `${*}`, `${?}` and
// `${$}` are those characters. A key that is absent (no default) or multivalued cannot be substituted, and AWS says
// the statement "might be invalid": the callers evaluate both readings of that.

const VARIABLE = /\$\{([^}]*)\}/g;

/** The keys a text's variables name, lowercase (`${aws:PrincipalAccount}` → aws:principalaccount). */
export function variableKeys(text: string): string[] {
  return [...text.matchAll(VARIABLE)].map((match) => keyOf(match[1])).filter((key) => !["*", "?", "$"].includes(key));
}

function keyOf(inside: string): string {
  return (/^([^,]+),\s*'(?:[^']|'')*'$/.exec(inside.trim())?.[1] ?? inside).trim().toLowerCase();
}

/** A variable's value: its text; "no value" (absent without a default, or multivalued); or not known (why). */
export type Resolved = string | { readonly noValue: string } | { readonly unknown: readonly string[] };

/** What `${inside}` stands for in a request. */
export function resolveVariable(inside: string, lookup: (key: string) => KeyState): Resolved {
  const name = inside.trim();
  if (name === "*" || name === "?" || name === "$") return name;
  const withDefault = /^([^,]+),\s*'((?:[^']|'')*)'$/.exec(name);
  const key = (withDefault ? withDefault[1] : name).trim();
  const state = lookup(key);
  if (typeof state === "object" && "notKnown" in state) {
    return { unknown: [`the policy variable \${${key}}, whose value is not known (${state.notKnown})`] };
  }
  if (state !== "absent" && (state.multivalued || state.present.length !== 1)) {
    return { noValue: `\${${key}} names a multivalued key, which AWS does not substitute` };
  }
  if (state === "absent") {
    return withDefault ? withDefault[2].replace(/''/g, "'") : { noValue: `\${${key}} has no value in the request` };
  }
  return state.present[0];
}

/**
 * A text with its variables replaced: wildcard tokens (`*`, `?` as written stay wildcards, substituted values are
 * literal). Without variables (a policy not of Version 2012-10-17), the text as it is.
 */
export function substituteVariables(
  text: string,
  lookup: (key: string) => KeyState,
  variables: boolean,
): Token[] | { readonly noValue: string } | { readonly unknown: readonly string[] } {
  if (!variables) return globTokens(text);
  const tokens: Token[] = [];
  let last = 0;
  for (const match of text.matchAll(VARIABLE)) {
    tokens.push(...globTokens(text.slice(last, match.index)));
    const resolved = resolveVariable(match[1], lookup);
    if (typeof resolved !== "string") return resolved;
    tokens.push(...literal(resolved));
    last = match.index + match[0].length;
  }
  tokens.push(...globTokens(text.slice(last)));
  return tokens;
}
