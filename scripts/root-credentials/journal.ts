import * as fs from "node:fs";
import { ScriptError } from "../aws/aws-errors";

/** What a journal is for: the command, the organization or selection it covers. Two runs share a journal only if equal. */
export interface JournalHeader {
  readonly verb: string;
  readonly scope: string;
}

/** An entry as the journal keeps it: the caller's, with when the account finished. */
export type Journaled<T> = T & { readonly at: string };

/** How a journal that does not fit (another run's, or older than allowed) is treated. */
export interface JournalPolicy {
  /** "fail": an error naming why; "start over": emptied (terraform's step, whose selection changed). */
  readonly onMismatch?: "fail" | "start over";
  /** A journal started longer ago than this is stale: its results are not today's. */
  readonly maxAgeMs?: number;
  /** Now, for the age (tests). */
  readonly now?: Date;
}

/**
 * A run's journal: one JSON line per finished account, appended as each finishes, so that a run that dies
 * (SIGKILL included) and is started again with the same journal opens no session for an account already done.
 * A line cut short by the kill is dropped. Only finished accounts are written: one that failed is tried again.
 * The journal says when its run started and when each account finished: a result taken from it is an earlier
 * run's, and says how old it is.
 */
export class Journal<T extends { readonly accountId: string }> {
  private readonly entries = new Map<string, Journaled<T>>();

  private constructor(
    readonly file: string,
    /** When the run that started the journal started. */
    readonly started: Date,
  ) {}

  /**
   * Opens `file`: new, or a journal of the same header and not older than allowed, whose entries are read. Any
   * other is an error naming why, unless `onMismatch` is "start over".
   */
  static open<T extends { readonly accountId: string }>(
    file: string,
    header: JournalHeader,
    policy: JournalPolicy = {},
  ): Journal<T> {
    const { onMismatch = "fail", maxAgeMs, now = new Date() } = policy;
    let text: string | undefined;
    try {
      text = fs.readFileSync(file, "utf8");
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== "ENOENT") throw journalUnreadable(file, error);
    }
    const lines = text === undefined ? [] : text.split("\n");
    const written = parse(lines[0]) as (JournalHeader & { journal?: string; started?: string }) | undefined;
    const same = written?.journal === JOURNAL && written.verb === header.verb && written.scope === header.scope;
    const started = written?.started === undefined ? Number.NaN : Date.parse(written.started);
    const stale = maxAgeMs !== undefined && !(now.getTime() - started <= maxAgeMs);
    if (text !== undefined && text !== "" && (!same || stale)) {
      if (onMismatch === "fail") {
        throw new ScriptError(
          !same
            ? `The journal ${file} is ${written?.journal === JOURNAL ? `for ${written.verb} of ${written.scope}` : "not a journal of this program"}, ` +
                `not for ${header.verb} of ${header.scope}. Give another --journal file, or delete it to start over.`
            : `The journal ${file} ${Number.isNaN(started) ? "does not say when its run started (an earlier version wrote it)" : `was started ${age(now.getTime() - started)} ago (${written?.started})`}, ` +
                `longer ago than --journal-max-age ${age(maxAgeMs ?? 0)} allows: its results are not today's. Delete it to start over, ` +
                "or give a longer --journal-max-age.",
        );
      }
      text = undefined;
    }
    if (text === undefined || text === "") {
      fs.writeFileSync(file, `${JSON.stringify({ journal: JOURNAL, ...header, started: now.toISOString() })}\n`);
      return new Journal<T>(file, now);
    }
    const journal = new Journal<T>(file, new Date(started));
    // Every complete line after the header: the last element is "" after a final newline, or a line cut short.
    for (const line of lines.slice(1, -1)) {
      const entry = parse(line) as Journaled<T> | undefined;
      if (entry?.accountId !== undefined && typeof entry.at === "string") journal.entries.set(entry.accountId, entry);
    }
    if (!text.endsWith("\n")) fs.writeFileSync(file, `${lines.slice(0, -1).join("\n")}\n`);
    return journal;
  }

  /** What the journal says of an account, with when it finished, if it finished in an earlier run. */
  get(accountId: string): Journaled<T> | undefined {
    return this.entries.get(accountId);
  }

  /** How many accounts it holds. */
  get size(): number {
    return this.entries.size;
  }

  /** Writes an account that finished, at once, with the time. */
  record(entry: T, at: Date = new Date()): void {
    const journaled = { ...entry, at: at.toISOString() };
    this.entries.set(entry.accountId, journaled);
    fs.appendFileSync(this.file, `${JSON.stringify(journaled)}\n`);
  }

  /** Removes the journal: the run finished, and the next one starts from the beginning. */
  remove(): void {
    fs.rmSync(this.file, { force: true });
  }
}

const JOURNAL = "org-root-access";

/** A duration for people: "40 s", "25 min", "3 h", "2 days". */
export function age(ms: number): string {
  const seconds = Math.max(0, Math.round(ms / 1000));
  if (seconds < 120) return `${seconds} s`;
  if (seconds < 7200) return `${Math.round(seconds / 60)} min`;
  if (seconds < 172_800) return `${Math.round(seconds / 3600)} h`;
  return `${Math.round(seconds / 86_400)} days`;
}

function parse(line: string | undefined): unknown {
  if (line === undefined || line === "") return undefined;
  try {
    return JSON.parse(line);
  } catch {
    return undefined;
  }
}

function journalUnreadable(file: string, cause: unknown): ScriptError {
  return new ScriptError(`The journal ${file} cannot be read (${(cause as Error).message.split("\n")[0]}). Give another file.`, {
    cause,
  });
}
