import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { parseAppConfig } from "../../stacks/config-validation";
import { ConfigError } from "../../stacks/errors";
import { checkTerraformVersion } from "../../stacks/terraform-version";

const dir = fs.mkdtempSync(path.join(os.tmpdir(), "fake-terraform-"));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

/** A stand-in terraform that prints `version`. */
function terraformPrinting(version: string): string {
  const file = path.join(dir, `terraform-${version}`);
  fs.writeFileSync(file, `#!/bin/sh\necho "Terraform v${version}"\necho "on linux_amd64"\n`, { mode: 0o755 });
  return file;
}

const local = parseAppConfig({ stacks: [{ name: "a" }] }, "test").stacks;
const s3 = parseAppConfig({ stacks: [{ name: "a", backend: { type: "s3", bucket: "acme-tfstate" } }] }, "test").stacks;

describe("the terraform version check at synth", () => {
  it("accepts 1.7 for local state and 1.10 for S3 state with a lock file", () => {
    expect(() => checkTerraformVersion(local, terraformPrinting("1.7.0"))).not.toThrow();
    expect(() => checkTerraformVersion(s3, terraformPrinting("1.10.5"))).not.toThrow();
  });

  it("fails on a terraform without removed blocks, naming the version and what to do", () => {
    const binary = terraformPrinting("1.6.6");
    expect(() => checkTerraformVersion(local, binary)).toThrow(ConfigError);
    expect(() => checkTerraformVersion(local, binary)).toThrow(`${binary} v1.6.6 is too old: the synthesized stacks need 1.7 or newer (removed blocks). Install a newer Terraform.`);
  });

  it("fails on a terraform without S3 lock files when the backend uses one, offering the alternative", () => {
    expect(() => checkTerraformVersion(s3, terraformPrinting("1.9.8"))).toThrow(
      'need 1.10 or newer (S3 state locking with use_lockfile). Install a newer Terraform, or set "useLockfile": false and a "dynamodbTable" in the backend.',
    );
  });

  it("fails when terraform cannot be run", () => {
    expect(() => checkTerraformVersion(local, path.join(dir, "no-such-terraform"))).toThrow(/^Cannot run ".*no-such-terraform version" \(.*\)\. The synthesized stacks need Terraform 1\.7 or newer on PATH/);
  });
});
