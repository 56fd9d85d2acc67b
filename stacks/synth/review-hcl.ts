import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { App, TerraformStack } from "cdktf";

/** The review copy's name: not `.tf`, so terraform never loads it beside cdk.tf.json (that would declare everything twice). */
export const REVIEW_HCL_FILE = "cdk.hcl";

/**
 * Writes each stack's configuration as HCL beside its cdk.tf.json, for people to review; terraform keeps using
 * the JSON. Formatted by `terraform fmt` when terraform is on PATH.
 */
export function writeReviewHcl(app: App, stacks: readonly TerraformStack[]): void {
  for (const stack of stacks) {
    const { hcl } = stack.toHclTerraform() as { hcl: string };
    const formatted = spawnSync("terraform", ["fmt", "-"], { input: hcl, encoding: "utf8" });
    const text = formatted.status === 0 ? formatted.stdout : hcl;
    fs.writeFileSync(path.join(app.outdir, "stacks", stack.node.id, REVIEW_HCL_FILE), text);
  }
}
