import { ExpectedError } from "../../scripts/shared/expected-error";

// Every text about the configuration: the file, its JSON, its values. Commands read the configuration too, so
// this module is part of the configuration contract and imports nothing from the rest of stacks/.

/** A configuration that cannot be used; raised before anything is synthesized. */
export class ConfigError extends ExpectedError {
  override readonly name = "ConfigError";
}

/** The whole configuration with every problem found in it: one line for one problem, else one line each. */
export function configInvalid(source: string, problems: readonly string[]): ConfigError {
  if (problems.length === 1) return new ConfigError(`Invalid configuration in ${source}: ${problems[0]}`);
  return new ConfigError(
    `Invalid configuration in ${source} (${problems.length} problems):\n${problems.map((p) => `  - ${p}`).join("\n")}`,
  );
}

/** Largest configuration file read: a real one is a few kilobytes. */
export const MAX_CONFIG_BYTES = 1_000_000;

/** Where a configuration file came from, for the start of a message. */
function configOrigin(file: string, fromEnv: boolean): string {
  return fromEnv ? `ROOT_ACCESS_CONFIG names ${file}` : `The configuration file ${file}`;
}

const POINT_ELSEWHERE = "Point ROOT_ACCESS_CONFIG at a readable JSON file, or unset it.";

/** Problems with the configuration file itself (before its content is read as JSON); each message is one line. */
export const configFileProblem = {
  unreadable: (file: string, cause: unknown, fromEnv: boolean) => {
    const code = (cause as NodeJS.ErrnoException)?.code;
    const reason = code === "ENOENT" ? "it does not exist" : code === "EACCES" ? "it may not be read" : firstLine(cause);
    return new ConfigError(`${configOrigin(file, fromEnv)}, but ${reason}. ${POINT_ELSEWHERE}`);
  },
  notAFile: (file: string, kind: string, fromEnv: boolean) =>
    new ConfigError(`${configOrigin(file, fromEnv)}, but it is ${kind}, not a file. ${POINT_ELSEWHERE}`),
  tooLarge: (file: string, fromEnv: boolean) =>
    new ConfigError(
      `${configOrigin(file, fromEnv)}, but it is larger than a configuration can be (over ${MAX_CONFIG_BYTES} bytes). ${POINT_ELSEWHERE}`,
    ),
  notUtf8: (file: string, fromEnv: boolean) =>
    new ConfigError(`${configOrigin(file, fromEnv)}, but it is not UTF-8 text. Save it as UTF-8.`),
};

const SHAPE = 'The expected shape is { "stacks": [ { "name": "root-access", ... } ] }.';

/** Problems with a configuration file's JSON; each names where it is (line, column, key path) and is one line. */
export const configJsonProblem = {
  byteOrderMark: (file: string) =>
    new ConfigError(
      `Invalid configuration in ${file}: it starts with a byte-order mark (U+FEFF), which JSON does not allow. Save it as UTF-8 without one.`,
    ),
  notJson: (file: string, location: string, what: string) =>
    new ConfigError(`Invalid configuration in ${file}: not valid JSON at ${location}: ${what}. ${SHAPE}`),
  duplicateKey: (file: string, location: string, path: readonly PropertyKey[], key: string, firstLocation: string) =>
    new ConfigError(
      `Invalid configuration in ${file}: ${keyPath([...path, key])} is given twice (${firstLocation} and ${location}); ` +
        `which one counts would depend on the program reading it. Keep one.`,
    ),
  tooDeep: (file: string, location: string, path: readonly PropertyKey[], limit: number) =>
    new ConfigError(
      `Invalid configuration in ${file}: ${keyPath(path)} nests values more than ${limit} levels deep (${location}); ` +
        `a configuration is a few levels deep. ${SHAPE}`,
    ),
  unrepresentableNumber: (file: string, location: string, path: readonly PropertyKey[], literal: string) =>
    new ConfigError(
      `Invalid configuration in ${file}: ${keyPath(path)}: ${show(literal)} (${location}) is a number JavaScript cannot ` +
        `hold exactly. Use a smaller number.`,
    ),
};

/** `stacks[0].backend.key` for ["stacks", 0, "backend", "key"]; the whole file is "config"; long keys shortened. */
export function keyPath(path: readonly PropertyKey[]): string {
  if (path.length === 0) return "config";
  return path
    .map((key, index) => {
      if (typeof key === "number") return `[${key}]`;
      const name = String(key);
      const text = /^[A-Za-z_$][\w$]{0,39}$/.test(name)
        ? name
        : JSON.stringify(name.length > 40 ? `${name.slice(0, 37)}...` : name);
      return index === 0 ? text : /^"/.test(text) ? `[${text}]` : `.${text}`;
    })
    .join("");
}

function firstLine(cause: unknown): string {
  return String((cause as Error)?.message ?? cause).split("\n")[0];
}

/** No folder above a program holds cdktf.json: the program was copied out of its checkout. */
export function projectRootMissing(from: string): ExpectedError {
  return new ExpectedError(`No cdktf.json in ${from} or above it: run this program from inside its org-root-access checkout.`);
}

/** One line per problem: where it is, the bad value, and what is allowed. */
export const configProblem = {
  wrongType: (path: string, value: unknown, expected: string) => `${path}: ${show(value)} is not ${expected}.`,
  missing: (path: string, expected: string) => `${path}: is missing; expected ${expected}.`,
  unknownKey: (path: string, key: string, allowed: string) => `${path}: unknown key ${show(key)}; ${allowed}.`,
  notOneOf: (path: string, value: unknown, allowed: readonly string[]) =>
    `${path}: ${show(value)} is not allowed; expected one of ${allowed.map((a) => JSON.stringify(a)).join(", ")}.`,
  empty: (path: string, example: string) => `${path}: is empty; list at least one, for example ${example}.`,
  duplicate: (path: string, value: unknown, firstPath: string, why: string) =>
    `${path}: ${show(value)} is already used at ${firstPath}; ${why}.`,
  onlyWith: (path: string, condition: string, remedy: string) => `${path}: is only used ${condition}; ${remedy}.`,
  /** A stack's name, written or defaulted, that an earlier stack's name already takes (letter case aside). */
  nameTaken: (
    stackPath: string,
    name: { readonly value: string; readonly written: boolean },
    firstPath: string,
    first: { readonly value: string; readonly written: boolean },
  ) => {
    const why = "stack names become folder and state file names, so they must differ in more than letter case";
    if (!name.written) {
      return first.written
        ? `${stackPath}: has no "name", so it would be named ${show(name.value)}, which ${firstPath}.name already is` +
            `${first.value === name.value ? "" : " apart from letter case"}; give it a "name" of its own.`
        : `${stackPath}: has no "name", and neither has ${firstPath}: both would be named ${show(name.value)}; give each stack its own "name".`;
    }
    if (!first.written) {
      return `${stackPath}.name: ${show(name.value)} is the name ${firstPath} gets by default (it has no "name"); give ${firstPath} a "name", or this one another.`;
    }
    return first.value === name.value
      ? `${stackPath}.name: ${show(name.value)} is already used at ${firstPath}.name; stack names must be unique: each becomes a folder under cdktf.out/stacks and a state file.`
      : `${stackPath}.name: ${show(name.value)} differs from ${firstPath}.name (${show(first.value)}) only in letter case; ${why} (on macOS and Windows they would be the same).`;
  },
  /** An S3 state object (bucket and key, written or defaulted) that an earlier stack already uses. */
  stateTaken: (
    stackPath: string,
    object: { readonly bucket: string; readonly key: string; readonly written: boolean },
    firstPath: string,
    firstWritten: boolean,
  ) => {
    const why = "each stack needs its own state object, or they would overwrite each other's state";
    if (!object.written) {
      return `${stackPath}.backend: has no "key", so its state object would be ${show(object.key)} in bucket ${show(object.bucket)}, which ${firstPath}.backend.key already is; give it a "key" of its own.`;
    }
    return firstWritten
      ? `${stackPath}.backend.key: ${show(object.key)} is already the key of ${firstPath}.backend.key in bucket ${show(object.bucket)}; ${why}.`
      : `${stackPath}.backend.key: ${show(object.key)} is the key ${firstPath} uses by default (it has no "key") in bucket ${show(object.bucket)}; ${why}.`;
  },
};

function show(value: unknown): string {
  if (typeof value === "string" && value.length > 80) {
    return JSON.stringify(`${value.slice(0, 76)}...`);
  }
  const text = JSON.stringify(value) ?? String(value);
  return text.length > 80 ? `${text.slice(0, 77)}...` : text;
}
