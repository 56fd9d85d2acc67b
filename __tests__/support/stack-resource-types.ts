import * as fs from "node:fs";
import * as path from "node:path";
import { PROJECT_ROOT } from "./paths";

/** How the stacks import an AWS resource or data source binding (the provider's barrel is forbidden there). */
const BINDING_IMPORT = /from "(@cdktf\/provider-aws\/lib\/[a-z0-9-]+)"/g;

let types: Promise<ReadonlySet<string>> | undefined;

/**
 * Every AWS resource and data source type the stacks can synthesize: the `tfResourceType` of each binding that a
 * file under stacks/ imports, read from the bindings themselves. Adding a resource to a stack adds it here.
 */
export function stackResourceTypes(): Promise<ReadonlySet<string>> {
  types ??= readStackResourceTypes();
  return types;
}

async function readStackResourceTypes(): Promise<ReadonlySet<string>> {
  const stacks = path.join(PROJECT_ROOT, "stacks");
  const modules = new Set<string>();
  for (const file of fs.readdirSync(stacks, { recursive: true, encoding: "utf8" })) {
    if (!file.endsWith(".ts")) continue;
    for (const [, module] of fs.readFileSync(path.join(stacks, file), "utf8").matchAll(BINDING_IMPORT)) {
      modules.add(module);
    }
  }
  const found = new Set<string>();
  for (const module of modules) {
    for (const binding of Object.values((await import(module)) as Record<string, unknown>)) {
      const type = (binding as { tfResourceType?: unknown }).tfResourceType;
      if (typeof type === "string") found.add(type);
    }
  }
  if (found.size === 0) throw new Error(`found no AWS resource bindings imported under ${stacks}`);
  return found;
}
