import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { builtProgram } from "../../support/paths";
import { runTracked } from "../../support/processes";

/** `npm run bench -- <args>` (the built program) with a temporary folder of its own, which it must leave empty. */
async function bench(...args: string[]) {
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "bench-cli-"));
  try {
    const result = await runTracked(process.execPath, [builtProgram("bench"), ...args], {
      env: { ...process.env, TMPDIR: tmp },
    });
    return { ...result, leftInTmp: fs.readdirSync(tmp) };
  } finally {
    fs.rmSync(tmp, { recursive: true, force: true });
  }
}

describe("npm run bench", () => {
  it("prints its usage for --help, measures nothing and leaves no temporary folder", async () => {
    // GIVEN the built bench WHEN it is asked for help
    const result = await bench("--help");
    // THEN it prints the usage, exits 0, and its working folder is gone
    expect(result).toMatchObject({ code: 0, stderr: "", leftInTmp: [] });
    expect(result.stdout).toMatch(/^Usage: npm run bench -- \[group\.\.\.\] \[--test-runs <n>\]\n/);
  });

  it.each([
    [["tset"], 'bench: unknown group "tset"'],
    [["test", "--test-runs", "0"], 'bench: --test-runs "0" is not a whole number from 1 to 20'],
  ])("refuses %j with one line and the usage, exit 2, and leaves no temporary folder", async (args, message) => {
    // GIVEN a typo WHEN the bench runs THEN it says what was wrong, shows how to call it, and cleans up
    const result = await bench(...args);
    expect(result).toMatchObject({ code: 2, stdout: "", leftInTmp: [] });
    expect(result.stderr).toMatch(new RegExp(`^${message.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}\nUsage: npm run bench`));
  });
});
