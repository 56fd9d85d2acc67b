import * as fs from "node:fs";
import * as path from "node:path";
import Ajv from "ajv";
import { parseAppConfig } from "../../../stacks/config/load";
import { SCHEMA_FILE } from "../../../tools/docs/config-schema";
import { projectDocuments } from "../../support/documents";
import { PROJECT_ROOT } from "../../support/paths";

/** Every JSON block of the README and docs/ that is a whole configuration file (it has "stacks"). */
function documentedConfigs(): unknown[] {
  return projectDocuments()
    .flatMap(({ text }) => [...text.matchAll(/```json\n([\s\S]*?)```/g)])
    .map((match) => match[1])
    .filter((block) => block.trimStart().startsWith("{") && block.includes('"stacks"'))
    .map((block) => JSON.parse(block) as unknown);
}

describe("root-access.config.schema.json, checked by a real JSON Schema validator (ajv)", () => {
  const schema = JSON.parse(fs.readFileSync(path.join(PROJECT_ROOT, SCHEMA_FILE), "utf8")) as object;
  const validate = new Ajv({ allErrors: true, strict: false }).compile(schema);

  it("accepts every configuration example in the README and docs/, as the app does", () => {
    // GIVEN the documents' examples (the full one of the configuration guide among them)
    const examples = documentedConfigs();
    expect(examples.length).toBeGreaterThanOrEqual(3);
    expect(examples).toContainEqual(expect.objectContaining({ $schema: "./root-access.config.schema.json" }));
    // WHEN each is validated THEN the schema and the app both accept it
    for (const example of examples) {
      expect({ example, errors: validate(example) ? [] : validate.errors }).toEqual({ example, errors: [] });
      expect(() => parseAppConfig(example, "the documents")).not.toThrow();
    }
  });

  it("rejects a configuration with an unknown key, as the app does", () => {
    // GIVEN a stack with a misspelt key
    const config = { stacks: [{ name: "prod", feature: ["RootSessions"] }] };
    // WHEN it is validated THEN the schema names the key, and the app refuses it too
    expect(validate(config)).toBe(false);
    expect(validate.errors).toContainEqual(
      expect.objectContaining({ keyword: "additionalProperties", params: { additionalProperty: "feature" } }),
    );
    expect(() => parseAppConfig(config, "test")).toThrow('stacks[0]: unknown key "feature"');
  });

  it("rejects malformed values the app rejects: a bad organization id, an unknown feature, a wait out of range", () => {
    for (const stack of [
      { organization: { mode: "adopt", id: "o-ABC" } },
      { features: ["RootSession"] },
      { serviceAccessWaitSeconds: 3601 },
      { backend: { type: "s3" } },
    ]) {
      const config = { stacks: [stack] };
      expect({ stack, valid: validate(config) }).toEqual({ stack, valid: false });
      expect(() => parseAppConfig(config, "test")).toThrow("Invalid configuration");
    }
  });
});
