import * as path from "node:path";
import { App } from "cdktf";
import { projectRoot } from "./scripts/project-root";
import { loadConfig } from "./stacks/config";
import { ConfigError } from "./stacks/errors";
import { writeReviewHcl } from "./stacks/review-hcl";
import { checkTerraformVersion } from "./stacks/terraform-version";
import { RootAccessStack } from "./stacks/root-access-stack";

async function main(): Promise<void> {
  const root = projectRoot();
  const config = loadConfig({ env: process.env, projectRoot: root });
  // Checked once, while the stacks are built, instead of cdktf's check per terraform_data resource.
  const terraformChecked = checkTerraformVersion(config.stacks, { cacheFile: path.join(root, "build", ".terraform-version.json") });
  const app = new App({ skipValidation: true });
  const stacks = config.stacks.map((stack) => new RootAccessStack(app, stack.name, { config: stack }));
  await terraformChecked;
  app.synth();
  if (process.argv.includes("--hcl")) {
    writeReviewHcl(app, stacks);
  }
}

main().catch((error: unknown) => {
  if (!(error instanceof ConfigError)) throw error;
  process.stderr.write(`${error.message}\n`);
  process.exitCode = 1;
});
