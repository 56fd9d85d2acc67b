import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { countingTerraform, terraformCpu } from "../../../tools/bench/terraform-cpu";

describe("the counting terraform of npm run bench", () => {
  it("runs the real terraform, passing its output and exit code through, and logs each command's CPU", () => {
    // GIVEN the wrapper first on PATH
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "counting-terraform-"));
    try {
      const counted = countingTerraform(dir);
      const env = { ...process.env, PATH: `${counted.bin}${path.delimiter}${process.env.PATH ?? ""}` };
      // WHEN terraform runs through it twice, once with a flag before the subcommand, and once fails
      const version = spawnSync("terraform", ["-chdir=.", "version"], { env, encoding: "utf8", timeout: 60_000 });
      const typo = spawnSync("terraform", ["no-such-subcommand"], { env, encoding: "utf8", timeout: 60_000 });
      // THEN the real terraform answered both, with its own exit codes
      expect(version.status).toBe(0);
      expect(version.stdout).toMatch(/^Terraform v\d+\.\d+\.\d+/);
      expect(typo.status).not.toBe(0);
      // AND the log has one line per command, by subcommand
      expect(
        terraformCpu(counted.log)
          .map(({ subcommand, commands }) => ({ subcommand, commands }))
          .sort((a, b) => a.subcommand.localeCompare(b.subcommand)),
      ).toEqual([
        { subcommand: "nosuchsubcommand", commands: 1 },
        { subcommand: "version", commands: 1 },
      ]);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
