// @ts-check
const { execFileSync } = require("node:child_process");
const path = require("node:path");

/** Builds every program into build/: the stacks ship build/root-access.js, and tests run the others. */
module.exports = async () => {
  execFileSync(process.execPath, [path.join(__dirname, "..", "..", "tools", "build.mjs")], { stdio: "inherit" });
};
