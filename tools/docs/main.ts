import * as fs from "node:fs";
import * as path from "node:path";
import { EXIT_CODES, Invocation, parseCommandLine, reportFailure, runAsProcess } from "../../scripts/command-line/command-line";
import { projectRoot } from "../../stacks/config/project-root";
import { SCHEMA_FILE, configJsonSchema } from "./config-schema";
import { REFERENCE_FOLDER, referencePages } from "./reference";
import { COMMAND_LINE } from "./usage";

// `npm run docs`: writes the JSON Schema and docs/reference/ from the code. A unit test fails while either is stale.
function docs({ argv, io }: Invocation): number {
  try {
    if (parseCommandLine(COMMAND_LINE, argv).help) {
      io.stdout(COMMAND_LINE.help);
      return EXIT_CODES.ok;
    }
  } catch (error) {
    return reportFailure(COMMAND_LINE, error, io);
  }
  const root = projectRoot();
  fs.writeFileSync(path.join(root, SCHEMA_FILE), configJsonSchema());
  const folder = path.join(root, REFERENCE_FOLDER);
  fs.mkdirSync(folder, { recursive: true });
  const pages = referencePages();
  for (const [name, content] of Object.entries(pages)) fs.writeFileSync(path.join(folder, name), content);
  io.stdout(`docs: wrote ${SCHEMA_FILE} and ${Object.keys(pages).length} pages in ${REFERENCE_FOLDER}/`);
  return EXIT_CODES.ok;
}

runAsProcess(docs);
