import * as fs from "node:fs";

/** Why a path could not be read as text; the caller words it for its own file. */
export type TextFileProblem =
  | { readonly kind: "unreadable"; readonly cause: unknown }
  | { readonly kind: "not a file"; readonly what: string }
  | { readonly kind: "too large"; readonly limit: number }
  | { readonly kind: "not UTF-8" };

/** A path that could not be read as text, and why. */
export class TextFileError extends Error {
  constructor(readonly problem: TextFileProblem) {
    super(problem.kind);
  }
}

/**
 * A file's UTF-8 text, refusing what cannot be read safely before reading it: a directory, a FIFO (reading
 * one would wait forever), a device, a socket, anything over `maxBytes` (at most one byte more is read, so a
 * file that grows meanwhile is still bounded), and bytes that are not UTF-8. A byte-order mark is kept.
 */
export function readTextFile(file: string, maxBytes: number): string {
  let stat: fs.Stats;
  try {
    stat = fs.statSync(file);
  } catch (cause) {
    throw new TextFileError({ kind: "unreadable", cause });
  }
  if (!stat.isFile()) throw new TextFileError({ kind: "not a file", what: kindOf(stat) });
  if (stat.size > maxBytes) throw new TextFileError({ kind: "too large", limit: maxBytes });
  const chunks: Buffer[] = [];
  let length = 0;
  try {
    const descriptor = fs.openSync(file, fs.constants.O_RDONLY | fs.constants.O_NONBLOCK);
    try {
      // Sized for what stat saw; a file that grows meanwhile is read on, but never past the limit.
      for (let chunk = Buffer.alloc(stat.size + 1); length <= maxBytes; chunk = Buffer.alloc(64 * 1024)) {
        const read = fs.readSync(descriptor, chunk, 0, Math.min(chunk.length, maxBytes + 1 - length), length);
        if (read === 0) break;
        chunks.push(chunk.subarray(0, read));
        length += read;
      }
    } finally {
      fs.closeSync(descriptor);
    }
  } catch (cause) {
    throw new TextFileError({ kind: "unreadable", cause });
  }
  if (length > maxBytes) throw new TextFileError({ kind: "too large", limit: maxBytes });
  const buffer = Buffer.concat(chunks);
  try {
    return new TextDecoder("utf-8", { fatal: true, ignoreBOM: true }).decode(buffer);
  } catch {
    throw new TextFileError({ kind: "not UTF-8" });
  }
}

function kindOf(stat: fs.Stats): string {
  if (stat.isDirectory()) return "a directory";
  if (stat.isFIFO()) return "a named pipe (FIFO)";
  if (stat.isSocket()) return "a socket";
  if (stat.isCharacterDevice() || stat.isBlockDevice()) return "a device";
  return "not a regular file";
}
