import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { PROJECT_ROOT } from "../support/paths";

// npm run lint validates every workflow in examples/ against GitHub's workflow schema (action-validator), so an
// example cannot be copied broken. These tests hold the validator to that.

const EXAMPLES = path.join(PROJECT_ROOT, "examples");
const validator = path.join(PROJECT_ROOT, "node_modules", ".bin", "action-validator");
const validate = (file: string) => spawnSync(validator, [file], { encoding: "utf8", timeout: 60_000 });

describe("the example workflows", () => {
  it.each(fs.readdirSync(EXAMPLES).filter((name) => name.endsWith(".yml")))("%s is a valid GitHub workflow", (name) => {
    expect(validate(path.join(EXAMPLES, name))).toMatchObject({ status: 0 });
  });

  it("a copy with a mistyped key fails validation, naming it", () => {
    // GIVEN the SCP example with "with:" mistyped on one step
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "workflow-"));
    const broken = fs
      .readFileSync(path.join(EXAMPLES, "scp-what-if.yml"), "utf8")
      .replace("        with:\n          path: policies", "        wiht:\n          path: policies");
    fs.writeFileSync(path.join(dir, "broken.yml"), broken);
    // WHEN validated THEN it fails and says which key is not allowed
    const result = validate(path.join(dir, "broken.yml"));
    fs.rmSync(dir, { recursive: true, force: true });
    expect(result.status).toBe(1);
    expect(result.stdout + result.stderr).toContain("Additional property 'wiht' is not allowed");
  });
});
