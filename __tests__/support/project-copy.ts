import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { PROJECT_ROOT } from "./paths";

const SOURCES = ["main.ts", "cdktf.json", "package.json", "package-lock.json", "tsconfig.json", "stacks", "scripts", "tools"];

/** What goes into a copy besides the sources. */
export interface CopyOptions {
  /**
   * node_modules, hard-linked. Leave it out for a checkout as CI clones it, which then runs `npm ci`: an npm ci
   * over a linked node_modules first deletes all of it.
   * @default true
   */
  readonly nodeModules?: boolean;
}

/**
 * A fresh copy of the project at `dir`: its sources, and node_modules hard-linked (a real folder, not a link).
 * The folder linked is node_modules' real path: were node_modules itself a symbolic link, `cp -al` would copy the
 * link, and an `npm ci` in the copy would empty the project's own node_modules.
 */
export function copyProject(dir: string, options: CopyOptions = {}): string {
  fs.mkdirSync(dir, { recursive: true });
  for (const entry of SOURCES) fs.cpSync(path.join(PROJECT_ROOT, entry), path.join(dir, entry), { recursive: true });
  if (options.nodeModules === false) return dir;
  const source = fs.realpathSync(path.join(PROJECT_ROOT, "node_modules"));
  const linked = spawnSync("cp", ["-al", source, path.join(dir, "node_modules")], {
    encoding: "utf8",
  });
  if (linked.status !== 0) throw new Error(`could not link node_modules into ${dir}: ${linked.stderr}`);
  return dir;
}
