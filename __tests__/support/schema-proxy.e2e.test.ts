import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { SharedInit } from "./shared-init";
import { AttachableTerraform, SharedProvider } from "./shared-provider";

/** A terraform configuration (JSON syntax) with the AWS provider the stacks use and `resources`. */
function configWith(resources: Record<string, Record<string, Record<string, unknown>>>): string {
  return JSON.stringify({
    terraform: { required_providers: { aws: { source: "hashicorp/aws", version: "5.100.0" } } },
    provider: { aws: [{ region: "us-east-1", skip_credentials_validation: true, skip_requesting_account_id: true }] },
    resource: resources,
  });
}

describe("terraform attached to the shared provider through its schema proxy", () => {
  const sharedInit = new SharedInit();
  const sharedProvider = new SharedProvider();
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "root-access-schema-proxy-"));
  const terraform = new AttachableTerraform(dir, { ...process.env, AWS_ACCESS_KEY_ID: "x", AWS_SECRET_ACCESS_KEY: "y" }, dir);

  /** `terraform validate` of `resources`, attached through the proxy. */
  async function validate(resources: Record<string, Record<string, Record<string, unknown>>>) {
    fs.writeFileSync(path.join(dir, "cdk.tf.json"), configWith(resources));
    return terraform.run(["validate"]);
  }

  beforeAll(async () => {
    fs.writeFileSync(path.join(dir, "cdk.tf.json"), configWith({}));
    await sharedInit.into(dir, terraform.env);
    terraform.attach(sharedProvider);
  });
  afterAll(() => sharedProvider.stop());
  afterAll(() => sharedInit.remove());
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  it("validates the stacks' resource types against the provider's own schema", async () => {
    // GIVEN an organization as the stacks write it WHEN terraform validates it THEN it is valid
    const valid = await validate({ aws_organizations_organization: { organization: { feature_set: "ALL" } } });
    expect(valid.stdout).toContain("Success! The configuration is valid.");
    // AND an argument the provider's schema does not have is still caught, so the schema is the real one
    const misspelt = await validate({ aws_organizations_organization: { organization: { feature_sets: "ALL" } } });
    expect(misspelt.code).toBe(1);
    expect(misspelt.stderr).toContain('No argument or block type is named "feature_sets". Did you mean');
  });

  it("fails loudly, never silently, on a resource type the stacks do not use", async () => {
    // GIVEN a resource type outside the stacks' list WHEN terraform validates it
    const result = await validate({ aws_s3_bucket: { bucket: { bucket: "b" } } });
    // THEN terraform refuses it by name
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('The provider hashicorp/aws does not support resource type "aws_s3_bucket".');
  });
});
