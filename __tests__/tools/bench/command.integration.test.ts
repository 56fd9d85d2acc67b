import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { builtProgram } from "../../support/paths";
import { runTracked } from "../../support/processes";

/** `npm run bench -- <args>` (the built program) with a temporary folder of its own, which it must leave empty. */
async function bench(args: string[], env: NodeJS.ProcessEnv = {}) {
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "bench-cli-"));
  try {
    const result = await runTracked(process.execPath, [builtProgram("bench"), ...args], {
      env: { ...process.env, ...env, TMPDIR: tmp },
    });
    return { ...result, leftInTmp: fs.readdirSync(tmp) };
  } finally {
    fs.rmSync(tmp, { recursive: true, force: true });
  }
}

describe("npm run bench", () => {
  it("prints its usage for --help, measures nothing and leaves no temporary folder", async () => {
    // GIVEN the built bench WHEN it is asked for help
    const result = await bench(["--help"]);
    // THEN it prints the usage, exits 0, and its working folder is gone
    expect(result).toMatchObject({ code: 0, stderr: "", leftInTmp: [] });
    expect(result.stdout).toMatch(/^Usage: npm run bench -- \[group\.\.\.\] \[--test-runs <n>\]\n/);
  });

  it.each([
    [["tset"], 'bench: unknown group "tset"'],
    [["test", "--test-runs", "0"], 'bench: --test-runs "0" is not a whole number from 1 to 20'],
  ])("refuses %j with one line and the usage, exit 2, and leaves no temporary folder", async (args, message) => {
    // GIVEN a typo WHEN the bench runs THEN it says what was wrong, shows how to call it, and cleans up
    const result = await bench(args);
    expect(result).toMatchObject({ code: 2, stdout: "", leftInTmp: [] });
    expect(result.stderr).toMatch(new RegExp(`^${message.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}\nUsage: npm run bench`));
  });

  it("without terraform on PATH, fails naming what to install, with no stack trace, and leaves no temporary folder", async () => {
    // GIVEN a PATH with node and true (which the check of GNU time runs), and no terraform
    const bin = fs.mkdtempSync(path.join(os.tmpdir(), "bench-path-"));
    fs.symlinkSync(process.execPath, path.join(bin, "node"));
    const trueProgram = (process.env.PATH ?? "")
      .split(path.delimiter)
      .map((dir) => path.join(dir, "true"))
      .find(fs.existsSync);
    fs.symlinkSync(trueProgram ?? "/usr/bin/true", path.join(bin, "true"));
    try {
      // WHEN the bench is asked for a group that needs terraform
      const result = await bench(["synth"], { PATH: bin });
      // THEN it exits 1 with the one line, before measuring anything
      expect(result).toMatchObject({ code: 1, stdout: "", leftInTmp: [] });
      expect(result.stderr).toBe('bench: bench needs terraform (Terraform on PATH); "terraform version" failed.\n');
    } finally {
      fs.rmSync(bin, { recursive: true, force: true });
    }
  });
});
