import { silenceSdkNodeVersionNotice } from "./sdk-notice";
import { execute } from "./command";

silenceSdkNodeVersionNotice();

void execute(process.argv.slice(2), process.env, {
  stdout: (line) => process.stdout.write(`${line}\n`),
  stderr: (line) => process.stderr.write(`${line}\n`),
}).then((code) => {
  process.exitCode = code;
});
