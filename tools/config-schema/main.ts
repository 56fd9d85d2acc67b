import * as fs from "node:fs";
import * as path from "node:path";
import { projectRoot } from "../../stacks/config/project-root";
import { SCHEMA_FILE, configJsonSchema, withConfigTable } from "./generate";

// `npm run config:schema`: writes root-access.config.schema.json and the README's configuration table from the
// one schema in stacks/config/schema.ts. A test fails while either is stale.

const root = projectRoot();
fs.writeFileSync(path.join(root, SCHEMA_FILE), configJsonSchema());
const readme = path.join(root, "README.md");
fs.writeFileSync(readme, withConfigTable(fs.readFileSync(readme, "utf8")));
process.stdout.write(`config:schema: wrote ${SCHEMA_FILE} and the configuration table in README.md\n`);
