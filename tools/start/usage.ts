import type { CommandLineSpec } from "../../scripts/command-line/command-line";

/** What `npm start` accepts, and its --help text. */
export const COMMAND_LINE: CommandLineSpec = {
  name: "start",
  synopsis: "Usage: npm start",
  help: `Usage: npm start

Runs the whole setup against a local AWS emulator, in a temporary folder, with test credentials: synthesizes
your configuration, runs terraform init and apply, prints the organization, its trusted access and the root
access features before and after, shows that a second plan is clean, and stops the emulator. No AWS account is
needed and none is touched. Needs terraform on PATH and python3 with moto 5.2.1.`,
  positionals: { min: 0, max: 0 },
};
