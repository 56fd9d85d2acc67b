import * as fs from "node:fs";
import * as path from "node:path";
import { projectRootMissing } from "./config-errors";

/** The project's root folder (the one holding cdktf.json), found from this file whether it runs as source or bundled into build/. */
export function projectRoot(): string {
  for (let dir = __dirname; ; dir = path.dirname(dir)) {
    if (fs.existsSync(path.join(dir, "cdktf.json"))) return dir;
    if (path.dirname(dir) === dir) throw projectRootMissing(__dirname);
  }
}
