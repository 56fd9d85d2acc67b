import { App } from "cdktf";
import { projectRoot } from "./scripts/project-root";
import { loadConfig } from "./stacks/config";
import { ConfigError } from "./stacks/errors";
import { writeReviewHcl } from "./stacks/review-hcl";
import { checkTerraformVersion } from "./stacks/terraform-version";
import { RootAccessStack } from "./stacks/root-access-stack";

try {
  const config = loadConfig({ env: process.env, projectRoot: projectRoot() });
  checkTerraformVersion(config.stacks);
  // Checked once above instead of cdktf's check per terraform_data resource.
  const app = new App({ skipValidation: true });
  const stacks = config.stacks.map((stack) => new RootAccessStack(app, stack.name, { config: stack }));
  app.synth();
  if (process.argv.includes("--hcl")) {
    writeReviewHcl(app, stacks);
  }
} catch (error) {
  if (!(error instanceof ConfigError)) throw error;
  process.stderr.write(`${error.message}\n`);
  process.exitCode = 1;
}
