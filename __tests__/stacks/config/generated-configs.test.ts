import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { synth } from "../../../main";
import { parseAppConfig } from "../../../stacks/config/load";
import { HOSTILE_VALUES, pathsOf, pick, seededRandom, withValueAt } from "../../support/mutations";

// Hundreds of configuration files made from valid ones by mutation, each run through the app the way
// `npm run synth` runs it (in process: the same function, the same output). Every one the schema refuses must
// fail the same way: a non-zero exit, a message naming the file on stderr (one line, or one line per problem),
// no stack trace, and no output folder.

const VALID_CONFIGS: readonly object[] = [
  { stacks: [{}] },
  {
    $schema: "./root-access.config.schema.json",
    stacks: [
      {
        name: "prod",
        organization: { mode: "adopt", id: "o-a1b2c3d4e5", serviceAccessPrincipals: ["sso.amazonaws.com"] },
        features: ["RootCredentialsManagement", "RootSessions"],
        implementation: "native",
        delegatedAdministratorAccountId: "111122223333",
        assumeRoleArn: "arn:aws:iam::111122223333:role/Deployer",
        region: "eu-west-1",
        backend: {
          type: "s3",
          bucket: "acme-tfstate",
          key: "prod.tfstate",
          region: "eu-west-1",
          useLockfile: true,
          dynamodbTable: "locks",
          encrypt: true,
        },
        serviceAccessWaitSeconds: 30,
      },
    ],
  },
  {
    stacks: [
      { name: "a", organization: { mode: "external", id: "o-bbbbbbbbbb" }, backend: { type: "local" } },
      { name: "b", allowOrganizationDestroy: true, features: [] },
    ],
  },
];

/** Changes made at the level of the text, each of which no JSON configuration may survive. */
const TEXT_MUTATIONS: readonly ((text: string, random: () => number) => string)[] = [
  (text, random) => text.slice(0, 1 + Math.floor(random() * (text.length - 2))),
  (text) => `\uFEFF${text}`,
  (text) => text.replace('{"stacks"', '{"stacks": [{}], "stacks"'),
  (text) => text.replace(/\{/, `{${"[".repeat(5000)}`),
  (text) => text.replace('"stacks":[', '"stacks":[{"serviceAccessWaitSeconds": 1e999}, '),
  (text) => text.replace('"stacks":[', '"stacks":[{"serviceAccessWaitSeconds": 99999999999999999999}, '),
  (text, random) => {
    const at = Math.floor(random() * text.length);
    return `${text.slice(0, at)}${pick(random, [",", "}", "]", ":", '"', "\u0000", "\\"])}${text.slice(at)}`;
  },
  (text) => text.replace(/,/, ",,"),
  (text) => `${text} trailing`,
];

interface Generated {
  readonly what: string;
  readonly text: string | Buffer;
}

function generate(count: number): Generated[] {
  const random = seededRandom(1301);
  const generated: Generated[] = [];
  for (let index = 0; index < count; index++) {
    const base = pick(random, VALID_CONFIGS);
    const kind = random();
    if (kind < 0.55) {
      const target = pick(random, pathsOf(base));
      const value = pick(random, [...HOSTILE_VALUES, undefined]);
      generated.push({
        what: `${target.join(".")} = ${JSON.stringify(value)?.slice(0, 30)}`,
        text: JSON.stringify(withValueAt(base, target, value)),
      });
    } else if (kind < 0.7) {
      const objects = [[], ...pathsOf(base)].filter((target) => {
        const value = target.reduce<unknown>((node, key) => (node as Record<string | number, unknown>)[key], base);
        return typeof value === "object" && value !== null && !Array.isArray(value);
      });
      const target = pick(random, objects);
      const key = pick(random, ["nme", "Name", "feature", "__proto__", "constructor", "x".repeat(300), ""]);
      const node = target.reduce<unknown>((value, step) => (value as Record<string | number, unknown>)[step], base) as object;
      generated.push({
        what: `unknown key ${key.slice(0, 20)} at ${target.join(".")}`,
        text: JSON.stringify(withValueAt(base, target, { ...node, [key]: 1 })),
      });
    } else if (kind < 0.95) {
      const mutate = pick(random, TEXT_MUTATIONS);
      generated.push({ what: `text mutation ${TEXT_MUTATIONS.indexOf(mutate)}`, text: mutate(JSON.stringify(base), random) });
    } else {
      generated.push({ what: "bytes that are not UTF-8", text: Buffer.from([0x7b, 0x22, 0xff, 0x22, 0x7d]) });
    }
  }
  return generated;
}

/** Whether the app would accept this text (as JSON and by the schema), asked without the app's file handling. */
function acceptable(text: string | Buffer): boolean {
  try {
    if (typeof text !== "string" || text.charCodeAt(0) === 0xfeff) return false;
    parseAppConfig(JSON.parse(text), "generated");
    return !/"stacks"[^]*"stacks"|e999|99999999999999999999|\[{5000}/.test(text);
  } catch {
    return false;
  }
}

describe("generated configuration files", () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "root-access-generated-configs-"));
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  it("every invalid one fails with a message naming the file, no stack trace, and nothing written", async () => {
    // GIVEN 600 mutations of valid configurations
    const inputs = generate(600);
    let refused = 0;
    for (const [index, input] of inputs.entries()) {
      if (acceptable(input.text)) continue;
      refused++;
      const file = path.join(dir, `config-${index}.json`);
      fs.writeFileSync(file, input.text);
      const outdir = path.join(dir, `out-${index}`);
      const stdout: string[] = [];
      const stderr: string[] = [];

      // WHEN the app runs on it
      const code = await synth({
        argv: [],
        env: { ROOT_ACCESS_CONFIG: file, CDKTF_OUTDIR: outdir },
        io: { stdout: (t) => stdout.push(t), stderr: (t) => stderr.push(t) },
      });

      // THEN it fails cleanly
      const message = stderr.join("\n");
      const lines = message.split("\n");
      const problems = /\((\d+) problems\):$/.exec(lines[0])?.[1];
      expect({ input: input.what, code, stdout }).toEqual({ input: input.what, code: 1, stdout: [] });
      expect({ input: input.what, namesFile: lines[0].includes(file) }).toEqual({ input: input.what, namesFile: true });
      expect({ input: input.what, lines: lines.length }).toEqual({
        input: input.what,
        lines: problems ? Number(problems) + 1 : 1,
      });
      expect({ input: input.what, trace: lines.filter((line) => /^\s+at |Error:|TypeError|RangeError/.test(line)) }).toEqual({
        input: input.what,
        trace: [],
      });
      expect({ input: input.what, longest: Math.max(...lines.map((line) => line.length)) <= 600 }).toEqual({
        input: input.what,
        longest: true,
      });
      expect({ input: input.what, written: fs.existsSync(outdir) }).toEqual({ input: input.what, written: false });
    }
    // AND most of the mutations were refused (a mutation that stays valid is not a failure)
    expect(refused).toBeGreaterThanOrEqual(400);
  });
});
