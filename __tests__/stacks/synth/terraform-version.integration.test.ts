import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { parseAppConfig } from "../../../stacks/config/load";
import { SynthError } from "../../../stacks/synth-errors";
import { checkTerraformVersion } from "../../../stacks/synth/terraform-version";

const dir = fs.mkdtempSync(path.join(os.tmpdir(), "fake-terraform-"));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

/** A stand-in terraform that prints `version`, and counts its runs in `<file>.runs`. */
function terraformPrinting(version: string, file = path.join(dir, `terraform-${version}`)): string {
  fs.writeFileSync(file, `#!/bin/sh\necho run >> "$0.runs"\necho "Terraform v${version}"\necho "on linux_amd64"\n`, {
    mode: 0o755,
  });
  return file;
}

const runsOf = (binary: string) => fs.readFileSync(`${binary}.runs`, "utf8").split("\n").filter(Boolean).length;

const local = parseAppConfig({ stacks: [{ name: "a" }] }, "test").stacks;
const s3 = parseAppConfig({ stacks: [{ name: "a", backend: { type: "s3", bucket: "acme-tfstate" } }] }, "test").stacks;

describe("the terraform version check at synth", () => {
  it("accepts 1.7 for local state and 1.10 for S3 state with a lock file", async () => {
    await expect(checkTerraformVersion(local, { binary: terraformPrinting("1.7.0") })).resolves.toEqual({ status: "ok" });
    await expect(checkTerraformVersion(s3, { binary: terraformPrinting("1.10.5") })).resolves.toEqual({ status: "ok" });
  });

  it("fails on a terraform without removed blocks, naming the version and what to do", async () => {
    const binary = terraformPrinting("1.6.6");
    await expect(checkTerraformVersion(local, { binary })).rejects.toThrow(SynthError);
    await expect(checkTerraformVersion(local, { binary })).rejects.toThrow(
      `${binary} v1.6.6 is too old: the synthesized stacks need 1.7 or newer (removed blocks). Install a newer Terraform.`,
    );
  });

  it("fails on a terraform without S3 lock files when the backend uses one, offering the alternative", async () => {
    await expect(checkTerraformVersion(s3, { binary: terraformPrinting("1.9.8") })).rejects.toThrow(
      'need 1.10 or newer (S3 state locking with use_lockfile). Install a newer Terraform, or set "useLockfile": false and a "dynamodbTable" in the backend.',
    );
  });

  it("only warns when there is no terraform at all: synth needs none, plan and apply do", async () => {
    await expect(checkTerraformVersion(s3, { binary: path.join(dir, "no-such-terraform") })).resolves.toEqual({
      status: "not-installed",
      warning: expect.stringMatching(
        /^warning: ".*no-such-terraform" is not on PATH\. The stacks are synthesized; terraform plan and apply of them need Terraform 1\.10 or newer \(S3 state locking/,
      ),
    });
  });

  it("fails when a terraform is there but cannot be run", async () => {
    const binary = path.join(dir, "not-executable-terraform");
    fs.writeFileSync(binary, "#!/bin/sh\n", { mode: 0o644 });
    await expect(checkTerraformVersion(local, { binary })).rejects.toThrow(
      /^Cannot run ".*not-executable-terraform version" \(.*EACCES.*\)\. The synthesized stacks need Terraform 1\.7 or newer on PATH/,
    );
  });

  it("runs a terraform it has seen once only, and again when the binary changes", async () => {
    // GIVEN a cache file and a terraform 1.7 on PATH (by name, as in a pipeline)
    const bin = fs.mkdtempSync(path.join(dir, "bin-"));
    const binary = terraformPrinting("1.7.0", path.join(bin, "terraform"));
    const options = { binary: "terraform", cacheFile: path.join(dir, "cache", "terraform-version.json") };
    const saved = process.env.PATH;
    process.env.PATH = `${bin}${path.delimiter}${saved}`;
    try {
      // WHEN two synths check it THEN it ran once
      await checkTerraformVersion(local, options);
      await checkTerraformVersion(local, options);
      expect(runsOf(binary)).toBe(1);
      // WHEN it is replaced by a 1.6 (another size and mtime) THEN the check runs it again and fails
      terraformPrinting("1.6.10", binary);
      await expect(checkTerraformVersion(local, options)).rejects.toThrow("terraform v1.6.10 is too old");
      expect(runsOf(binary)).toBe(2);
    } finally {
      process.env.PATH = saved;
    }
  });
});
