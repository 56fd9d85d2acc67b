// @ts-check
// npm run check:cdktn: whether the app still synthesizes the same stack on CDK Terrain (cdktn), the community fork
// of CDKTF, which HashiCorp sunset on 2025-12-10. In a temporary copy of the project, `cdktf` is aliased to
// `cdktn` with an npm override (keeping @cdktf/provider-aws 20.1.0, the AWS provider 5.100 build), the app is
// built and synthesizes the golden config, and the result is compared with the golden file: only the
// version metadata (`//.metadata.version`) may differ. Needs Node 22.11 or newer (cdktn's requirement).
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { fileURLToPath } from "node:url";

/** What the check installs: the CDK Terrain release tested, and a constructs release inside its peer range. */
export const CDKTN_VERSION = "0.24.0";
export const CONSTRUCTS_VERSION = "10.7.2";
const MINIMUM_NODE = [22, 11];

const PROJECT_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const GOLDEN_CONFIG = "__tests__/stacks/golden/default.config.json";
const GOLDEN_FILE = "__tests__/stacks/golden/root-access.cdk.tf.json";
const USAGE = "Usage: npm run check:cdktn [-- --keep]";
const HELP = `${USAGE}

Checks that the app synthesizes the golden stack identically on CDK Terrain (cdktn ${CDKTN_VERSION}), apart from
the version metadata. Works in a temporary copy of the project; the project itself is not touched.

Options:
  --keep    keep the temporary copy and print where it is
  --help    show this help

Exit codes: 0 identical, 1 different or the check could not run, 2 wrong usage.`;

/** A failure the user can act on: one line, no stack trace. */
class CheckError extends Error {}

/** @param {readonly string[]} argv @returns {number} */
function main(argv) {
  const unknown = argv.filter((/** @type {string} */ arg) => arg !== "--keep" && arg !== "--help");
  if (argv.includes("--help")) {
    process.stdout.write(`${HELP}\n`);
    return 0;
  }
  if (unknown.length > 0) {
    process.stderr.write(`check:cdktn: unknown argument ${JSON.stringify(unknown[0])}\n${USAGE}\n`);
    return 2;
  }
  const [major, minor] = process.versions.node.split(".").map(Number);
  if (major < MINIMUM_NODE[0] || (major === MINIMUM_NODE[0] && minor < MINIMUM_NODE[1])) {
    throw new CheckError(
      `cdktn ${CDKTN_VERSION} needs Node ${MINIMUM_NODE.join(".")} or newer, and this is Node ${process.versions.node}. ` +
        `Run it with a newer Node, for example: npx -p node@22 -- npm run check:cdktn`,
    );
  }
  const copy = fs.mkdtempSync(path.join(os.tmpdir(), "check-cdktn-"));
  const keep = argv.includes("--keep");
  try {
    const started = Date.now();
    step(`copying the project to ${copy}`);
    copyProject(copy);
    step(`aliasing cdktf to cdktn@${CDKTN_VERSION} (constructs ${CONSTRUCTS_VERSION}) and installing`);
    switchToCdktn(copy);
    run(copy, "npm", ["install", "--omit=dev", "--ignore-scripts", "--no-audit", "--no-fund", "--loglevel=error"]);
    const installed = JSON.parse(fs.readFileSync(path.join(copy, "node_modules", "cdktf", "package.json"), "utf8"));
    if (installed.name !== "cdktn")
      throw new CheckError(`node_modules/cdktf is ${installed.name}, not cdktn: the override did not apply`);
    step("building and synthesizing the golden config");
    run(copy, process.execPath, ["tools/build.mjs", "main"]);
    const outdir = path.join(copy, "build", "golden");
    run(copy, process.execPath, ["tools/launch.mjs", "main"], { ROOT_ACCESS_CONFIG: GOLDEN_CONFIG, CDKTF_OUTDIR: outdir });
    const synthesized = JSON.parse(fs.readFileSync(path.join(outdir, "stacks", "root-access", "cdk.tf.json"), "utf8"));
    const golden = JSON.parse(fs.readFileSync(path.join(PROJECT_ROOT, GOLDEN_FILE), "utf8"));
    const differences = compare(withoutVersion(golden), withoutVersion(synthesized));
    if (differences.length > 0) {
      throw new CheckError(
        `cdktn ${installed.version} synthesizes a different stack than ${GOLDEN_FILE} (beyond the version metadata): ` +
          `${differences.slice(0, 5).join("; ")}${differences.length > 5 ? `; and ${differences.length - 5} more` : ""}`,
      );
    }
    process.stdout.write(
      `check:cdktn: cdktn ${installed.version} synthesizes ${GOLDEN_FILE} identically; only //.metadata.version differs ` +
        `(${synthesized["//"]?.metadata?.version} instead of ${golden["//"]?.metadata?.version}) [${seconds(started)}]\n`,
    );
    return 0;
  } finally {
    if (keep) process.stderr.write(`check:cdktn: the copy is kept in ${copy}\n`);
    else fs.rmSync(copy, { recursive: true, force: true });
  }
}

/** @param {string} what */
function step(what) {
  process.stderr.write(`check:cdktn: ${what}\n`);
}

/** @param {number} since */
function seconds(since) {
  return `${((Date.now() - since) / 1000).toFixed(1)} s`;
}

// The project's own files: what git tracks when this is a clone, else everything but what installs and builds make.
/** @param {string} copy */
function copyProject(copy) {
  const listed = spawnSync("git", ["ls-files", "-z"], { cwd: PROJECT_ROOT, encoding: "utf8" });
  if (listed.status === 0 && listed.stdout.length > 0) {
    for (const file of listed.stdout.split("\0").filter(Boolean)) {
      const from = path.join(PROJECT_ROOT, file);
      if (!fs.existsSync(from)) continue;
      fs.mkdirSync(path.dirname(path.join(copy, file)), { recursive: true });
      fs.copyFileSync(from, path.join(copy, file));
    }
    return;
  }
  const skipped = new Set(["node_modules", "build", "cdktf.out", ".git"]);
  fs.cpSync(PROJECT_ROOT, copy, { recursive: true, filter: (from) => !skipped.has(path.basename(from)) });
}

// `cdktf` resolves to cdktn everywhere, @cdktf/provider-aws's peer dependency included. The lock file stays, so
// npm changes only what the switch needs and everything else (the AWS SDK bundled in the script) is as pinned.
/** @param {string} copy */
function switchToCdktn(copy) {
  const file = path.join(copy, "package.json");
  const manifest = JSON.parse(fs.readFileSync(file, "utf8"));
  const alias = `npm:cdktn@${CDKTN_VERSION}`;
  manifest.dependencies = { ...manifest.dependencies, cdktf: alias, constructs: CONSTRUCTS_VERSION };
  manifest.overrides = { ...manifest.overrides, cdktf: alias, constructs: CONSTRUCTS_VERSION };
  fs.writeFileSync(file, `${JSON.stringify(manifest, null, 2)}\n`);
}

/**
 * @param {string} cwd
 * @param {string} command
 * @param {readonly string[]} args
 * @param {Record<string, string>} [env]
 */
function run(cwd, command, args, env = {}) {
  const result = spawnSync(command, args, { cwd, env: { ...process.env, ...env }, encoding: "utf8" });
  if (result.error) throw new CheckError(`could not run ${command}: ${result.error.message}`);
  if (result.status !== 0) {
    const output = `${result.stderr}${result.stdout}`.trim().split("\n").slice(-15).join("\n");
    throw new CheckError(`${command} ${args.join(" ")} exited ${result.status}:\n${output}`);
  }
}

/** @param {any} json @returns {any} */
function withoutVersion(json) {
  const copy = structuredClone(json);
  if (copy["//"]?.metadata) delete copy["//"].metadata.version;
  return copy;
}

/**
 * Paths where two JSON values differ, as "path: golden → synthesized".
 * @param {any} expected
 * @param {any} actual
 * @param {string} [at]
 * @returns {string[]}
 */
function compare(expected, actual, at = "") {
  if (JSON.stringify(expected) === JSON.stringify(actual)) return [];
  const bothObjects = [expected, actual].every((value) => typeof value === "object" && value !== null);
  if (!bothObjects || Array.isArray(expected) !== Array.isArray(actual)) {
    return [`${at || "(root)"}: ${JSON.stringify(expected)?.slice(0, 80)} → ${JSON.stringify(actual)?.slice(0, 80)}`];
  }
  const keys = [...new Set([...Object.keys(expected), ...Object.keys(actual)])];
  return keys.flatMap((key) => compare(expected[key], actual[key], `${at}/${key}`));
}

try {
  process.exitCode = main(process.argv.slice(2));
} catch (error) {
  if (!(error instanceof CheckError)) throw error;
  process.stderr.write(`check:cdktn: ${error.message}\n`);
  process.exitCode = 1;
}
