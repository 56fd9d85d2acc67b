import { App } from "cdktf";
import { projectRoot } from "./scripts/project-root";
import { loadConfig } from "./stacks/config";
import { ConfigError } from "./stacks/errors";
import { writeReviewHcl } from "./stacks/review-hcl";
import { RootAccessStack } from "./stacks/root-access-stack";

try {
  const config = loadConfig({ env: process.env, projectRoot: projectRoot() });
  const app = new App();
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
