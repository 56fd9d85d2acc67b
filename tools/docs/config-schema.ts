import * as z from "zod";
import { configFileSchema } from "../../stacks/config/schema";

/** Where the JSON Schema is committed, relative to the project root; config files point "$schema" at it. */
export const SCHEMA_FILE = "root-access.config.schema.json";

/** The JSON Schema of a configuration file (draft 7, which every common editor reads), as committed. */
export function configJsonSchema(): string {
  const schema = z.toJSONSchema(configFileSchema, { io: "input", target: "draft-7" });
  const described = {
    $schema: schema.$schema,
    $id: "https://github.com/org-root-access/org-root-access/root-access.config.schema.json",
    title: "org-root-access configuration",
    description: "root-access.config.json: one entry in stacks per AWS Organization (see docs/reference/configuration.md)",
    ...schema,
  };
  return `${JSON.stringify(described, null, 2)}\n`;
}

interface Property {
  readonly description?: string;
  readonly default?: unknown;
  readonly properties?: Record<string, Property>;
  readonly items?: Property;
}

/** The table of stack settings: key, default and meaning, from the schema's descriptions and defaults. */
export function configTable(): string {
  const schema = z.toJSONSchema(configFileSchema, { io: "input", target: "draft-7" }) as Property;
  const stack = schema.properties?.stacks?.items?.properties ?? {};
  const rows: string[] = ["| key | default | meaning |", "| --- | --- | --- |"];
  for (const [key, property] of Object.entries(stack)) {
    const nested = property.properties;
    if (nested && Object.keys(nested).length > 0) {
      for (const [subKey, subProperty] of Object.entries(nested)) rows.push(row(`${key}.${subKey}`, subProperty));
    } else {
      rows.push(row(key, property));
    }
  }
  return rows.join("\n");
}

function row(key: string, property: Property): string {
  const fallback = property.default === undefined ? "none" : `\`${JSON.stringify(property.default)}\``;
  return `| \`${key}\` | ${fallback} | ${escapeCell(property.description ?? "")} |`;
}

function escapeCell(text: string): string {
  return text.replace(/\|/g, "\\|");
}
