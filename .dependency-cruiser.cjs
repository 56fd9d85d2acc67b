// @ts-check
// Dependencies point one way: config → stacks → synthesized JSON → terraform → the shipped program → IAM.
// `npm run lint` and the test __tests__/tools/dependency-rules.integration.test.ts run these rules; each rule
// there also gets a deliberate violation, so a rule that stops matching fails the test.

// What esbuild bundles into build/root-access.js, the program shipped in every stack folder: the program, the AWS
// helpers, the shared contract, the removal of root credentials and the command-line layer's process conventions.
const SHIPPED = [
  "^scripts/root-access/",
  "^scripts/aws/",
  "^scripts/shared/",
  "^scripts/root-credentials/(credentials|removal|journal)\\.ts$",
  "^scripts/command-line/command-line\\.ts$",
];

/** @type {import("dependency-cruiser").IConfiguration} */
module.exports = {
  forbidden: [
    {
      name: "shipped-program-is-self-contained",
      comment:
        "The shipped program runs where only node and terraform are: what it bundles may import only itself, " +
        "Node's own modules and @aws-sdk/*, nothing else.",
      severity: "error",
      from: { path: SHIPPED },
      to: { pathNot: [...SHIPPED, "^node_modules/@aws-sdk/"], dependencyTypesNot: ["core"] },
    },
    {
      name: "shared-loads-no-aws-client",
      comment:
        "scripts/shared/ is what the stacks, the program and the commands all need (contract, patterns, task ARNs, " +
        "the guardrail's document): plain data and Node's modules, so reading a constant loads no AWS client.",
      severity: "error",
      from: { path: "^scripts/shared/" },
      to: { pathNot: "^scripts/shared/", dependencyTypesNot: ["core"] },
    },
    {
      name: "stacks-use-only-the-shared-contract",
      comment: "Synth-time code knows the program and the commands only through scripts/shared/.",
      severity: "error",
      from: { path: "^stacks/" },
      to: { path: "^scripts/", pathNot: "^scripts/shared/" },
    },
    {
      name: "commands-use-only-the-config-contract",
      comment:
        "The commands (scripts/) read the configuration through stacks/config/ and nothing else of stacks/: " +
        "constructs, synth helpers and their errors are synth time only.",
      severity: "error",
      from: { path: "^scripts/" },
      to: { path: "^stacks/", pathNot: "^stacks/config/" },
    },
    {
      name: "config-contract-stands-alone",
      comment: "stacks/config/ is read by the commands too, so it may not pull in the rest of stacks/.",
      severity: "error",
      from: { path: "^stacks/config/" },
      to: { path: "^stacks/", pathNot: "^stacks/config/" },
    },
    {
      name: "main-wires-stacks-only",
      comment:
        "main.ts loads the config, builds the stacks and is the synth command: of scripts/ it uses the " +
        "command-line layer and the shared contract; other commands and tooling are not part of synth.",
      severity: "error",
      from: { path: "^main\\.ts$" },
      to: { path: "^(scripts|tools)/", pathNot: ["^scripts/shared/", "^scripts/command-line/command-line\\.ts$"] },
    },
    {
      name: "tooling-off-the-deploy-path",
      comment: "tools/ (build, emulator, terraform runner, npm start, bench, docs) may be imported by tools/ and tests only.",
      severity: "error",
      from: { pathNot: "^(tools|__tests__)/" },
      to: { path: "^tools/" },
    },
    {
      name: "agpl-evaluator-in-tests-only",
      comment:
        "@cloud-copilot/iam-simulate (and its @cloud-copilot/* libraries) is AGPL-3.0: the independent evaluator the " +
        "doctor is tested against. Nothing that ships (stacks, the bundled program, the commands, the tooling) may " +
        "import it; only __tests__/ may.",
      severity: "error",
      from: { pathNot: "^__tests__/" },
      to: { path: "^node_modules/@cloud-copilot/" },
    },
    {
      name: "no-provider-barrel",
      comment:
        'Import one resource at a time ("@cdktf/provider-aws/lib/<resource>"): the barrel loads every binding, ' +
        "seconds and hundreds of MB per synth.",
      severity: "error",
      from: {},
      to: { path: "^node_modules/@cdktf/provider-aws/lib/index\\.js$" },
    },
    {
      name: "no-cycles",
      comment: "A cycle makes two modules one; split out what both need.",
      severity: "error",
      from: {},
      to: { circular: true },
    },
  ],
  options: {
    doNotFollow: { path: "node_modules" },
    // Paths as written, so a copy whose node_modules is a link (the rules' own test) resolves like the checkout.
    preserveSymlinks: true,
    exclude: { path: "^(build|cdktf\\.out)/" },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: "tsconfig.json" },
    enhancedResolveOptions: { exportsFields: ["exports"], conditionNames: ["require", "node", "default"] },
  },
};
