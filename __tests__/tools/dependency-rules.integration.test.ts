import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { PROJECT_ROOT } from "../support/paths";

const DEPCRUISE = path.join(PROJECT_ROOT, "node_modules", ".bin", "depcruise");
const CONFIG = path.join(PROJECT_ROOT, ".dependency-cruiser.cjs");
const SOURCES = ["main.ts", "tsconfig.json", "stacks", "scripts", "tools", "__tests__"];

interface Violation {
  readonly rule: { readonly name: string };
  readonly from: string;
  readonly to: string;
}

/** dependency-cruiser with the project's rules over a tree, as npm run lint runs it; returns its violations. */
function cruise(cwd: string): Violation[] {
  const result = spawnSync(DEPCRUISE, ["--config", CONFIG, "--output-type", "json", ...SOURCES], { cwd, encoding: "utf8" });
  if (!result.stdout) throw new Error(`depcruise failed (exit ${result.status}): ${result.stderr}`);
  return (JSON.parse(result.stdout) as { summary: { violations: Violation[] } }).summary.violations;
}

const work = fs.mkdtempSync(path.join(os.tmpdir(), "root-access-dependencies-"));
afterAll(() => fs.rmSync(work, { recursive: true, force: true }));

describe("the dependency rules (.dependency-cruiser.cjs)", () => {
  it("hold for the project as it is", () => {
    expect(cruise(PROJECT_ROOT)).toEqual([]);
  });

  it("each catch a deliberate violation", () => {
    // GIVEN a copy of the sources with one violation of every rule planted in it
    for (const entry of SOURCES) fs.cpSync(path.join(PROJECT_ROOT, entry), path.join(work, entry), { recursive: true });
    fs.symlinkSync(path.join(PROJECT_ROOT, "node_modules"), path.join(work, "node_modules"));
    const plant = (file: string, line: string) => fs.appendFileSync(path.join(work, file), `\n${line}\n`);
    plant("scripts/aws/bounded.ts", 'import "../../stacks/config/config-errors";');
    plant("scripts/shared/root-tasks.ts", 'import "@aws-sdk/client-sts";');
    plant("stacks/organization/organization.ts", 'import "../../scripts/aws/aws-errors";');
    plant("scripts/policy/least-privilege.ts", 'import "../../stacks/synth-errors";');
    plant("stacks/config/load.ts", 'import "../synth-errors";');
    plant("main.ts", 'import "./scripts/policy/least-privilege";');
    plant("stacks/organization/organization.ts", 'import "../../tools/terraform/terraform";');
    plant("stacks/root-features/native-root-features.ts", 'import "@cdktf/provider-aws";');
    plant("stacks/synth/asset-hash.ts", 'import "../root-access-stack";');
    plant("scripts/doctor/truth.ts", 'import "@cloud-copilot/iam-simulate";');

    // WHEN the rules run over it
    const violations = cruise(work);

    // THEN every planted import is reported under its rule, and nothing else
    const direct = violations
      .filter((violation) => violation.rule.name !== "no-cycles")
      .map((v) => `${v.rule.name}: ${v.from} -> ${v.to}`);
    expect(direct.sort()).toEqual([
      "agpl-evaluator-in-tests-only: scripts/doctor/truth.ts -> node_modules/@cloud-copilot/iam-simulate/dist/cjs/index.js",
      "commands-use-only-the-config-contract: scripts/policy/least-privilege.ts -> stacks/synth-errors.ts",
      "config-contract-stands-alone: stacks/config/load.ts -> stacks/synth-errors.ts",
      "main-wires-stacks-only: main.ts -> scripts/policy/least-privilege.ts",
      "no-provider-barrel: stacks/root-features/native-root-features.ts -> node_modules/@cdktf/provider-aws/lib/index.js",
      "shared-loads-no-aws-client: scripts/shared/root-tasks.ts -> node_modules/@aws-sdk/client-sts/dist-cjs/index.js",
      "shipped-program-is-self-contained: scripts/aws/bounded.ts -> stacks/config/config-errors.ts",
      "stacks-use-only-the-shared-contract: stacks/organization/organization.ts -> scripts/aws/aws-errors.ts",
      "tooling-off-the-deploy-path: stacks/organization/organization.ts -> tools/terraform/terraform.ts",
    ]);
    // (the cycle root-access-stack -> asset-hash -> root-access-stack, reported from the modules on it)
    const cycles = violations.filter((violation) => violation.rule.name === "no-cycles").map((violation) => violation.from);
    expect(cycles.length).toBeGreaterThan(0);
    expect(cycles.filter((from) => !["stacks/root-access-stack.ts", "stacks/synth/asset-hash.ts"].includes(from))).toEqual([]);
  });
});
