// @ts-check
// Dependencies point one way: config → stacks → synthesized JSON → terraform → the shipped program → IAM.
// `npm run lint` and the test __tests__/tools/dependency-rules.integration.test.ts run these rules; each rule
// there also gets a deliberate violation, so a rule that stops matching fails the test.
/** @type {import("dependency-cruiser").IConfiguration} */
module.exports = {
  forbidden: [
    {
      name: "shipped-program-is-self-contained",
      comment:
        "scripts/root-access/ is bundled into every stack folder and runs where only node and terraform are: " +
        "it may import itself, Node's own modules and @aws-sdk/*, nothing else.",
      severity: "error",
      from: { path: "^scripts/root-access/" },
      to: { pathNot: ["^scripts/root-access/", "^node_modules/@aws-sdk/"], dependencyTypesNot: ["core"] },
    },
    {
      name: "stacks-use-only-the-program-contract",
      comment: "Synth-time code knows the shipped program only through its contract file.",
      severity: "error",
      from: { path: "^stacks/" },
      to: { path: "^scripts/", pathNot: "^scripts/root-access/contract\\.ts$" },
    },
    {
      name: "main-wires-stacks-only",
      comment: "main.ts loads the config and builds the stacks; commands and tooling are not part of synth.",
      severity: "error",
      from: { path: "^main\\.ts$" },
      to: { path: "^(scripts|tools)/", pathNot: "^scripts/root-access/contract\\.ts$" },
    },
    {
      name: "tooling-off-the-deploy-path",
      comment: "tools/ (build, emulator, terraform runner, npm start, bench) may be imported by tools/ and tests only.",
      severity: "error",
      from: { pathNot: "^(tools|__tests__)/" },
      to: { path: "^tools/" },
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
