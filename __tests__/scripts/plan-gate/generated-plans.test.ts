import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { planGate } from "../../../scripts/plan-gate/command";
import { planSummary } from "../../../scripts/plan-summary/command";
import { HOSTILE_VALUES, pick, seededRandom, withValueAt } from "../../support/mutations";

// Hundreds of documents made from two real saved plans (terraform 1.11 `show -json` of a first apply and of a
// change) by mutations that each make them something that is not a saved plan the gate can read. The gate and
// the summary must refuse every one: exit 1, one line naming the file and what is wrong, no stack trace.

const FIXTURES = ["create.plan.json", "update.plan.json"].map(
  (name) => JSON.parse(fs.readFileSync(path.join(__dirname, "fixtures", name), "utf8")) as Record<string, unknown>,
);
const notObjects = HOSTILE_VALUES.filter((value) => value === null || typeof value !== "object" || Array.isArray(value));
const notStringLists = HOSTILE_VALUES.filter(
  (value) => value !== null && !(Array.isArray(value) && value.every((item) => typeof item === "string")),
);

type Mutation = (plan: Record<string, unknown>, random: () => number) => unknown;

const changeIndex = (plan: Record<string, unknown>, random: () => number) =>
  Math.floor(random() * (plan.resource_changes as unknown[]).length);

/** Each makes a saved plan into something that is not one, or not one this gate may trust. */
const MUTATIONS: Record<string, Mutation> = {
  "a required part removed": (plan, random) =>
    withValueAt(plan, [pick(random, ["format_version", "planned_values", "configuration"])], undefined),
  "a required part of the wrong type": (plan, random) =>
    withValueAt(plan, [pick(random, ["planned_values", "configuration"])], pick(random, notObjects)),
  "a format_version that is not 1.x": (plan, random) =>
    withValueAt(plan, ["format_version"], pick(random, ["2.0", "0.2", "", "1", 1.2, null])),
  "resource_changes that is not a list": (plan, random) =>
    withValueAt(
      plan,
      ["resource_changes"],
      pick(
        random,
        HOSTILE_VALUES.filter((value) => !Array.isArray(value)),
      ),
    ),
  "a change that is not an object": (plan, random) =>
    withValueAt(plan, ["resource_changes", changeIndex(plan, random)], pick(random, notObjects)),
  "actions that are not terraform's": (plan, random) =>
    withValueAt(
      plan,
      ["resource_changes", changeIndex(plan, random), "change", "actions"],
      pick(random, [...HOSTILE_VALUES, ["destroy"], ["create", "create"]]),
    ),
  "a before or after that is not an object": (plan, random) =>
    withValueAt(
      plan,
      ["resource_changes", changeIndex(plan, random), "change", pick(random, ["before", "after"])],
      pick(
        random,
        notObjects.filter((v) => v !== null),
      ),
    ),
  "an address or type removed or not a string": (plan, random) =>
    withValueAt(
      plan,
      ["resource_changes", changeIndex(plan, random), pick(random, ["address", "type"])],
      pick(random, [undefined, ...notObjects.filter((v) => typeof v !== "string")]),
    ),
  "an unknown mode": (plan, random) =>
    withValueAt(plan, ["resource_changes", changeIndex(plan, random), "mode"], pick(random, ["ghost", "", 1, null])),
  "trusted services of the wrong type": (plan, random) =>
    withValueAt(plan, ["resource_changes", 0, "change", "after", "aws_service_access_principals"], pick(random, notStringLists)),
  "after_unknown that is not an object": (plan, random) =>
    withValueAt(
      plan,
      ["resource_changes", changeIndex(plan, random), "change", "after_unknown"],
      pick(
        random,
        notObjects.filter((v) => v !== null),
      ),
    ),
  "an errored plan": (plan) => withValueAt(plan, ["errored"], true),
  "state instead of a plan": (plan) => ({
    format_version: "1.0",
    terraform_version: plan.terraform_version,
    values: plan.planned_values,
  }),
  "the text cut short": (plan, random) => {
    const text = JSON.stringify(plan);
    return { text: text.slice(0, Math.floor(random() * (text.length - 1))) };
  },
};

describe("generated documents that are not saved plans", () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "root-access-generated-plans-"));
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  it("are each refused by the plan gate and the plan summary: exit 1, one line, no stack trace", async () => {
    // GIVEN 400 mutations of two real plans
    const random = seededRandom(1302);
    const names = Object.keys(MUTATIONS);
    for (let index = 0; index < 400; index++) {
      const name = names[index % names.length];
      const mutated = MUTATIONS[name](pick(random, FIXTURES), random);
      const file = path.join(dir, `plan-${index}.json`);
      fs.writeFileSync(
        file,
        typeof mutated === "object" && mutated !== null && "text" in mutated ? String(mutated.text) : JSON.stringify(mutated),
      );
      const before = fs.readdirSync(dir).length;

      // WHEN the gate and the summary read it
      const gate = { stdout: [] as string[], stderr: [] as string[] };
      const gateCode = await planGate(
        { argv: [file], env: {}, io: { stdout: (t) => gate.stdout.push(t), stderr: (t) => gate.stderr.push(t) } },
        {
          readRootSessionsAnswer: () => Promise.resolve({ state: "unknown" as const, reason: "not read in this test" }),
          readLiveOrganization: () => Promise.reject(new Error("a plan that cannot be read must not make the gate call AWS")),
        },
      );
      const summary = { stdout: [] as string[], stderr: [] as string[] };
      const summaryCode = planSummary({
        argv: [file],
        env: {},
        io: { stdout: (t) => summary.stdout.push(t), stderr: (t) => summary.stderr.push(t) },
      });

      // THEN both refuse it in one line that names the file, and write nothing
      const case_ = `${index}: ${name}`;
      expect({ case_, gateCode, gate }).toEqual({
        case_,
        gateCode: 1,
        gate: {
          stdout: [expect.stringMatching(new RegExp(`^plan-gate: FAIL: cannot read ${file}: [^\\n]+\\. Refusing the plan\\.$`))],
          stderr: [],
        },
      });
      expect({ case_, summaryCode, summary }).toEqual({
        case_,
        summaryCode: 1,
        summary: { stdout: [], stderr: [expect.stringMatching(new RegExp(`^plan-summary: cannot read ${file}: [^\\n]+\\.$`))] },
      });
      expect(fs.readdirSync(dir).length).toBe(before);
    }
  });

  it("leaves the real plans readable, so the mutations, not the fixtures, are what is refused", async () => {
    for (const [index, plan] of FIXTURES.entries()) {
      const file = path.join(dir, `real-${index}.json`);
      fs.writeFileSync(file, JSON.stringify(plan));
      const lines: string[] = [];
      const code = await planGate(
        { argv: [file], env: {}, io: { stdout: (t) => lines.push(t), stderr: (t) => lines.push(t) } },
        {
          readRootSessionsAnswer: () => Promise.resolve({ state: "unknown" as const, reason: "not read in this test" }),
          readLiveOrganization: () => Promise.resolve({ state: "none" }),
        },
      );
      expect({ code, last: lines[lines.length - 1] }).toEqual({
        code: 0,
        last: "plan-gate: the plan keeps every organization, trusted service, policy type, delegated administrator, root-user guardrail and root-activity alert.",
      });
    }
  });
});
