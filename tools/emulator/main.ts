import {
  EXIT_CODES,
  Invocation,
  UsageError,
  parseCommandLine,
  reportFailure,
  runAsProcess,
} from "../../scripts/command-line/command-line";
import { Emulator } from "./emulator";
import { COMMAND_LINE } from "./usage";

// `npm run emulator`: the local AWS for humans, until Ctrl-C.
async function emulatorCommand({ argv, io }: Invocation): Promise<number> {
  let port: number;
  try {
    const commandLine = parseCommandLine(COMMAND_LINE, argv);
    if (commandLine.help) {
      io.stdout(COMMAND_LINE.help);
      return EXIT_CODES.ok;
    }
    port = readPort(commandLine.values.port);
  } catch (error) {
    return reportFailure(COMMAND_LINE, error, io);
  }
  const emulator = await Emulator.start({ port });
  const { endpoint } = emulator;
  io.stdout(
    [
      `Local AWS emulator (moto with the org-root-access extension) listening on ${endpoint}`,
      "",
      "Point any AWS tool at it (the AWS CLI, the SDK, terraform, this project's script):",
      `  export AWS_ENDPOINT_URL=${endpoint} AWS_ACCESS_KEY_ID=test AWS_SECRET_ACCESS_KEY=test AWS_REGION=us-east-1`,
      "",
      "Test knobs:",
      `  curl ${endpoint}/_org-root-access/calls                  calls per service:Action`,
      `  curl -X POST ${endpoint}/_org-root-access/settings -d '{"serviceAccessLagSeconds": 10}'`,
      `  curl -X POST ${endpoint}/_org-root-access/settings -d '{"fault": "server-error"}'   (or "drop", "none")`,
      `  curl -X POST ${endpoint}/_org-root-access/settings -d '{"dropReplies": {"organizations:CreateOrganization": 1}}'`,
      `  curl -X POST ${endpoint}/_org-root-access/settings -d '{"replyDelaySeconds": {"organizations:CreateOrganization": 20}}'`,
      `  curl -X POST ${endpoint}/moto-api/reset                  forget everything`,
      "",
      "Ctrl-C stops it.",
      "",
    ].join("\n"),
  );
  await new Promise<void>((resolve) => {
    process.once("SIGINT", resolve);
    process.once("SIGTERM", resolve);
  });
  await emulator.stop();
  return EXIT_CODES.ok;
}

function readPort(value: string | boolean | undefined): number {
  if (value === undefined) return 0;
  const port = Number(value);
  if (typeof value !== "string" || !/^\d{1,5}$/.test(value) || port > 65535) {
    throw new UsageError(`emulator: --port ${JSON.stringify(String(value)).slice(0, 20)} is not a port number from 0 to 65535`);
  }
  return port;
}

runAsProcess(async (invocation) => {
  try {
    return await emulatorCommand(invocation);
  } catch (error) {
    // The emulator could not start: its message says what to install.
    invocation.io.stderr((error as Error).message);
    return EXIT_CODES.failed;
  }
});
