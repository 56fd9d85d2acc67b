import * as fs from "node:fs";
import * as path from "node:path";
import { PROJECT_ROOT } from "./paths";

/** One Markdown document of the project: its path relative to the project root, and its text. */
export interface Document {
  readonly file: string;
  readonly text: string;
}

/** The project's documents people read: README.md, CONTRIBUTING.md and every Markdown file under docs/. */
export function projectDocuments(): Document[] {
  const files = ["README.md", "CONTRIBUTING.md"].filter((file) => fs.existsSync(path.join(PROJECT_ROOT, file)));
  const docs = path.join(PROJECT_ROOT, "docs");
  if (fs.existsSync(docs)) {
    for (const entry of fs.readdirSync(docs, { recursive: true, encoding: "utf8" })) {
      if (entry.endsWith(".md")) files.push(path.join("docs", entry));
    }
  }
  return files.sort().map((file) => ({ file, text: fs.readFileSync(path.join(PROJECT_ROOT, file), "utf8") }));
}
