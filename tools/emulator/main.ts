import { Emulator } from "./emulator";

// `npm run emulator`: the local AWS for humans, until Ctrl-C.
async function main(): Promise<void> {
  const emulator = await Emulator.start();
  const { endpoint } = emulator;
  process.stdout.write(
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
  const stop = () => emulator.stop().then(() => process.exit(0));
  process.once("SIGINT", () => void stop());
  process.once("SIGTERM", () => void stop());
}

main().catch((error: Error) => {
  process.stderr.write(`${error.message}\n`);
  process.exitCode = 1;
});
