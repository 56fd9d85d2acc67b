import { App } from "cdktf";
import { projectRoot } from "./scripts/project-root";
import { loadConfig } from "./stacks/config";
import { ConfigError } from "./stacks/errors";
import { RootAccessStack } from "./stacks/root-access-stack";

try {
  const config = loadConfig({ env: process.env, projectRoot: projectRoot() });
  const app = new App();
  for (const stack of config.stacks) {
    new RootAccessStack(app, stack.name, { config: stack });
  }
  app.synth();
} catch (error) {
  if (!(error instanceof ConfigError)) throw error;
  process.stderr.write(`${error.message}\n`);
  process.exitCode = 1;
}
