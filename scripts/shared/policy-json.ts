// Reading IAM policy documents that AWS hands back as JSON (a topic's, a bus's, a role's, a plan's value): the
// grammar lets an element be one value or a list, and a document one statement or a list. Plain functions.

/** The statements of a policy document, whether it holds one or a list; none when it has none. */
export function statementsOf(document: unknown): Record<string, unknown>[] {
  const value = (document as { Statement?: unknown } | null | undefined)?.Statement;
  return (Array.isArray(value) ? value : [value]).filter(
    (statement): statement is Record<string, unknown> => typeof statement === "object" && statement !== null,
  );
}

/** A policy element (Action, Resource, a principal) as a list, whether it is one value or several; none when absent. */
export function valuesOf(value: unknown): unknown[] {
  return Array.isArray(value) ? value : value === undefined ? [] : [value];
}
