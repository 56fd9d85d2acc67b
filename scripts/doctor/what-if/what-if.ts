import type { Partition } from "../../shared/partitions";
import type { RootTask } from "../../shared/root-tasks";
import type { Check } from "../catalogue";
import type { OrganizationScps } from "../organization-scps";
import type { Caller } from "../root-session-context";
import { Outcome, TaskAccess, evaluateRootSessionAccess } from "../root-session-access";
import { rootTaskChecks } from "../root-session-report";
import { futureOrganization } from "./future-organization";
import type { OrganizationChange } from "./organization-changes";

// What a change to the organization's SCPs and RCPs would do to central root sessions: the organization evaluated
// as it is and as the change would leave it, task by task and account by account, with the doctor's evaluator.

/** The answer: what would stop working, what would start working, what stays broken, and what cannot be known. */
export interface WhatIf {
  /** Task results, after the change, that are worse than before (down to "limited"): they fail the change. */
  readonly wouldBreak: readonly Check[];
  /** Accounts where a task that is blocked (or cannot be told) now would work. */
  readonly wouldFix: readonly { readonly task: RootTask; readonly accounts: readonly string[] }[];
  /** Problems before and after, the same: listed apart, not the change's doing. */
  readonly unchanged: readonly Check[];
  /** Values known only after apply that decide the answer (the whole answer is then "cannot tell"). */
  readonly unknowns: readonly string[];
  readonly notes: readonly string[];
  readonly memberAccounts: number;
}

const RANK: Record<Outcome, number> = { works: 0, limited: 1, "cannot tell": 2, blocked: 3 };

export function whatIf(
  live: OrganizationScps,
  changes: readonly OrganizationChange[],
  options: { readonly partition: Partition; readonly tasks: readonly RootTask[]; readonly caller?: Caller; readonly now?: Date },
): WhatIf {
  const future = futureOrganization(live, changes);
  const before = evaluateRootSessionAccess(live, options);
  const after = evaluateRootSessionAccess(future.organization, options);
  const resultBefore = new Map(before.map((result) => [`${result.task} ${result.account.id}`, result]));
  const broken: TaskAccess[] = [];
  const unchanged: TaskAccess[] = [];
  const fixed = new Map<RootTask, string[]>();
  for (const result of after) {
    const was = resultBefore.get(`${result.task} ${result.account.id}`);
    if (was === undefined || worse(result, was)) {
      // A task worse than before (an account the plan adds counts as one that worked), down to "limited": a
      // region or a bucket that worked before and would not is a loss the change must not hide.
      if (result.outcome !== "works") broken.push(result);
    } else if (
      (was.outcome === "blocked" || was.outcome === "cannot tell") &&
      (result.outcome === "works" || result.outcome === "limited")
    ) {
      fixed.set(result.task, [...(fixed.get(result.task) ?? []), result.account.id]);
    } else if (result.outcome !== "works") unchanged.push(result);
  }
  const notOk = (checks: Check[]) => checks.filter((check) => check.status !== "ok");
  return {
    wouldBreak: notOk(rootTaskChecks(future.organization, options.tasks, broken)),
    wouldFix: [...fixed].map(([task, accounts]) => ({ task, accounts })),
    unchanged: notOk(rootTaskChecks(future.organization, options.tasks, unchanged)),
    unknowns: future.unknowns,
    notes: future.notes,
    memberAccounts: after.length / Math.max(options.tasks.length, 1),
  };
}

/**
 * Whether a task fares worse after than before: a worse outcome, or "limited" both times with a region blocked
 * that was not, or a cause that was not there (a statement that now denies some buckets, say).
 */
function worse(after: TaskAccess, before: TaskAccess): boolean {
  if (RANK[after.outcome] !== RANK[before.outcome]) return RANK[after.outcome] > RANK[before.outcome];
  // Blocked or undecidable before and after: a problem the change leaves as it is, listed apart.
  if (after.outcome !== "limited") return false;
  const causes = new Set(before.causes.map((cause) => JSON.stringify(cause)));
  return (
    after.blockedRegions.some((region) => !before.blockedRegions.includes(region)) ||
    after.causes.some((cause) => !causes.has(JSON.stringify(cause)))
  );
}

/** Whether the change must not land: something would break, or the answer cannot be told. */
export function blocksTheChange(answer: WhatIf): boolean {
  return answer.wouldBreak.length > 0 || answer.unknowns.length > 0;
}

/** The answer as the command prints it. */
export function whatIfReport(answer: WhatIf, changes: readonly OrganizationChange[], source: string): string {
  const lines = [`doctor: what ${source} changes for central root sessions (${answer.memberAccounts} active member accounts)`];
  const read = changes.map(describeChange).join("; ") || "none that decide root sessions";
  lines.push(
    `  changes read: ${read.length > CHANGES_CHARS ? `${read.slice(0, CHANGES_CHARS)}... (--json lists them all)` : read}`,
  );
  // At most RESULTS_SHOWN of a kind, as in the Markdown: a terminal or a log is read by a person.
  const bounded = <T>(items: readonly T[], line: (item: T) => string[]) => [
    ...items.slice(0, RESULTS_SHOWN).flatMap(line),
    ...(items.length > RESULTS_SHOWN ? [`             and ${items.length - RESULTS_SHOWN} more (--json lists them all)`] : []),
  ];
  lines.push(
    ...bounded(answer.wouldBreak, (check) => [
      `WOULD BREAK  ${check.check}: ${check.detail}`,
      ...(check.fix ? [`             fix: ${check.fix}`] : []),
    ]),
    ...bounded(answer.unknowns, (unknown) => [`CANNOT TELL  ${unknown}`]),
    ...bounded(answer.notes, (note) => [`NOTE         ${note}`]),
    ...bounded(answer.wouldFix, ({ task, accounts }) => [
      `WOULD FIX    root task ${task}: would work in ${accounts.length} account(s) where it does not now (${accounts.slice(0, 10).join(", ")}${accounts.length > 10 ? ", ..." : ""})`,
    ]),
    ...bounded(answer.unchanged, (check) => [`UNCHANGED    ${check.check}: ${check.status}, before and after: ${check.detail}`]),
  );
  lines.push("");
  lines.push(
    answer.wouldBreak.length > 0
      ? `The change would break central root sessions (${answer.wouldBreak.length} result(s) above): do not apply it as it is.`
      : answer.unknowns.length > 0
        ? "Cannot tell what the change does to central root sessions (see above): review it, or plan again once the values are known."
        : `The change breaks no central root session${answer.unchanged.length > 0 ? " (the problems it leaves as they are are listed apart)" : ""}.`,
  );
  return lines.join("\n");
}

function describeChange(change: OrganizationChange): string {
  const name = (ref: { id: string } | { created: string } | { unknown: string }) =>
    "id" in ref ? ref.id : "created" in ref ? `the new ${ref.created}` : `(unknown: ${ref.unknown})`;
  switch (change.kind) {
    case "put policy":
      return `${"created" in change.policy ? "create" : "update"} ${change.type} ${change.name} (${change.address})`;
    case "delete policy":
      return `delete ${change.id} (${change.address})`;
    case "attach":
      return `attach ${name(change.policy)} to ${name(change.target)} (${change.address})`;
    case "detach":
      return `detach ${change.policyId} from ${change.targetId} (${change.address})`;
    case "policy types":
      return `policy types become ${change.enabled?.join(", ") ?? "(unknown)"} (${change.address})`;
    case "move":
      return `move ${name(change.account)} to ${name(change.parent)} (${change.address})`;
    case "create unit":
      return `create OU ${change.name} under ${name(change.parent)} (${change.address})`;
    case "delete unit":
      return `delete OU ${change.id} (${change.address})`;
    case "not evaluated":
      return `${change.why} (${change.address})`;
  }
}

/** How many results of one kind the text and the Markdown show; the JSON has every one. */
const RESULTS_SHOWN = 25;
/** How long the list of changes read may be in the text. */
const CHANGES_CHARS = 2_000;
/** How long one result's text may be in the Markdown. */
const DETAIL_CHARS = 1_500;

/**
 * The answer in Markdown, for a pipeline's job summary: the verdict first, then each kind of result. Bounded
 * whatever the organization's size (at most 25 results of a kind, each cut at 1,500 characters, account lists
 * already cut by OU): well under GitHub's 1 MB step summary, and readable.
 */
export function whatIfMarkdown(answer: WhatIf, changes: readonly OrganizationChange[], source: string): string {
  const verdict =
    answer.wouldBreak.length > 0
      ? `**The change would break central root sessions** (${answer.wouldBreak.length} result(s)): do not apply it as it is.`
      : answer.unknowns.length > 0
        ? "**Cannot tell** what the change does to central root sessions (see below)."
        : "The change breaks no central root session.";
  const cut = (text: string) => (text.length > DETAIL_CHARS ? `${text.slice(0, DETAIL_CHARS)}... (--json has it whole)` : text);
  const escape = (text: string) => text.replace(/[\\`*_[\]<>|]/g, (character) => `\\${character}`);
  const section = (title: string, items: readonly string[]) =>
    items.length === 0
      ? []
      : [
          `### ${title}`,
          ...items.slice(0, RESULTS_SHOWN).map((item) => `- ${escape(cut(item))}`),
          ...(items.length > RESULTS_SHOWN ? [`- and ${items.length - RESULTS_SHOWN} more (--json lists them all)`] : []),
          "",
        ];
  return [
    `## Central root sessions: what ${escape(source)} changes`,
    "",
    verdict,
    "",
    `${answer.memberAccounts} active member accounts evaluated. Changes read: ${escape(cut(changes.map(describeChange).join("; ") || "none"))}.`,
    "",
    ...section(
      "Would break",
      answer.wouldBreak.map((check) => `${check.check}: ${check.detail} Fix: ${check.fix ?? ""}`),
    ),
    ...section(
      "Cannot tell until apply",
      answer.unknowns.map((unknown) => `${unknown} is known only after apply`),
    ),
    ...section("Notes", answer.notes),
    ...section(
      "Would start working",
      answer.wouldFix.map(({ task, accounts }) => `root task ${task}: ${accounts.length} account(s)`),
    ),
    ...section(
      "Left as they are",
      answer.unchanged.map((check) => `${check.check} (${check.status}): ${check.detail}`),
    ),
  ].join("\n");
}
