import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { EnablePolicyTypeCommand } from "@aws-sdk/client-organizations";
import { Emulator } from "../../tools/emulator/emulator";
import { organizationsAs } from "../support/aws";
import { SeededOrganization, seedOrganization } from "../support/organization-snapshot";
import { PROJECT_ROOT } from "../support/paths";
import { AttachableTerraform, SharedProvider } from "../support/shared-provider";

// `npm run doctor -- --plan`: real `terraform plan` output of the small configurations in what-if/, each with
// the answer it must give beside it (expected.json), against an organization in the emulator: the Workloads OU
// holds both member accounts. Cases with "after" are planned once that case has been applied.

const CASES = path.join(__dirname, "what-if");
const STACK = "what-if";

interface Expected {
  readonly exitCode: number;
  readonly says: readonly string[];
  readonly neverSays?: readonly string[];
  /** How many AWS calls the doctor may make (the emulator counts them). */
  readonly awsCalls?: number;
  /** A case applied first. */
  readonly after?: string;
}

const expected = (name: string) => JSON.parse(fs.readFileSync(path.join(CASES, name, "expected.json"), "utf8")) as Expected;
const planned = fs.readdirSync(CASES).filter((name) => expected(name).after === undefined);
const afterApply = fs.readdirSync(CASES).filter((name) => expected(name).after !== undefined);

let emulator: Emulator;
let work: string;
let seeded: SeededOrganization;
let terraform: AttachableTerraform;
// The cases use one resource type the stack itself never does.
const provider = new SharedProvider(["aws_organizations_organizational_unit"]);

beforeAll(async () => {
  emulator = await Emulator.start();
  work = fs.mkdtempSync(path.join(os.tmpdir(), "what-if-"));
  fs.mkdirSync(path.join(work, "tf"));
  terraform = new AttachableTerraform(path.join(work, "tf"), emulator.environment(), work);
});
afterAll(async () => {
  await provider.stop();
  await emulator?.stop();
  fs.rmSync(work, { recursive: true, force: true });
});
beforeEach(async () => {
  await emulator.reset();
  // GIVEN the seeded organization, with resource control policies enabled too
  seeded = await seedOrganization(emulator.environment());
  await organizationsAs(emulator.environment()).send(
    new EnablePolicyTypeCommand({ RootId: seeded.rootId, PolicyType: "RESOURCE_CONTROL_POLICY" }),
  );
  fs.rmSync(path.join(work, "tf", "terraform.tfstate"), { force: true });
  fs.writeFileSync(
    path.join(work, "config.json"),
    JSON.stringify({
      stacks: [
        {
          name: STACK,
          organization: { mode: "external", id: seeded.organizationId },
          features: ["RootCredentialsManagement", "RootSessions"],
        },
      ],
    }),
  );
});

/** Puts a case's configuration in the working folder (init once, with the file's shared provider). */
async function use(name: string): Promise<string[]> {
  fs.copyFileSync(path.join(CASES, name, "main.tf"), path.join(work, "tf", "main.tf"));
  if (!fs.existsSync(path.join(work, "tf", ".terraform"))) {
    await terraform.init();
    terraform.attach(provider);
  }
  return ["-var", `root_id=${seeded.rootId}`, "-var", `ou_id=${seeded.ouId}`];
}

/** terraform plan -out, show -json, then the doctor on it; with the emulator's calls during the doctor alone. */
async function doctorOnPlan(name: string) {
  const vars = await use(name);
  await terraform.ok(["plan", "-input=false", "-out", path.join(work, "plan"), ...vars]);
  const { stdout } = await terraform.ok(["show", "-json", path.join(work, "plan")]);
  fs.writeFileSync(path.join(work, "plan.json"), stdout);
  const before = await emulator.calls();
  const run = spawnSync(process.execPath, [path.join(PROJECT_ROOT, "build", "doctor.js"), STACK, "--plan", "plan.json"], {
    env: { ...emulator.environment(), ROOT_ACCESS_CONFIG: path.join(work, "config.json"), INIT_CWD: work },
    encoding: "utf8",
    timeout: 120_000,
  });
  const after = await emulator.calls();
  const calls = Object.entries(after).reduce((sum, [call, count]) => sum + count - (before[call] ?? 0), 0);
  return { code: run.status, stdout: run.stdout, stderr: run.stderr, calls };
}

function expectAnswer(name: string, answer: Awaited<ReturnType<typeof doctorOnPlan>>) {
  const wanted = expected(name);
  expect({ case: name, code: answer.code, stderr: answer.stderr }).toEqual({ case: name, code: wanted.exitCode, stderr: "" });
  for (const text of wanted.says) expect(answer.stdout).toContain(text);
  for (const text of wanted.neverSays ?? []) expect(answer.stdout).not.toContain(text);
  if (wanted.awsCalls !== undefined) expect(answer.calls).toBe(wanted.awsCalls);
}

/** The doctor with `args`, from the work folder. */
function doctor(...args: string[]) {
  return spawnSync(process.execPath, [path.join(PROJECT_ROOT, "build", "doctor.js"), STACK, ...args], {
    env: { ...emulator.environment(), ROOT_ACCESS_CONFIG: path.join(work, "config.json"), INIT_CWD: work },
    encoding: "utf8",
    timeout: 120_000,
  });
}

describe("npm run doctor -- --policy <file> --attach <target>", () => {
  it("evaluates a policy not in terraform yet as if attached to each target", () => {
    // GIVEN a hand-written deny-root SCP without the exemption
    const statement = {
      Sid: "DenyRootUser",
      Effect: "Deny",
      Action: "*",
      Resource: "*",
      Condition: { ArnLike: { "aws:PrincipalArn": "arn:aws:iam::*:root" } },
    };
    fs.writeFileSync(path.join(work, "deny-root.json"), JSON.stringify({ Version: "2012-10-17", Statement: [statement] }));
    // WHEN it is tried on the root THEN every member account's tasks would break, naming the file
    const onRoot = doctor("--policy", "deny-root.json", "--attach", "root");
    expect(onRoot.status).toBe(2);
    expect(onRoot.stdout).toContain(`attach the new --policy deny-root.json to ${seeded.rootId}`);
    expect(onRoot.stdout).toContain('SCP deny-root.json (planned --policy deny-root.json) statement "DenyRootUser"');
    // WHEN the exemption is added THEN nothing breaks
    const exempt = { ...statement, Condition: { ...statement.Condition, Null: { "aws:AssumedRoot": "true" } } };
    fs.writeFileSync(path.join(work, "deny-root.json"), JSON.stringify({ Version: "2012-10-17", Statement: [exempt] }));
    const fixed = doctor("--policy", "deny-root.json", "--attach", seeded.ouId, "--attach", "root");
    expect({ code: fixed.status, stderr: fixed.stderr }).toEqual({ code: 0, stderr: "" });
    expect(fixed.stdout).toContain("The change breaks no central root session.");
  });

  it("says in one line what is wrong with a file that is not a plan", () => {
    fs.writeFileSync(path.join(work, "state.json"), JSON.stringify({ format_version: "1.0", values: {} }));
    const run = doctor("--plan", "state.json");
    expect(run.status).toBe(1);
    expect(run.stderr.trim().split("\n")).toEqual([
      expect.stringContaining("doctor: cannot use state.json as a plan: it is state, not a plan"),
    ]);
  });
});

describe("npm run doctor -- --plan, on real terraform plans", () => {
  it.each(planned)("%s: answers as expected.json says", async (name) => {
    // WHEN the case's configuration is planned from nothing and the doctor reads the plan THEN it answers as expected
    expectAnswer(name, await doctorOnPlan(name));
  });

  it.each(afterApply)("%s: answers as expected.json says, planned after its 'after' case was applied", async (name) => {
    // GIVEN the earlier case applied for real (the SCP exists and is attached)
    const vars = await use(expected(name).after!);
    await terraform.ok(["apply", "-auto-approve", "-input=false", ...vars]);
    // WHEN this case is planned on top of it THEN the doctor answers as expected
    expectAnswer(name, await doctorOnPlan(name));
  });
});
