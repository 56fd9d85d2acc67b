// @ts-check
// node tools/launch.mjs <program> [args...]: builds that program and what it needs if stale (see build.mjs),
// then runs build/<program>.js in this same process with the given arguments, so a command starts Node once.
// Only that program is built: an edit that breaks another one cannot stop it.
import { createRequire } from "node:module";
import * as path from "node:path";
import { fileURLToPath } from "node:url";
import { buildStale, outputOf, programNames } from "./build.mjs";

const [program, ...args] = process.argv.slice(2);
if (program === undefined || !programNames().includes(program)) {
  process.stderr.write(`launch: unknown program "${program ?? ""}". Known programs: ${programNames().join(", ")}.\n`);
  process.exit(2);
}
try {
  await buildStale({ programs: [program] });
} catch (error) {
  // esbuild has already printed its errors, with file and line.
  process.stderr.write(`launch: could not build ${program}: ${/** @type {Error} */ (error).message.split("\n")[0]}\n`);
  process.exit(1);
}
const file = fileURLToPath(new URL(`../${outputOf(program)}`, import.meta.url));
process.argv = [process.argv[0], file, ...args];
createRequire(import.meta.url)(path.resolve(file));
