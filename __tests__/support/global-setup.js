// @ts-check
const { execFileSync } = require("node:child_process");
const { randomUUID } = require("node:crypto");
const path = require("node:path");
const { RUN_MARKER } = require("./leaked-processes");

/**
 * Before the integration and end-to-end tiers: builds every program into build/ (the stacks ship
 * build/root-access.js, and tests run the others), and marks this run in the environment every test process
 * inherits, so the global teardown can find any of them still running.
 */
module.exports = async () => {
  process.env[RUN_MARKER] ??= randomUUID();
  execFileSync(process.execPath, [path.join(__dirname, "..", "..", "tools", "build.mjs")], { stdio: "inherit" });
};
