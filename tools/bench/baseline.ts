import * as fs from "node:fs";
import * as path from "node:path";

/**
 * The cdktf template's way of running the same app, built from the project's own sources and dependencies:
 * `ts-node main.ts` (type-checking every file at start) with the provider imported through its barrel,
 * `import * as aws from "@cdktf/provider-aws"`, which loads every resource binding.
 */
export function createTemplateBaseline(projectRoot: string, dir: string): string {
  fs.mkdirSync(dir, { recursive: true });
  for (const entry of ["stacks", "scripts", "cdktf.json", "package.json"]) {
    fs.cpSync(path.join(projectRoot, entry), path.join(dir, entry), { recursive: true });
  }
  fs.symlinkSync(path.join(projectRoot, "node_modules"), path.join(dir, "node_modules"));
  fs.writeFileSync(
    path.join(dir, "tsconfig.json"),
    JSON.stringify({
      compilerOptions: {
        target: "ES2022",
        module: "commonjs",
        strict: true,
        esModuleInterop: true,
        skipLibCheck: true,
        types: ["node"],
      },
      include: ["main.ts", "stacks", "scripts/shared"],
    }),
  );
  fs.writeFileSync(
    path.join(dir, "main.ts"),
    `// What "cdktf init --template=typescript" leads to: barrel imports, run by ts-node.
import * as aws from "@cdktf/provider-aws";
import { App } from "cdktf";
import { loadConfig } from "./stacks/config/load";
import { RootAccessStack } from "./stacks/root-access-stack";

void aws.provider.AwsProvider;
const config = loadConfig({ env: process.env, projectRoot: __dirname });
const app = new App();
for (const stack of config.stacks) new RootAccessStack(app, stack.name, { config: stack, scriptBundle: ${JSON.stringify(path.join(projectRoot, "build", "root-access.js"))} });
app.synth();
`,
  );
  fs.writeFileSync(
    path.join(dir, "cdktf.json"),
    JSON.stringify({ language: "typescript", app: "npx ts-node main.ts", sendCrashReports: "false" }),
  );
  return dir;
}
