// The synth command's command line (npm run synth, cdktf.json's app): data only, so the reference in docs/ can
// print it without synthesizing anything. main.ts parses with it.

/** What `npm run synth` accepts, and its --help text. */
export const SYNTH_COMMAND_LINE = {
  name: "synth",
  synopsis: "Usage: npm run synth [-- --hcl] [--quiet] [--list]",
  help: `Usage: npm run synth [-- --hcl] [--quiet] [--list]

Synthesizes one Terraform stack per organization in the configuration (ROOT_ACCESS_CONFIG, else
root-access.config.json, else the defaults) into cdktf.out/stacks/<name> (CDKTF_OUTDIR moves cdktf.out), and
prints one line per stack generated. Terraform is not needed to synthesize: without it, synth warns that plan and
apply will need it; a terraform that is too old fails synth.

  --hcl       also write cdk.hcl, an HCL copy for people to review (terraform keeps reading cdk.tf.json)
  --quiet     print nothing but warnings and errors
  --list      synthesize nothing: print the configured stacks' names as one JSON array, in configuration order
              (a CI matrix fans out over it: fromJSON in GitHub Actions)
  -h, --help  this text`,
  options: { hcl: { type: "boolean" }, quiet: { type: "boolean" }, list: { type: "boolean" } },
  positionals: { min: 0, max: 0 },
} as const;
