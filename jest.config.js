/** @type {import('jest').Config} */
module.exports = {
  testEnvironment: "node",
  roots: ["<rootDir>/__tests__"],
  testMatch: ["**/*.test.ts"],
  transform: {
    "^.+\\.ts$": ["@swc/jest", { jsc: { parser: { syntax: "typescript" }, target: "es2022" }, module: { type: "commonjs" } }],
  },
  // The stack ships the bundled script as an asset, so build it (and build/main.js) once before any test.
  globalSetup: "<rootDir>/__tests__/support/global-setup.js",
  setupFilesAfterEnv: ["<rootDir>/__tests__/support/setup.ts"],
};
