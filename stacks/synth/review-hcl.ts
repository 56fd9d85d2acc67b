import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { App, TerraformStack } from "cdktf";

/** The review copy's name: not `.tf`, so terraform never loads it beside cdk.tf.json (that would declare everything twice). */
const REVIEW_HCL_FILE = "cdk.hcl";

/**
 * Writes each stack's configuration as HCL beside its cdk.tf.json, for people to review; terraform keeps using
 * the JSON. In today's forms (see {@link modernHcl}), and formatted by `terraform fmt` when terraform is on PATH.
 */
export function writeReviewHcl(app: App, stacks: readonly TerraformStack[]): void {
  for (const stack of stacks) {
    const { hcl } = stack.toHclTerraform() as { hcl: string };
    const modern = modernHcl(hcl);
    const formatted = spawnSync("terraform", ["fmt", "-"], { input: modern, encoding: "utf8" });
    const text = formatted.status === 0 ? formatted.stdout : modern;
    fs.writeFileSync(path.join(app.outdir, "stacks", stack.node.id, REVIEW_HCL_FILE), text);
  }
}

// Where Terraform takes references and keywords, not strings: the quoted forms cdktf writes have been deprecated
// since Terraform 0.12 ("Quoted references are deprecated").
const REFERENCE_LISTS = /^(\s*)(depends_on|ignore_changes|replace_triggered_by)\s*=\s*\[\s*$/;
const KEYWORDS = /^(\s*)(when|on_failure)(\s*)=(\s*)"(destroy|create|continue|fail)"\s*$/;
const ADDRESSES = /^(\s*)(to|from)(\s*)=(\s*)"([A-Za-z_][A-Za-z0-9_.-]*)"\s*$/;
const QUOTED_ITEM = /^(\s*)"([A-Za-z_][A-Za-z0-9_.\-[\]*]*)"(,?)\s*$/;

/**
 * cdktf's HCL with references and keywords unquoted: `depends_on = [aws_x.y]`, `ignore_changes = [attr]`,
 * `when = destroy`, `on_failure = continue`, and `to`/`from` addresses of `import` and `removed` blocks.
 */
function modernHcl(hcl: string): string {
  let inReferenceList = false;
  return hcl
    .split("\n")
    .map((line) => {
      if (inReferenceList) {
        if (/^\s*\]\s*$/.test(line)) inReferenceList = false;
        return line.replace(QUOTED_ITEM, "$1$2$3");
      }
      if (REFERENCE_LISTS.test(line)) {
        inReferenceList = true;
        return line;
      }
      return line.replace(KEYWORDS, "$1$2$3=$4$5").replace(ADDRESSES, "$1$2$3=$4$5");
    })
    .join("\n");
}
