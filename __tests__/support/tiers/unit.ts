// The unit tier starts no process: everything it tests is a pure function, a construct synthesized in memory,
// or the script against aws-sdk-client-mock. Anything that reaches for a child process fails here, loudly.
jest.setTimeout(20_000);

// Nor does it read the developer's AWS profile: a failed credential lookup explains itself from the named
// profile (scripts/root-access/aws-profile.ts), which would make these tests depend on the machine.
delete process.env.AWS_PROFILE;
delete process.env.AWS_DEFAULT_PROFILE;

// The module object itself, not an import wrapper, so the spies below are what every caller gets.
const childProcess = jest.requireActual<typeof import("node:child_process")>("node:child_process");

const spies = (["spawn", "spawnSync", "exec", "execSync", "execFile", "execFileSync", "fork"] as const).map((name) =>
  jest.spyOn(childProcess, name).mockImplementation(() => {
    throw new Error(
      `child_process.${name} was called in the unit tier: move this test to *.integration.test.ts or *.e2e.test.ts`,
    );
  }),
);

// Node's own modules are shared by every test file a worker runs, whatever its tier: put them back.
afterAll(() => spies.forEach((spy) => spy.mockRestore()));
