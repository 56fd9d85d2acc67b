import type { CommandLineSpec } from "../../scripts/command-line/command-line";

/** What `npm run emulator` accepts, and its --help text. */
export const COMMAND_LINE: CommandLineSpec = {
  name: "emulator",
  synopsis: "Usage: npm run emulator [-- --port <port>]",
  help: `Usage: npm run emulator [-- --port <port>]

Starts the local AWS emulator (moto 5.2.1 with this project's IAM root access extension) until Ctrl-C, and
prints the variables that point any AWS tool at it.

  --port <port>  the loopback port to listen on (default: a free one)
  -h, --help     this text`,
  options: { port: { type: "string" } },
  positionals: { min: 0, max: 0 },
};
