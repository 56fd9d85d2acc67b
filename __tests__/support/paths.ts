import * as path from "node:path";

/** The checkout under test. */
export const PROJECT_ROOT = path.resolve(__dirname, "..", "..");

/** A program built by tools/build.mjs (global setup builds them all before the integration and e2e tiers). */
export function builtProgram(program: string): string {
  return path.join(PROJECT_ROOT, "build", `${program}.js`);
}
