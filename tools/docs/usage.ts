import type { CommandLineSpec } from "../../scripts/command-line/command-line";

/** What `npm run docs` accepts, and its --help text. */
export const COMMAND_LINE: CommandLineSpec = {
  name: "docs",
  synopsis: "Usage: npm run docs",
  help: `Usage: npm run docs

Writes what is generated from the code: root-access.config.schema.json (the editor's JSON Schema of the
configuration) and docs/reference/ (every configuration key, every command's --help text, every plan-gate rule,
every doctor check). A unit test fails while any of them is stale; run this and commit the result.

  -h, --help  this text`,
  positionals: { min: 0, max: 0 },
};
