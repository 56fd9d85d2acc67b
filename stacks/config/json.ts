import { configJsonProblem } from "./config-errors";

/** How deep values of a configuration file may nest; a real one needs 5. */
const MAX_JSON_DEPTH = 32;

type JsonValue = null | boolean | number | string | JsonValue[] | { [key: string]: JsonValue };

/**
 * JSON.parse for configuration files, stricter where JSON.parse is silently ambiguous: a key given twice in one
 * object (JSON.parse keeps the last, so a second "allowOrganizationDestroy" would win unseen), a number that a
 * JavaScript number cannot hold exactly, and nesting deeper than any configuration needs. Throws a ConfigError
 * whose one line names the file, where the problem is (line, column and key path) and what to do.
 */
export function parseConfigJson(text: string, file: string): unknown {
  return new Parser(text, file).document();
}

class Parser {
  private index = 0;

  constructor(
    private readonly text: string,
    private readonly file: string,
  ) {}

  document(): JsonValue {
    if (this.text.charCodeAt(0) === 0xfeff) {
      throw configJsonProblem.byteOrderMark(this.file);
    }
    this.skipWhitespace();
    const value = this.value([], 0);
    this.skipWhitespace();
    if (this.index < this.text.length) this.fail("more text after the configuration's closing brace");
    return value;
  }

  private value(path: readonly PropertyKey[], depth: number): JsonValue {
    if (depth > MAX_JSON_DEPTH) throw configJsonProblem.tooDeep(this.file, this.location(), path, MAX_JSON_DEPTH);
    const char = this.text[this.index];
    if (char === "{") return this.object(path, depth);
    if (char === "[") return this.array(path, depth);
    if (char === '"') return this.string();
    if (char === "-" || (char >= "0" && char <= "9")) return this.number(path);
    for (const [word, value] of [
      ["true", true],
      ["false", false],
      ["null", null],
    ] as const) {
      if (this.text.startsWith(word, this.index)) {
        this.index += word.length;
        return value;
      }
    }
    return this.fail(char === undefined ? "the file ends where a value should be" : `unexpected ${describe(char)}`);
  }

  private object(path: readonly PropertyKey[], depth: number): { [key: string]: JsonValue } {
    this.index++;
    const result: { [key: string]: JsonValue } = Object.create(null) as { [key: string]: JsonValue };
    const seen = new Map<string, string>();
    this.skipWhitespace();
    if (this.text[this.index] === "}") {
      this.index++;
      return { ...result };
    }
    for (;;) {
      this.skipWhitespace();
      if (this.text[this.index] !== '"') this.fail("expected a key in double quotes");
      const keyLocation = this.location();
      const key = this.string();
      const first = seen.get(key);
      if (first !== undefined) throw configJsonProblem.duplicateKey(this.file, keyLocation, path, key, first);
      seen.set(key, keyLocation);
      this.skipWhitespace();
      if (this.text[this.index] !== ":") this.fail(`expected ":" after the key ${JSON.stringify(key)}`);
      this.index++;
      this.skipWhitespace();
      result[key] = this.value([...path, key], depth + 1);
      this.skipWhitespace();
      const next = this.text[this.index++];
      if (next === "}") return { ...result };
      if (next !== ",") this.fail('expected "," or "}" after a value', -1);
    }
  }

  private array(path: readonly PropertyKey[], depth: number): JsonValue[] {
    this.index++;
    const result: JsonValue[] = [];
    this.skipWhitespace();
    if (this.text[this.index] === "]") {
      this.index++;
      return result;
    }
    for (;;) {
      this.skipWhitespace();
      result.push(this.value([...path, result.length], depth + 1));
      this.skipWhitespace();
      const next = this.text[this.index++];
      if (next === "]") return result;
      if (next !== ",") this.fail('expected "," or "]" after a value', -1);
    }
  }

  private string(): string {
    const start = this.index;
    this.index++;
    for (;;) {
      const char = this.text[this.index];
      if (char === undefined) this.fail("a string is not closed", start - this.index);
      if (char === '"') break;
      if (char < " ") this.fail(`${describe(char)} inside a string (write it as an escape, such as \\n)`);
      if (char === "\\") {
        const escape = this.text[this.index + 1];
        if (escape === "u") {
          if (!/^[0-9a-fA-F]{4}$/.test(this.text.slice(this.index + 2, this.index + 6)))
            this.fail("a \\u escape needs 4 hex digits");
          this.index += 6;
          continue;
        }
        if (escape === undefined || !'"\\/bfnrt'.includes(escape)) this.fail(`unknown escape \\${escape ?? ""}`);
        this.index += 2;
        continue;
      }
      this.index++;
    }
    this.index++;
    return JSON.parse(this.text.slice(start, this.index)) as string;
  }

  private number(path: readonly PropertyKey[]): number {
    const match = /^-?(0|[1-9]\d*)(\.\d+)?([eE][+-]?\d+)?/.exec(this.text.slice(this.index, this.index + 400));
    if (!match) return this.fail("a malformed number");
    const location = this.location();
    this.index += match[0].length;
    const value = Number(match[0]);
    const isInteger = match[2] === undefined && match[3] === undefined;
    if (!Number.isFinite(value) || (isInteger && !Number.isSafeInteger(value))) {
      throw configJsonProblem.unrepresentableNumber(this.file, location, path, match[0]);
    }
    return value;
  }

  private skipWhitespace(): void {
    while (" \t\n\r".includes(this.text[this.index] ?? "x")) this.index++;
  }

  /** "line L, column C" of the current position (or `offset` characters from it). */
  private location(offset = 0): string {
    const position = Math.max(0, Math.min(this.text.length, this.index + offset));
    const before = this.text.slice(0, position);
    const line = before.split("\n").length;
    return `line ${line}, column ${position - before.lastIndexOf("\n")}`;
  }

  private fail(what: string, offset = 0): never {
    throw configJsonProblem.notJson(this.file, this.location(offset), what);
  }
}

function describe(char: string): string {
  const code = char.charCodeAt(0);
  return code < 0x20 || code === 0x7f
    ? `control character U+${code.toString(16).padStart(4, "0").toUpperCase()}`
    : JSON.stringify(char);
}
