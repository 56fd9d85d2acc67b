// @ts-check
// Builds the programs this project runs, as plain JS, so nothing is type-checked or transpiled at synth or
// apply time. Each program is one esbuild bundle in build/; `needs` names the programs it runs or ships, which
// are built with it and nothing else, so a broken benchmark or emulator can never stop `npm run synth`.
//
// A program is rebuilt only when a file esbuild read for it (node_modules included), package-lock.json or this
// file changed since its last build: build/.inputs.json keeps the size and mtime of each. An up-to-date build
// costs a few hundred stat calls instead of esbuild, so `npm run synth` pays for bundling only after an edit.
//
//   node tools/build.mjs [--force] [program...]    every program, or the named ones and what they need
import * as fs from "node:fs";
import * as path from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";

const projectRoot = fileURLToPath(new URL("..", import.meta.url));
const thisFile = path.relative(projectRoot, fileURLToPath(import.meta.url));
const inputsFile = path.join(projectRoot, "build", ".inputs.json");

/** @type {import("esbuild").BuildOptions} */
const common = {
  absWorkingDir: projectRoot,
  bundle: true,
  platform: "node",
  target: "node20",
  format: "cjs",
  logLevel: "warning",
  metafile: true,
  // No source maps: relative paths in comments keep the bundle (and so the asset hash) identical across checkouts.
  sourcemap: false,
};

/**
 * @typedef {object} Program
 * @property {string} entry         its entry point, relative to the project root
 * @property {string} description   what it is, for `--help` and errors
 * @property {readonly string[]} [needs]  programs it runs or ships, built with it
 * @property {Record<string, string>} [stubs]  what it never needs, replaced by a file of tools/build-stubs/
 * @property {import("esbuild").BuildOptions} [options]  esbuild options beyond `common`
 */

/** @type {Record<string, Program>} */
const programs = {
  main: {
    entry: "main.ts",
    description: "the CDKTF app (npm run synth, cdktf.json's app)",
    needs: ["root-access"],
    // The regions of a partition come from the AWS SDK's own data file, found in node_modules at run time.
    options: { external: ["@aws-sdk/core/package.json"] },
    stubs: {
      archiver: "tools/build-stubs/archiver.js",
      "cdktf/lib/tokens/private/stack-trace.js": "tools/build-stubs/cdktf-stack-trace.js",
    },
  },
  "root-access": {
    entry: "scripts/root-access/main.ts",
    description: "the local-exec program, shipped in every stack folder",
    options: { minify: true, keepNames: true, legalComments: "eof" },
  },
  "plan-gate": { entry: "scripts/plan-gate/main.ts", description: "the plan gate", options: { packages: "external" } },
  "plan-summary": { entry: "scripts/plan-summary/main.ts", description: "the plan summary", options: { packages: "external" } },
  policy: {
    entry: "scripts/policy/main.ts",
    description: "the least-privilege policy of a stack",
    options: { packages: "external" },
  },
  drift: { entry: "scripts/drift/main.ts", description: "the drift check of a stack", options: { packages: "external" } },
  doctor: {
    entry: "scripts/doctor/main.ts",
    description: "whether centralized root access works in the organization",
    options: { packages: "external" },
  },
  "root-credentials": {
    entry: "scripts/root-credentials/main.ts",
    description: "audit, remove and recover member accounts' root credentials",
    options: { packages: "external" },
  },
  "root-task": {
    entry: "scripts/root-task/main.ts",
    description: "break-glass root tasks: unlock a bucket policy or a queue policy",
    options: { packages: "external" },
  },
  start: {
    entry: "tools/start/main.ts",
    description: "npm start: the whole setup against the local emulator",
    needs: ["main", "doctor"],
    options: { packages: "external" },
  },
  emulator: { entry: "tools/emulator/main.ts", description: "the local AWS emulator", options: { packages: "external" } },
  bench: { entry: "tools/bench/main.ts", description: "npm run bench", needs: ["main"], options: { packages: "external" } },
  docs: {
    entry: "tools/docs/main.ts",
    description: "writes the config's JSON Schema and docs/reference/ from the code",
    options: { packages: "external" },
  },
};

/**
 * Replaces what a program never needs with a file of ours: a package (`archiver`), or one file inside a
 * package (`cdktf/lib/....js`).
 * @param {Record<string, string>} stubs
 * @returns {import("esbuild").Plugin}
 */
function stubPlugin(stubs) {
  return {
    name: "stubs",
    setup(build) {
      for (const [what, file] of Object.entries(stubs)) {
        const replacement = path.join(projectRoot, file);
        if (what.endsWith(".js")) {
          const filter = new RegExp(`node_modules/${what.replace(/[.]/g, "\\.")}$`);
          build.onLoad({ filter }, () => ({ contents: fs.readFileSync(replacement, "utf8"), loader: "js" }));
        } else {
          build.onResolve({ filter: new RegExp(`^${what}$`) }, () => ({ path: replacement }));
        }
      }
    },
  };
}

/**
 * The output file of a program, relative to the project root.
 * @param {string} program
 */
export function outputOf(program) {
  return `build/${program}.js`;
}

/** The names of every program. */
export function programNames() {
  return Object.keys(programs);
}

/**
 * A program and every program it needs, transitively, in build order.
 * @param {string} program
 * @returns {string[]}
 */
export function withNeeds(program) {
  const needs = programs[program]?.needs ?? [];
  return [...new Set([...needs.flatMap(withNeeds), program])];
}

/** @param {string} file */
function fingerprint(file) {
  try {
    const stat = fs.statSync(path.join(projectRoot, file));
    return `${stat.size}:${stat.mtimeMs}`;
  } catch {
    return "missing";
  }
}

/** @returns {Record<string, Record<string, string>>} */
function readRecorded() {
  try {
    return JSON.parse(fs.readFileSync(inputsFile, "utf8"));
  } catch {
    return {};
  }
}

/** @param {Record<string, string> | undefined} recorded */
function isUpToDate(recorded) {
  return recorded !== undefined && Object.entries(recorded).every(([file, print]) => fingerprint(file) === print);
}

/**
 * Builds the named programs (default: all) and what they need, where the output is missing or older than its
 * inputs; returns the names it built. Throws when esbuild reports an error.
 * @param {{ readonly programs?: readonly string[]; readonly force?: boolean }} [options]
 * @returns {Promise<string[]>}
 */
export async function buildStale({ programs: wanted = programNames(), force = false } = {}) {
  const unknown = wanted.filter((program) => !(program in programs));
  if (unknown.length > 0) throw new Error(`unknown program ${unknown.join(", ")}; the programs are ${programNames().join(", ")}`);
  const recorded = readRecorded();
  const stale = [...new Set(wanted.flatMap(withNeeds))].filter((program) => force || !isUpToDate(recorded[program]));
  if (stale.length === 0) return stale;
  const { build } = await import("esbuild");
  await Promise.all(
    stale.map(async (program) => {
      const outfile = outputOf(program);
      const { entry, stubs = {}, options = {} } = programs[program];
      const { metafile } = await build({ ...common, ...options, entryPoints: [entry], plugins: [stubPlugin(stubs)], outfile });
      const files = [thisFile, "package-lock.json", outfile, ...Object.values(stubs), ...Object.keys(metafile?.inputs ?? {})];
      recorded[program] = Object.fromEntries(files.map((file) => [file, fingerprint(file)]));
    }),
  );
  // Re-read and merged, written whole and renamed: a concurrent build of other programs keeps its entries, and
  // no reader ever sees half a file.
  const merged = { ...readRecorded(), ...Object.fromEntries(stale.map((program) => [program, recorded[program]])) };
  const temporary = `${inputsFile}.${process.pid}`;
  fs.writeFileSync(temporary, JSON.stringify(merged));
  fs.renameSync(temporary, inputsFile);
  return stale;
}

const USAGE = `Usage: node tools/build.mjs [--force] [program...]

Builds the programs into build/ (only those whose inputs changed; --force rebuilds them all).
With program names, builds those and what they need. The programs:
${Object.entries(programs)
  .map(([name, program]) => `  ${name.padEnd(14)}${program.description}`)
  .join("\n")}`;

if (process.argv[1] && import.meta.url === pathToFileURL(path.resolve(process.argv[1])).href) {
  const args = process.argv.slice(2);
  if (args.includes("--help") || args.includes("-h")) {
    process.stdout.write(`${USAGE}\n`);
  } else {
    const flags = args.filter((arg) => arg.startsWith("-"));
    const names = args.filter((arg) => !arg.startsWith("-"));
    const badFlag = flags.find((flag) => flag !== "--force");
    const badName = names.find((name) => !(name in programs));
    if (badFlag !== undefined || badName !== undefined) {
      process.stderr.write(
        `build: ${badFlag !== undefined ? `unknown flag ${badFlag}` : `unknown program "${badName}"`}\n${USAGE}\n`,
      );
      process.exitCode = 2;
    } else {
      try {
        await buildStale({ programs: names.length > 0 ? names : programNames(), force: flags.includes("--force") });
      } catch (error) {
        // esbuild has already printed its errors, with file and line.
        process.stderr.write(`build: ${/** @type {Error} */ (error).message.split("\n")[0]}\n`);
        process.exitCode = 1;
      }
    }
  }
}
