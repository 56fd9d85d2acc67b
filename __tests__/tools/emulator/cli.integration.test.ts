import { MOTO_LAUNCHER } from "../../../tools/emulator/server";
import { builtProgram } from "../../support/paths";
import { runTracked } from "../../support/processes";

const emulator = (...args: string[]) => runTracked(process.execPath, [builtProgram("emulator"), ...args]);

describe("npm run emulator", () => {
  it("prints its usage for --help and starts nothing", async () => {
    const result = await emulator("--help");
    expect(result).toMatchObject({ code: 0, stderr: "" });
    expect(result.stdout).toMatch(/^Usage: npm run emulator \[-- --port <port>\]\n/);
  });

  it.each([
    [["--port", "abc"], 'emulator: --port "abc" is not a port number from 0 to 65535'],
    [["--port", "70000"], 'emulator: --port "70000" is not a port number from 0 to 65535'],
    [["--prot", "1"], "emulator: unknown flag --prot"],
    [["start"], 'emulator: unexpected argument "start"'],
  ])("refuses %j in one line and the synopsis, exit 2", async (args, message) => {
    expect(await emulator(...args)).toEqual({
      code: 2,
      signal: null,
      stdout: "",
      stderr: `${message}\nUsage: npm run emulator [-- --port <port>] (--help for more)\n`,
    });
  });
});

describe("the launcher (python3 moto_server.py)", () => {
  it("refuses a port that is not a number with its usage, exit 2, no traceback", async () => {
    const result = await runTracked(process.env.PYTHON ?? "python3", [MOTO_LAUNCHER, "--port", "abc"]);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/^usage: moto_server\.py /);
    expect(result.stderr).toContain("error: argument --port: invalid int value: 'abc'");
    expect(result.stderr).not.toContain("Traceback");
  });
});
