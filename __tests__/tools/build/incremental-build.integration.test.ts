import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { builtProgram } from "../../support/paths";
import { copyProject } from "../../support/project-copy";

const root = fs.mkdtempSync(path.join(os.tmpdir(), "root-access-build-"));
afterAll(() => fs.rmSync(root, { recursive: true, force: true }));

function node(cwd: string, args: string[], env: NodeJS.ProcessEnv = {}) {
  return spawnSync(process.execPath, args, { cwd, env: { ...process.env, ROOT_ACCESS_CONFIG: "", ...env }, encoding: "utf8" });
}

/** The modification time of every program in build/, by file name. */
function builtAt(dir: string): Record<string, number> {
  const build = path.join(dir, "build");
  return Object.fromEntries(
    fs
      .readdirSync(build)
      .filter((name) => name.endsWith(".js"))
      .map((name) => [name, fs.statSync(path.join(build, name)).mtimeMs]),
  );
}

function changed(before: Record<string, number>, after: Record<string, number>): string[] {
  return Object.keys(after).filter((name) => after[name] !== before[name]);
}

describe("the incremental build (tools/build.mjs, tools/launch.mjs)", () => {
  const dir = copyProject(path.join(root, "project"));

  beforeAll(() => {
    const first = node(dir, ["tools/build.mjs"]);
    if (first.status !== 0) throw new Error(first.stderr);
  });

  it("rewrites nothing when nothing changed", () => {
    // GIVEN a built copy
    const before = builtAt(dir);
    // WHEN it is built again THEN no program is rewritten
    expect(node(dir, ["tools/build.mjs"]).status).toBe(0);
    expect(changed(before, builtAt(dir))).toEqual([]);
  });

  it("rebuilds only the programs that read a changed file, before running one", () => {
    // GIVEN a built copy, and an edit to a file only the CDKTF app reads
    const before = builtAt(dir);
    fs.appendFileSync(path.join(dir, "stacks", "synth", "review-hcl.ts"), "\n// an edit\n");
    // WHEN the app is run through launch.mjs, as npm run synth does
    const synth = node(dir, ["tools/launch.mjs", "main"], { CDKTF_OUTDIR: path.join(root, "out") });
    // THEN the app alone was rebuilt, and it synthesized
    expect(synth.stderr).toBe("");
    expect(changed(before, builtAt(dir))).toEqual(["main.js"]);
    expect(fs.existsSync(path.join(root, "out", "stacks", "root-access", "cdk.tf.json"))).toBe(true);
  });

  it.each([
    ["the benchmark", "tools/bench/main.ts"],
    ["the emulator", "tools/emulator/emulator.ts"],
  ])("keeps npm run synth working when %s has a syntax error, and still refuses to run the broken program", (_what, file) => {
    // GIVEN a built copy whose developer tooling no longer compiles
    const source = path.join(dir, file);
    const original = fs.readFileSync(source, "utf8");
    fs.appendFileSync(source, "\nconst broken = ;\n");
    try {
      // WHEN the app is synthesized the way npm run synth and cdktf.json's "app" do
      const outdir = path.join(root, `out-${path.basename(path.dirname(file))}`);
      const synth = node(dir, ["tools/launch.mjs", "main"], { CDKTF_OUTDIR: outdir });
      // THEN it synthesizes, untouched by the broken file
      expect({ status: synth.status, stderr: synth.stderr }).toEqual({ status: 0, stderr: "" });
      expect(fs.existsSync(path.join(outdir, "stacks", "root-access", "cdk.tf.json"))).toBe(true);
      // AND the broken program itself fails to build, with esbuild's message naming the file, not a stack trace
      const program = file.includes("bench") ? "bench" : "emulator";
      const broken = node(dir, ["tools/launch.mjs", program]);
      expect(broken.status).toBe(1);
      expect(broken.stderr).toContain(file);
      expect(broken.stderr).toContain(`launch: could not build ${program}:`);
      expect(broken.stderr).not.toMatch(/^\s+at /m);
    } finally {
      fs.writeFileSync(source, original);
    }
  });

  it("builds the root-access script before running it, on a fresh clone and after an edit", () => {
    // GIVEN a copy whose script was never built
    fs.rmSync(path.join(dir, "build", "root-access.js"));
    // WHEN npm run root-access runs it THEN it is built first, and answers
    const fresh = node(dir, ["tools/launch.mjs", "root-access", "--help"]);
    expect(fresh.status).toBe(0);
    expect(fresh.stdout).toMatch(/^Usage: root-access <verb>/);
    // WHEN its source changes THEN the next run runs the new code, not a stale build
    const errors = path.join(dir, "scripts", "root-access", "program-errors.ts");
    const original = fs.readFileSync(errors, "utf8");
    try {
      fs.writeFileSync(errors, original.replace("Usage: root-access <verb>", "Usage: root-access (edited) <verb>"));
      expect(node(dir, ["tools/launch.mjs", "root-access", "--help"]).stdout).toMatch(/^Usage: root-access \(edited\) <verb>/);
    } finally {
      fs.writeFileSync(errors, original);
    }
  });

  it("rebuilds a program whose output was deleted", () => {
    fs.rmSync(path.join(dir, "build", "policy.js"));
    expect(node(dir, ["tools/build.mjs"]).status).toBe(0);
    expect(fs.existsSync(path.join(dir, "build", "policy.js"))).toBe(true);
  });

  it("passes its arguments to the program and refuses an unknown one, naming the known ones", () => {
    const policy = node(dir, ["tools/launch.mjs", "policy", "no-such-stack"]);
    expect(policy.status).toBe(1);
    expect(policy.stderr).toBe('Usage: policy <stack> (no stack is named "no-such-stack"); the stacks in built-in defaults are: root-access\n');
    const unknown = node(dir, ["tools/launch.mjs", "mian"]);
    expect(unknown.status).toBe(2);
    expect(unknown.stderr).toBe(
      'launch: unknown program "mian". Known programs: main, root-access, plan-gate, plan-summary, policy, drift, doctor, root-credentials, root-task, start, emulator, bench, docs.\n',
    );
  });
});

describe("the app's bundle (build/main.js)", () => {
  const bundle = fs.readFileSync(builtProgram("main"), "utf8");

  it("leaves out what synth never needs: zip support, and cdktf's stack trace of every token", () => {
    expect(bundle).not.toContain("node_modules/archiver/index.js");
    expect(bundle).toContain('"tools/build-stubs/archiver.js"');
    // The stub, under cdktf's module name, for cdktf's function and CDK Terrain's (npm run check:cdktn).
    expect(bundle).toMatch(
      /"node_modules\/cdktf\/lib\/tokens\/private\/stack-trace\.js"\(exports2\) \{\s+function noStack\d*\(\) \{\s+return \[\];\s+\}\s+exports2\.captureStackTrace = noStack\d*;\s+exports2\.captureCreationStack = noStack\d*;/,
    );
  });
});
