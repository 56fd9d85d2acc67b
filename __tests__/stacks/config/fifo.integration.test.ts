import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { loadConfig } from "../../../stacks/config/load";

describe("a configuration path that is a named pipe", () => {
  it("fails at once, saying what it is, instead of waiting forever for someone to write to it", () => {
    // GIVEN ROOT_ACCESS_CONFIG naming a FIFO nobody writes to
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "root-access-fifo-"));
    try {
      const fifo = path.join(dir, "config.json");
      const made = spawnSync("mkfifo", [fifo], { encoding: "utf8" });
      if (made.status !== 0) throw new Error(`mkfifo failed: ${made.stderr}`);
      // WHEN the config is loaded THEN it is refused without opening the pipe
      expect(() => loadConfig({ env: { ROOT_ACCESS_CONFIG: fifo }, projectRoot: dir })).toThrow(
        `ROOT_ACCESS_CONFIG names ${fifo}, but it is a named pipe (FIFO), not a file. Point ROOT_ACCESS_CONFIG at a readable JSON file, or unset it.`,
      );
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
