import * as childProcess from "node:child_process";

// The unit tier starts no process: everything it tests is a pure function, a construct synthesized in memory,
// or the script against aws-sdk-client-mock. Anything that reaches for a child process fails here, loudly.
jest.setTimeout(20_000);

for (const name of ["spawn", "spawnSync", "exec", "execSync", "execFile", "execFileSync", "fork"] as const) {
  jest.spyOn(childProcess, name).mockImplementation(() => {
    throw new Error(
      `child_process.${name} was called in the unit tier: move this test to *.integration.test.ts or *.e2e.test.ts`,
    );
  });
}
