// Builds the programs this project runs, as plain JS, so nothing is type-checked or transpiled
// at synth or apply time:
//   build/main.js         the CDKTF app (packages stay external: deep imports are cheap)
//   build/root-access.js  the local-exec script, one self-contained file shipped as an asset
//   build/start.js        npm start: the whole setup against the local emulator
//   build/emulator.js     npm run emulator
//   build/plan-check.js   npm run plan-check -- <plan.json>
//   build/plan-summary.js npm run plan-summary -- <plan.json>
//   build/policy.js       npm run policy -- <stack>
//   build/drift.js        npm run drift -- <stack>
import { build } from "esbuild";
import { fileURLToPath } from "node:url";

const projectRoot = fileURLToPath(new URL("..", import.meta.url));

const common = {
  absWorkingDir: projectRoot,
  bundle: true,
  platform: "node",
  target: "node20",
  format: "cjs",
  logLevel: "warning",
  // Relative paths in comments keep the bundle (and so the asset hash) identical across checkouts.
  sourcemap: false,
};

await Promise.all([
  build({ ...common, entryPoints: ["main.ts"], outfile: "build/main.js", packages: "external" }),
  build({ ...common, entryPoints: ["scripts/start.ts"], outfile: "build/start.js", packages: "external" }),
  build({ ...common, entryPoints: ["scripts/local-aws/cli.ts"], outfile: "build/emulator.js", packages: "external" }),
  build({ ...common, entryPoints: ["scripts/plan-check/cli.ts"], outfile: "build/plan-check.js", packages: "external" }),
  build({ ...common, entryPoints: ["scripts/plan-check/summary-cli.ts"], outfile: "build/plan-summary.js", packages: "external" }),
  build({ ...common, entryPoints: ["scripts/policy/cli.ts"], outfile: "build/policy.js", packages: "external" }),
  build({ ...common, entryPoints: ["scripts/root-access/drift.ts"], outfile: "build/drift.js", packages: "external" }),
  build({
    ...common,
    entryPoints: ["scripts/root-access/cli.ts"],
    outfile: "build/root-access.js",
    minify: true,
    keepNames: true,
    legalComments: "eof",
  }),
]);
