import * as fs from "node:fs";
import * as path from "node:path";
import { TextFileError, readTextFile } from "../../scripts/shared/text-file";
import { MAX_CONFIG_BYTES, configFileProblem, configInvalid } from "./config-errors";
import { parseConfigJson } from "./json";
import { problemsOf } from "./problems";
import { AppConfig, configFileSchema } from "./schema";

/** The file read from the project root when ROOT_ACCESS_CONFIG is not set. */
const DEFAULT_CONFIG_FILE = "root-access.config.json";

/**
 * Loads the configuration: the JSON file ROOT_ACCESS_CONFIG names, else `root-access.config.json` in the
 * project root, else the built-in defaults (one stack "root-access" that creates the organization and
 * enables RootSessions). Throws a ConfigError naming every problem.
 */
export function loadConfig(options: { readonly env: NodeJS.ProcessEnv; readonly projectRoot: string }): AppConfig {
  const named = options.env.ROOT_ACCESS_CONFIG;
  if (named !== undefined && named !== "") {
    return readConfigFile(path.resolve(named), true);
  }
  const defaultFile = path.join(options.projectRoot, DEFAULT_CONFIG_FILE);
  if (fs.existsSync(defaultFile)) {
    return readConfigFile(defaultFile, false);
  }
  return parseAppConfig({ stacks: [{}] }, "built-in defaults");
}

/** Validates a parsed configuration file and applies defaults; throws a ConfigError listing every problem. */
export function parseAppConfig(raw: unknown, source: string): AppConfig {
  const parsed = configFileSchema.safeParse(raw, { reportInput: true });
  if (!parsed.success) {
    throw configInvalid(source, problemsOf(parsed.error.issues));
  }
  return { source, stacks: parsed.data.stacks };
}

function readConfigFile(file: string, fromEnv: boolean): AppConfig {
  return parseAppConfig(parseConfigJson(readConfigText(file, fromEnv), file), file);
}

function readConfigText(file: string, fromEnv: boolean): string {
  try {
    return readTextFile(file, MAX_CONFIG_BYTES);
  } catch (error) {
    if (!(error instanceof TextFileError)) throw error;
    const { problem } = error;
    if (problem.kind === "not a file") throw configFileProblem.notAFile(file, problem.what, fromEnv);
    if (problem.kind === "too large") throw configFileProblem.tooLarge(file, fromEnv);
    if (problem.kind === "not UTF-8") throw configFileProblem.notUtf8(file, fromEnv);
    throw configFileProblem.unreadable(file, problem.cause, fromEnv);
  }
}
