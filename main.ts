import * as fs from "node:fs";
import * as path from "node:path";
import { App } from "cdktf";
import {
  CommandLineSpec,
  EXIT_CODES,
  Invocation,
  parseCommandLine,
  reportFailure,
  runAsProcess,
} from "./scripts/command-line/command-line";
import { loadConfig } from "./stacks/config/load";
import { projectRoot } from "./stacks/config/project-root";
import { RootAccessStack, requireScriptBundle } from "./stacks/root-access-stack";
import { outdirParentMissing } from "./stacks/synth-errors";
import { writeReviewHcl } from "./stacks/synth/review-hcl";
import { checkTerraformVersion } from "./stacks/synth/terraform-version";
import { SYNTH_COMMAND_LINE } from "./stacks/synth/usage";

// The CDKTF app, run as build/main.js (npm run synth, cdktf.json's "app"): config in, one stack per
// organization, synth. The script bundle is built beside this file, so it is found there.
const SCRIPT_BUNDLE = path.join(__dirname, "root-access.js");

const COMMAND_LINE: CommandLineSpec = SYNTH_COMMAND_LINE;

/** Synthesizes the configured stacks; returns the exit code. */
export async function synth({ argv, env, io }: Invocation): Promise<number> {
  try {
    const commandLine = parseCommandLine(COMMAND_LINE, argv);
    if (commandLine.help) {
      io.stdout(COMMAND_LINE.help);
      return EXIT_CODES.ok;
    }
    const root = projectRoot();
    const config = loadConfig({ env, projectRoot: root });
    if (commandLine.values.list) {
      io.stdout(JSON.stringify(config.stacks.map((stack) => stack.name)));
      return EXIT_CODES.ok;
    }
    const outdir = path.resolve(env.CDKTF_OUTDIR || "cdktf.out");
    // Before the App, which creates the output folder: a failed synth writes nothing.
    if (!fs.existsSync(path.dirname(outdir))) throw outdirParentMissing(outdir);
    requireScriptBundle(SCRIPT_BUNDLE);
    // Checked once, while the stacks are built, instead of cdktf's check per terraform_data resource.
    const terraformChecked = checkTerraformVersion(config.stacks, {
      cacheFile: path.join(root, "build", ".terraform-version.json"),
    });
    // Awaited below; if building a stack throws first, that error is the one to report.
    terraformChecked.catch(() => undefined);
    const app = new App({ outdir, skipValidation: true });
    const stacks = config.stacks.map(
      (stack) => new RootAccessStack(app, stack.name, { config: stack, scriptBundle: SCRIPT_BUNDLE }),
    );
    const terraform = await terraformChecked;
    app.synth();
    if (commandLine.values.hcl) writeReviewHcl(app, stacks);
    if (terraform.status === "not-installed") io.stderr(`synth: ${terraform.warning}`);
    if (commandLine.values.quiet !== true) {
      for (const stack of config.stacks) {
        const folder = path.relative(process.cwd(), path.join(outdir, "stacks", stack.name)) || ".";
        const files = ["cdk.tf.json", ...(commandLine.values.hcl ? ["cdk.hcl"] : [])].join(" and ");
        io.stdout(`synth: stack ${stack.name}: ${files} in ${folder}`);
      }
    }
    return EXIT_CODES.ok;
  } catch (error) {
    return reportFailure(COMMAND_LINE, error, io);
  }
}

// Run when this file is the program (node build/main.js, or tools/launch.mjs, which loads it with require and
// sets argv first), not when a test imports it.
if (process.argv[1] !== undefined && path.resolve(process.argv[1]) === __filename) runAsProcess(synth);
