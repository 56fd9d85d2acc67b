import * as fs from "node:fs";
import * as path from "node:path";
import { SCHEMA_FILE, configJsonSchema } from "../../../tools/docs/config-schema";
import { REFERENCE_FOLDER, referencePages } from "../../../tools/docs/reference";
import { projectDocuments } from "../../support/documents";
import { PROJECT_ROOT } from "../../support/paths";

const STALE = "(run npm run docs and commit the result)";

describe("what npm run docs writes from the code", () => {
  it(`root-access.config.schema.json is up to date ${STALE}`, () => {
    expect(fs.readFileSync(path.join(PROJECT_ROOT, SCHEMA_FILE), "utf8")).toBe(configJsonSchema());
  });

  it(`every page of docs/reference/ is up to date, and nothing else is there ${STALE}`, () => {
    // GIVEN the pages the code makes now
    const pages = referencePages();
    // WHEN they are compared with the committed folder THEN the same files hold the same text
    const folder = path.join(PROJECT_ROOT, REFERENCE_FOLDER);
    expect(fs.readdirSync(folder).sort()).toEqual(Object.keys(pages).sort());
    for (const [name, content] of Object.entries(pages)) {
      expect({ page: name, content: fs.readFileSync(path.join(folder, name), "utf8") }).toEqual({ page: name, content });
    }
  });

  it("the reference holds every plan-gate rule, every doctor check and every command's whole --help", () => {
    const pages = referencePages();
    expect(pages["plan-gate-rules.md"]).toContain("## `organization-kept`");
    expect(pages["plan-gate-rules.md"]).toContain("## `root-user-guardrail-kept`");
    expect(pages["doctor-checks.md"]).toContain("## root task");
    expect(pages["commands.md"]).toContain("## `npm run root-credentials`");
    expect(pages["commands.md"]).toContain("limited), 2 when any is a problem or cannot be told, 1 on an error."); // the doctor's help, to its last line
    expect(pages["configuration.md"]).toContain("| `rootCredentials.keep` |");
  });
});

describe("the documents people read", () => {
  const documents = projectDocuments();

  it("README.md is short enough to read in minutes (at most 16,000 characters)", () => {
    const readme = documents.find((document) => document.file === "README.md");
    expect(readme?.text.length).toBeLessThanOrEqual(16_000);
  });

  it("every relative link in README.md, CONTRIBUTING.md and docs/ resolves to a file or folder", () => {
    // GIVEN every Markdown link that is not a web address or an anchor in the same page
    const broken: string[] = [];
    for (const { file, text } of documents) {
      const withoutCode = text.replace(/```[\s\S]*?```/g, "").replace(/`[^`\n]*`/g, "");
      for (const [, target] of withoutCode.matchAll(/\]\(([^)\s]+)(?:\s+"[^"]*")?\)/g)) {
        if (/^[a-z]+:/i.test(target) || target.startsWith("#")) continue;
        // WHEN it is resolved from the linking file's folder THEN something is there
        const resolved = path.join(PROJECT_ROOT, path.dirname(file), decodeURIComponent(target.split("#")[0]));
        if (!fs.existsSync(resolved)) broken.push(`${file}: ${target}`);
      }
    }
    expect(broken).toEqual([]);
  });
});
