// Lists of account ids in what people read (the plan summary, the audit's Markdown, the doctor's report): counts
// first, a few dozen ids inline, more in a collapsed block, and past that the pointer to the full list, so that
// a pull-request comment (at most 65,536 characters) holds the report of an organization of 10,000 accounts.

/** How many ids are shown inline. */
const INLINE_IDS = 30;

/** How many ids a collapsed block holds: 2,000 ids are about 28,000 characters. */
const FOLDED_IDS = 2_000;

/** "111, 222, 333", or "111, 222, ... (and 9,970 more)" past {@link INLINE_IDS}. */
export function inlineIds(ids: readonly string[], limit = INLINE_IDS): string {
  if (ids.length <= limit) return ids.join(", ");
  return `${ids.slice(0, limit).join(", ")}, ... (and ${(ids.length - limit).toLocaleString("en-US")} more)`;
}

/**
 * Markdown for a long list, to follow a line that names it: nothing when it fits inline; else a collapsed
 * `<details>` block with up to {@link FOLDED_IDS} ids, and where the rest are when there are more. `indent` puts
 * the block inside a list item.
 */
export function foldedIds(ids: readonly string[], what: string, rest: string, indent = ""): string {
  if (ids.length <= INLINE_IDS) return "";
  const shown = ids.slice(0, FOLDED_IDS);
  const more =
    ids.length > shown.length ? [``, `... and ${(ids.length - shown.length).toLocaleString("en-US")} more: ${rest}`] : [];
  return [
    "",
    "",
    `<details><summary>${what}: ${ids.length.toLocaleString("en-US")}</summary>`,
    "",
    shown.join(" "),
    ...more,
    "",
    "</details>",
  ]
    .map((line) => (line === "" ? "" : `${indent}${line}`))
    .join("\n");
}
