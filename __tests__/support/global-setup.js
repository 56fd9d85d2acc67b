const { execFileSync } = require("node:child_process");
const path = require("node:path");

/** Builds build/main.js and build/root-access.js, which the stack and synth tests use. */
module.exports = async () => {
  execFileSync(process.execPath, [path.join(__dirname, "..", "..", "scripts", "build.mjs")], { stdio: "inherit" });
};
