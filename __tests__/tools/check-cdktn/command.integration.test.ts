import { spawnSync } from "node:child_process";
import * as path from "node:path";
import { PROJECT_ROOT } from "../../support/paths";

// The check itself (a copy, an npm install of cdktn, a synth) runs in .ci/run under Node 22; here, the command.
const CHECK = path.join(PROJECT_ROOT, "tools", "check-cdktn.mjs");

function checkCdktn(...args: string[]) {
  return spawnSync(process.execPath, [CHECK, ...args], { encoding: "utf8" });
}

describe("npm run check:cdktn, as a command", () => {
  it("prints usage for --help and exits 0", () => {
    const result = checkCdktn("--help");
    expect(result.status).toBe(0);
    expect(result.stdout).toMatch(/^Usage: npm run check:cdktn \[-- --keep\]\n/);
    expect(result.stdout).toContain("cdktn 0.24.0");
  });

  it("refuses an unknown argument with usage and exit 2, touching nothing", () => {
    const result = checkCdktn("--kepp");
    expect(result.status).toBe(2);
    expect(result.stderr).toBe('check:cdktn: unknown argument "--kepp"\nUsage: npm run check:cdktn [-- --keep]\n');
  });

  it("on a Node older than cdktn needs, says which and how to run it, in one line", () => {
    // GIVEN Node 22.10 (the check reads process.versions.node, set here before the script loads)
    const result = spawnSync(
      process.execPath,
      ["--import", "data:text/javascript,Object.defineProperty(process.versions,'node',{value:'22.10.0'})", CHECK],
      { encoding: "utf8" },
    );
    expect(result.status).toBe(1);
    expect(result.stderr).toBe(
      "check:cdktn: cdktn 0.24.0 needs Node 22.11 or newer, and this is Node 22.10.0. " +
        "Run it with a newer Node, for example: npx -p node@22 -- npm run check:cdktn\n",
    );
  });
});
