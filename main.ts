import * as path from "node:path";
import { App } from "cdktf";
import { loadConfig } from "./stacks/config/load";
import { projectRoot } from "./stacks/config/project-root";
import { SynthError } from "./stacks/errors";
import { RootAccessStack, requireScriptBundle } from "./stacks/root-access-stack";
import { writeReviewHcl } from "./stacks/synth/review-hcl";
import { checkTerraformVersion } from "./stacks/synth/terraform-version";

// The CDKTF app, run as build/main.js (npm run synth, cdktf.json's "app"): config in, one stack per
// organization, synth. The script bundle is built beside this file, so it is found there.
const SCRIPT_BUNDLE = path.join(__dirname, "root-access.js");

async function main(): Promise<void> {
  const root = projectRoot();
  const config = loadConfig({ env: process.env, projectRoot: root });
  // Before the App, which creates the output folder: a failed synth writes nothing.
  requireScriptBundle(SCRIPT_BUNDLE);
  // Checked once, while the stacks are built, instead of cdktf's check per terraform_data resource.
  const terraformChecked = checkTerraformVersion(config.stacks, {
    cacheFile: path.join(root, "build", ".terraform-version.json"),
  });
  // Awaited below; if building a stack throws first, that error is the one to report.
  terraformChecked.catch(() => undefined);
  const app = new App({ skipValidation: true });
  const stacks = config.stacks.map(
    (stack) => new RootAccessStack(app, stack.name, { config: stack, scriptBundle: SCRIPT_BUNDLE }),
  );
  await terraformChecked;
  app.synth();
  if (process.argv.includes("--hcl")) {
    writeReviewHcl(app, stacks);
  }
}

main().catch((error: unknown) => {
  if (!(error instanceof SynthError)) throw error;
  process.stderr.write(`${error.message}\n`);
  process.exitCode = 1;
});
