// node scripts/run.mjs <program> [args...]: builds whatever is stale (see build.mjs), then runs
// build/<program>.js in this same process with the given arguments, so a command starts Node once.
import { createRequire } from "node:module";
import * as path from "node:path";
import { fileURLToPath } from "node:url";
import { buildStale, outputOf, programNames } from "./build.mjs";

const [program, ...args] = process.argv.slice(2);
if (!programNames().includes(program)) {
  process.stderr.write(`run.mjs: unknown program "${program ?? ""}". Known programs: ${programNames().join(", ")}.\n`);
  process.exit(2);
}
await buildStale();
const file = fileURLToPath(new URL(`../${outputOf(program)}`, import.meta.url));
process.argv = [process.argv[0], file, ...args];
createRequire(import.meta.url)(path.resolve(file));
