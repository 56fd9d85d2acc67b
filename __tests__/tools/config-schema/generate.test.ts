import * as fs from "node:fs";
import * as path from "node:path";
import { SCHEMA_FILE, configJsonSchema, withConfigTable } from "../../../tools/config-schema/generate";
import { PROJECT_ROOT } from "../../support/paths";

describe("what npm run config:schema writes from the one schema", () => {
  it("root-access.config.schema.json is up to date (run npm run config:schema and commit the result)", () => {
    expect(fs.readFileSync(path.join(PROJECT_ROOT, SCHEMA_FILE), "utf8")).toBe(configJsonSchema());
  });

  it("the README's configuration table is up to date (run npm run config:schema and commit the result)", () => {
    const readme = fs.readFileSync(path.join(PROJECT_ROOT, "README.md"), "utf8");
    expect(readme).toBe(withConfigTable(readme));
  });

  it("fails, naming the markers, on a README without them", () => {
    expect(() => withConfigTable("# no table here\n")).toThrow("README.md lacks the lines <!-- config-table:");
  });
});
