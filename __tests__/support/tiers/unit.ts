import * as path from "node:path";
// The unit tier starts no process: everything it tests is a pure function, a construct synthesized in memory,
// or the script against aws-sdk-client-mock. Anything that reaches for a child process fails here, loudly.
jest.setTimeout(20_000);

// Nor does it read the developer's AWS profile: a failed credential lookup explains itself from the named
// profile (scripts/aws/aws-profile.ts), which would make these tests depend on the machine.
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

// cdktf's Testing.synth writes each synthesized stack into a fresh os.tmpdir()/cdktf.outdir.* and never removes
// it (about 70 folders per run, which pile up on a CI machine): the ones made in this file are removed after it.
const realFs = jest.requireActual<typeof import("node:fs")>("node:fs");
const outdirs: string[] = [];
const mkdtemp = realFs.mkdtempSync.bind(realFs);
const mkdtempSpy = jest.spyOn(realFs, "mkdtempSync").mockImplementation((prefix: string, options?: unknown) => {
  const made = mkdtemp(prefix, options as never);
  if (path.basename(prefix).startsWith("cdktf.outdir.")) outdirs.push(String(made));
  return made;
});
afterAll(() => {
  mkdtempSpy.mockRestore();
  outdirs.splice(0).forEach((dir) => realFs.rmSync(dir, { recursive: true, force: true }));
});
