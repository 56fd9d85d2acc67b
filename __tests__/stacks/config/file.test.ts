import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { ConfigError, MAX_CONFIG_BYTES } from "../../../stacks/config/config-errors";
import { loadConfig } from "../../../stacks/config/load";

const dir = fs.mkdtempSync(path.join(os.tmpdir(), "root-access-config-file-"));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

let counter = 0;
/** A config file with these bytes, loaded as ROOT_ACCESS_CONFIG names it; returns the error's message. */
function failureOf(content: string | Buffer): string {
  const file = path.join(dir, `config-${counter++}.json`);
  fs.writeFileSync(file, content);
  return messageOf(file);
}

function messageOf(file: string): string {
  try {
    loadConfig({ env: { ROOT_ACCESS_CONFIG: file }, projectRoot: dir });
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return (error as Error).message;
  }
  throw new Error(`${file} was accepted`);
}

describe("a configuration file that is ambiguous or hostile", () => {
  it("fails on a key given twice in one object, naming the key path and both lines", () => {
    // GIVEN allowOrganizationDestroy twice, the second true (JSON.parse would keep it, unseen)
    const text =
      '{\n  "stacks": [\n    {\n      "allowOrganizationDestroy": false,\n      "name": "prod",\n      "allowOrganizationDestroy": true\n    }\n  ]\n}\n';
    // WHEN loaded THEN it is refused, whichever value a parser would have kept
    expect(failureOf(text)).toMatch(
      /: stacks\[0\]\.allowOrganizationDestroy is given twice \(line 4, column 7 and line 6, column 7\); .* Keep one\.$/,
    );
    expect(failureOf('{"stacks": [{"name": "a", "name": "b"}]}')).toContain("stacks[0].name is given twice");
    expect(failureOf('{"stacks": [{}], "stacks": [{}]}')).toContain("stacks is given twice");
  });

  it.each([
    ["a directory", () => fs.mkdtempSync(path.join(dir, "folder-")), "it is a directory, not a file"],
    ["a device", () => "/dev/null", "it is a device, not a file"],
  ])("fails on %s, in one line", (_what, make, message) => {
    const result = messageOf(make());
    expect(result).toContain(message);
    expect(result).not.toContain("\n");
  });

  it("fails on a file larger than a configuration can be, without reading it whole", () => {
    const message = failureOf(Buffer.alloc(MAX_CONFIG_BYTES + 1, " "));
    expect(message).toContain(`it is larger than a configuration can be (over ${MAX_CONFIG_BYTES} bytes)`);
  });

  it("fails on a byte-order mark, and on bytes that are not UTF-8", () => {
    expect(failureOf('\uFEFF{"stacks": [{}]}')).toContain("it starts with a byte-order mark (U+FEFF)");
    expect(failureOf(Buffer.from([0x7b, 0xff, 0xfe, 0x7d]))).toContain("it is not UTF-8 text");
  });

  it("fails on values nested deeper than a configuration needs, without exhausting the stack", () => {
    const deep = `{"stacks": [${"[".repeat(100_000)}${"]".repeat(100_000)}]}`;
    expect(failureOf(deep)).toMatch(/: stacks\[0\](\[0\])+ nests values more than 32 levels deep \(line 1, column \d+\)/);
  });

  it("fails on numbers JSON can write but JavaScript cannot hold, naming the key", () => {
    expect(failureOf('{"stacks": [{"serviceAccessWaitSeconds": 1e400}]}')).toContain(
      'stacks[0].serviceAccessWaitSeconds: "1e400" (line 1, column 42) is a number JavaScript cannot hold exactly',
    );
    expect(failureOf('{"stacks": [{"serviceAccessWaitSeconds": 12345678901234567890}]}')).toContain(
      'stacks[0].serviceAccessWaitSeconds: "12345678901234567890"',
    );
  });

  it("shortens long keys and values in messages", () => {
    const longKey = "k".repeat(5000);
    const message = failureOf(`{"stacks": [{"${longKey}": 1, "${longKey}": 2}]}`);
    expect(message.length).toBeLessThan(400);
    expect(message).toContain(`stacks[0]["${"k".repeat(37)}..."] is given twice`);
  });

  it("names the line and column of a syntax error, in one line", () => {
    const message = failureOf('{\n  "stacks": [\n    { "name": "a" }\n  ]\n  "extra": 1\n}');
    expect(message).toContain('not valid JSON at line 5, column 3: expected "," or "}" after a value');
    expect(message).not.toContain("\n");
  });
});
