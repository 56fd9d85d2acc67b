import { App } from "cdktf";
import * as path from "node:path";
import { loadConfig } from "./stacks/config";
import { ConfigError } from "./stacks/errors";
import { RootAccessStack } from "./stacks/root-access-stack";

// This file runs as build/main.js (see scripts/build.mjs), so the project root is one level up.
const projectRoot = path.resolve(__dirname, "..");

try {
  const config = loadConfig({ env: process.env, projectRoot });
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
