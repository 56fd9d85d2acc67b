import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { PROJECT_ROOT } from "../support/paths";

const GOLDEN = path.join(__dirname, "golden", "root-access.cdk.tf.json");

describe("the golden copy of the default stack", () => {
  it("matches the synthesized cdk.tf.json byte for byte (run npm run golden:update, review the diff and commit it if the change is intended)", () => {
    const outdir = fs.mkdtempSync(path.join(os.tmpdir(), "root-access-golden-"));
    try {
      const result = spawnSync(process.execPath, [path.join(PROJECT_ROOT, "build", "main.js")], {
        env: { ...process.env, ROOT_ACCESS_CONFIG: path.join(__dirname, "golden", "default.config.json"), CDKTF_OUTDIR: outdir },
        encoding: "utf8",
      });
      expect(result.stderr).toBe("");
      const synthesized = fs.readFileSync(path.join(outdir, "stacks", "root-access", "cdk.tf.json"), "utf8");
      expect(synthesized).toBe(fs.readFileSync(GOLDEN, "utf8"));
    } finally {
      fs.rmSync(outdir, { recursive: true, force: true });
    }
  });
});
