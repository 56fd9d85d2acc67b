import { run } from "./run";

// The pinned SDK still supports Node 20 but announces its future minimum on every run; terraform's log
// should show this script's output, not that notice. Real warnings and errors are untouched.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ||= "true";

run(process.argv.slice(2), process.env, {
  stdout: (line) => process.stdout.write(`${line}\n`),
  stderr: (line) => process.stderr.write(`${line}\n`),
}).then((code) => {
  process.exitCode = code;
});
