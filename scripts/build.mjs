// Builds the programs this project runs, as plain JS, so nothing is type-checked or transpiled
// at synth or apply time:
//   build/main.js         the CDKTF app, dependencies bundled in (one file loads faster than hundreds)
//   build/root-access.js  the local-exec script, one self-contained file shipped as an asset
//   build/start.js        npm start: the whole setup against the local emulator
//   build/emulator.js     npm run emulator
//   build/plan-check.js   npm run plan-check -- <plan.json>
//   build/plan-summary.js npm run plan-summary -- <plan.json>
//   build/policy.js       npm run policy -- <stack>
//   build/drift.js        npm run drift -- <stack>
//   build/bench.js        npm run bench
//
// A program is rebuilt only when a file esbuild read for it (node_modules included), package-lock.json or
// this file changed
// since its last build: build/.inputs.json keeps the size and mtime of each. An up-to-date build costs a
// few hundred stat calls instead of esbuild, so `npm run synth` pays for bundling only after an edit.
// `node scripts/build.mjs --force` rebuilds everything.
import * as fs from "node:fs";
import * as path from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";

const projectRoot = fileURLToPath(new URL("..", import.meta.url));
const thisFile = path.relative(projectRoot, fileURLToPath(import.meta.url));
const inputsFile = path.join(projectRoot, "build", ".inputs.json");

const common = {
  absWorkingDir: projectRoot,
  bundle: true,
  platform: "node",
  target: "node20",
  format: "cjs",
  logLevel: "warning",
  metafile: true,
  // Relative paths in comments keep the bundle (and so the asset hash) identical across checkouts.
  sourcemap: false,
};

/**
 * Replaces what the app never needs with a file of ours (see scripts/build-stubs/): a package (`archiver`),
 * or one file inside a package (`cdktf/lib/....js`).
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

/** Each program: its entry point, options beyond `common`, and stubs. */
const programs = {
  main: {
    entryPoints: ["main.ts"],
    stubs: {
      archiver: "scripts/build-stubs/archiver.js",
      "cdktf/lib/tokens/private/stack-trace.js": "scripts/build-stubs/cdktf-stack-trace.js",
    },
  },
  "root-access": { entryPoints: ["scripts/root-access/cli.ts"], minify: true, keepNames: true, legalComments: "eof" },
  start: { entryPoints: ["scripts/start.ts"], packages: "external" },
  emulator: { entryPoints: ["scripts/local-aws/cli.ts"], packages: "external" },
  "plan-check": { entryPoints: ["scripts/plan-check/cli.ts"], packages: "external" },
  "plan-summary": { entryPoints: ["scripts/plan-check/summary-cli.ts"], packages: "external" },
  policy: { entryPoints: ["scripts/policy/cli.ts"], packages: "external" },
  drift: { entryPoints: ["scripts/root-access/drift.ts"], packages: "external" },
  bench: { entryPoints: ["bench/bench.ts"], packages: "external" },
};

/** The output file of a program, relative to the project root. */
export function outputOf(program) {
  return `build/${program}.js`;
}

export function programNames() {
  return Object.keys(programs);
}

function fingerprint(file) {
  try {
    const stat = fs.statSync(path.join(projectRoot, file));
    return `${stat.size}:${stat.mtimeMs}`;
  } catch {
    return "missing";
  }
}

function readRecorded() {
  try {
    return JSON.parse(fs.readFileSync(inputsFile, "utf8"));
  } catch {
    return {};
  }
}

function isUpToDate(recorded) {
  return recorded !== undefined && Object.entries(recorded).every(([file, print]) => fingerprint(file) === print);
}

/** Builds every program whose output is missing or older than its inputs; returns the names it built. */
export async function buildStale({ force = false } = {}) {
  const recorded = readRecorded();
  const stale = Object.keys(programs).filter((program) => force || !isUpToDate(recorded[program]));
  if (stale.length === 0) return stale;
  const { build } = await import("esbuild");
  await Promise.all(
    stale.map(async (program) => {
      const outfile = outputOf(program);
      const { stubs = {}, ...options } = programs[program];
      const { metafile } = await build({ ...common, ...options, plugins: [stubPlugin(stubs)], outfile });
      const files = [thisFile, "package-lock.json", outfile, ...Object.values(stubs), ...Object.keys(metafile.inputs)];
      recorded[program] = Object.fromEntries(files.map((file) => [file, fingerprint(file)]));
    }),
  );
  // Written whole and renamed, so a concurrent build never reads half a file.
  const temporary = `${inputsFile}.${process.pid}`;
  fs.writeFileSync(temporary, JSON.stringify(recorded));
  fs.renameSync(temporary, inputsFile);
  return stale;
}

if (process.argv[1] && import.meta.url === pathToFileURL(path.resolve(process.argv[1])).href) {
  await buildStale({ force: process.argv.includes("--force") });
}
