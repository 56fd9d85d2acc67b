import * as fs from "node:fs";
import { ScriptError } from "../aws/aws-errors";

/** What a journal is for: the command, the organization or selection it covers. Two runs share a journal only if equal. */
export interface JournalHeader {
  readonly verb: string;
  readonly scope: string;
}

/**
 * A run's journal: one JSON line per finished account, appended as each finishes, so that a run that dies
 * (SIGKILL included) and is started again with the same journal opens no session for an account already done.
 * A line cut short by the kill is dropped. Only finished accounts are written: one that failed is tried again.
 */
export class Journal<T extends { readonly accountId: string }> {
  private readonly entries = new Map<string, T>();

  private constructor(readonly file: string) {}

  /**
   * Opens `file`: new, or a journal of the same header, whose entries are read. A journal of another run is an
   * error naming both, unless `onMismatch` is "start over" (terraform's step, whose selection changed).
   */
  static open<T extends { readonly accountId: string }>(
    file: string,
    header: JournalHeader,
    onMismatch: "fail" | "start over" = "fail",
  ): Journal<T> {
    const journal = new Journal<T>(file);
    let text: string | undefined;
    try {
      text = fs.readFileSync(file, "utf8");
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== "ENOENT") throw journalUnreadable(file, error);
    }
    const lines = text === undefined ? [] : text.split("\n");
    const written = parse(lines[0]) as (JournalHeader & { journal?: string }) | undefined;
    const same = written?.journal === JOURNAL && written.verb === header.verb && written.scope === header.scope;
    if (text !== undefined && text !== "" && !same) {
      if (onMismatch === "fail") {
        throw new ScriptError(
          `The journal ${file} is ${written?.journal === JOURNAL ? `for ${written.verb} of ${written.scope}` : "not a journal of this program"}, ` +
            `not for ${header.verb} of ${header.scope}. Give another --journal file, or delete it to start over.`,
        );
      }
      text = undefined;
    }
    if (text === undefined || text === "") {
      fs.writeFileSync(file, `${JSON.stringify({ journal: JOURNAL, ...header })}\n`);
      return journal;
    }
    // Every complete line after the header: the last element is "" after a final newline, or a line cut short.
    for (const line of lines.slice(1, -1)) {
      const entry = parse(line) as T | undefined;
      if (entry?.accountId !== undefined) journal.entries.set(entry.accountId, entry);
    }
    if (!text.endsWith("\n")) fs.writeFileSync(file, `${lines.slice(0, -1).join("\n")}\n`);
    return journal;
  }

  /** What the journal says of an account, if it finished in an earlier run. */
  get(accountId: string): T | undefined {
    return this.entries.get(accountId);
  }

  /** How many accounts it holds. */
  get size(): number {
    return this.entries.size;
  }

  /** Writes an account that finished, at once. */
  record(entry: T): void {
    this.entries.set(entry.accountId, entry);
    fs.appendFileSync(this.file, `${JSON.stringify(entry)}\n`);
  }

  /** Removes the journal: the run finished, and the next one starts from the beginning. */
  remove(): void {
    fs.rmSync(this.file, { force: true });
  }
}

const JOURNAL = "org-root-access";

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
