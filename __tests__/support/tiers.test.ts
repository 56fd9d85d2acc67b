import * as childProcess from "node:child_process";

describe("the unit tier", () => {
  it("fails any test that starts a process, saying where such a test belongs", () => {
    // GIVEN the unit tier's setup WHEN a test reaches for a child process THEN it throws before anything starts
    expect(() => childProcess.spawnSync("true")).toThrow(
      "child_process.spawnSync was called in the unit tier: move this test to *.integration.test.ts or *.e2e.test.ts",
    );
    expect(() => childProcess.execFile("true")).toThrow("child_process.execFile was called in the unit tier");
    expect(() => childProcess.spawn("true")).toThrow("child_process.spawn was called in the unit tier");
  });
});
