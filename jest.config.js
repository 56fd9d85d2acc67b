// @ts-check
const os = require("node:os");
// Tests live beside the subject they test (__tests__/<folder of the source>/); the speed tier is in the file
// name and decided here: "x.test.ts" is unit, "x.integration.test.ts" integration, "x.e2e.test.ts" end-to-end.

/** @type {import("jest").Config["transform"]} */
const transform = {
  "^.+\\.ts$": ["@swc/jest", { jsc: { parser: { syntax: "typescript" }, target: "es2022" }, module: { type: "commonjs" } }],
};

/**
 * One tier: which files, and its setup (__tests__/support/tiers/<name>.ts), which sets how long one test may take
 * on a loaded 2-core machine (jest reads testTimeout only from the top-level config, not from a project's).
 * @param {string} displayName
 * @param {Partial<import("jest").Config>} options
 * @returns {import("jest").Config}
 */
const tier = (displayName, options) => ({
  displayName,
  testEnvironment: "node",
  roots: ["<rootDir>/__tests__"],
  transform,
  setupFilesAfterEnv: ["<rootDir>/__tests__/support/setup.ts", `<rootDir>/__tests__/support/tiers/${displayName}.ts`],
  ...options,
});

/** @type {import("jest").Config} */
module.exports = {
  // One worker per core: the files are independent (each has its own emulator on a free port, its own temporary
  // folders and state), and the end-to-end files are balanced so that none holds a worker for long.
  maxWorkers: os.availableParallelism(),
  projects: [
    // Synth assertions, config, the script with aws-sdk-client-mock, plan-gate rules, policy: no child process.
    tier("unit", {
      testMatch: ["**/*.test.ts"],
      testPathIgnorePatterns: ["\\.integration\\.test\\.ts$", "\\.e2e\\.test\\.ts$"],
    }),
    // The real build and synth, terraform validate, the emulator extension through the SDK.
    tier("integration", {
      testMatch: ["**/*.integration.test.ts"],
      // The stacks ship the bundled script as an asset, so the programs are built once before the tier.
      globalSetup: "<rootDir>/__tests__/support/global-setup.ts",
      globalTeardown: "<rootDir>/__tests__/support/global-teardown.ts",
    }),
    // Real terraform against the emulator.
    tier("e2e", {
      testMatch: ["**/*.e2e.test.ts"],
      globalSetup: "<rootDir>/__tests__/support/global-setup.ts",
      globalTeardown: "<rootDir>/__tests__/support/global-teardown.ts",
    }),
  ],
};
