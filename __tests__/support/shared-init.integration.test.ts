import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { SharedInit } from "./shared-init";

const LOCAL_STATE = {
  backend: { local: { path: "../../../terraform.e2e.tfstate" } },
  required_providers: { aws: { source: "aws", version: "5.100.0" } },
};

let work: string;
beforeAll(() => {
  work = fs.mkdtempSync(path.join(os.tmpdir(), "root-access-shared-init-test-"));
});
afterAll(() => fs.rmSync(work, { recursive: true, force: true }));

/** A synthesized stack folder with `terraform` as its block, as cdktf.out/stacks/<name> of a scenario. */
function stackFolder(name: string, terraform: unknown): string {
  const dir = path.join(work, name, "cdktf.out", "stacks", "e2e");
  fs.mkdirSync(dir, { recursive: true });
  fs.writeFileSync(path.join(dir, "cdk.tf.json"), JSON.stringify({ terraform }));
  return dir;
}

describe("SharedInit across the test files of one run", () => {
  it("initializes a local-state block once, even when two files ask at the same moment, and keeps it for later files", async () => {
    // GIVEN the run's folder and two files' SharedInit, each with a stack of the same block
    const runFolder = fs.mkdtempSync(path.join(work, "run-"));
    const [first, second] = [new SharedInit(runFolder), new SharedInit(runFolder)];
    const [one, two] = [stackFolder("one", LOCAL_STATE), stackFolder("two", LOCAL_STATE)];
    // WHEN both initialize at once
    await Promise.all([first.into(one, process.env), second.into(two, process.env)]);
    // THEN both stacks hold the provider and a lock file without checksums, and the run keeps one folder for it
    for (const dir of [one, two]) {
      expect(fs.readdirSync(path.join(dir, ".terraform", "providers", "registry.terraform.io", "hashicorp", "aws"))).toEqual([
        "5.100.0",
      ]);
      const lockFile = fs.readFileSync(path.join(dir, ".terraform.lock.hcl"), "utf8");
      expect(lockFile).toContain('version     = "5.100.0"');
      expect(lockFile).not.toContain("hashes");
    }
    expect(fs.readdirSync(runFolder)).toHaveLength(1);

    // WHEN a later file asks, where terraform cannot even start
    const later = stackFolder("later", LOCAL_STATE);
    await new SharedInit(runFolder).into(later, { ...process.env, PATH: "/nonexistent" });
    // THEN it gets the run's folder, without running init
    expect(fs.existsSync(path.join(later, ".terraform.lock.hcl"))).toBe(true);

    // AND a file that is done leaves the run's folder for the others
    first.remove();
    expect(fs.readdirSync(runFolder)).toHaveLength(1);
  });
});
