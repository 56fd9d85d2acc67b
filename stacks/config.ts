import * as fs from "node:fs";
import * as path from "node:path";
import { RootAccessFeature } from "../scripts/root-access/contract";
import { parseAppConfig } from "./config-validation";
import { configNotJson, configUnreadable } from "./errors";

/**
 * How the stack relates to the organization: "create" makes a new one; "adopt" takes over an existing one
 * (imported, every trusted service and policy type kept); "external" only checks one another stack owns.
 */
export type OrganizationMode = "create" | "adopt" | "external";

/** Who turns the features on: the bundled script through local-exec, or the provider's native resource. */
export type Implementation = "script" | "native";

/** The organization this stack works on. */
export interface OrganizationConfig {
  readonly mode: OrganizationMode;
  /** The organization id; required for "adopt" and "external", not used with "create". */
  readonly id?: string;
  /** Trusted services to enable besides iam.amazonaws.com ("create" and "adopt"); none is ever disabled. */
  readonly serviceAccessPrincipals: readonly string[];
}

/** State in a local file, terraform.<stack>.tfstate in the project root. */
export interface LocalBackendConfig {
  readonly type: "local";
}

/** State in S3, locked with an S3 lock file (Terraform >= 1.10) and/or a DynamoDB table. */
export interface S3BackendConfig {
  readonly type: "s3";
  readonly bucket: string;
  /** The state object's key; defaults to org-root-access/<stack name>.tfstate, so each stack has its own. */
  readonly key: string;
  /** The bucket's region; defaults to the stack's region. */
  readonly region: string;
  /** S3-native locking (`use_lockfile`); default true. */
  readonly useLockfile: boolean;
  /** A DynamoDB table for locking (the older mechanism), if any. */
  readonly dynamodbTable?: string;
  /** Server-side encryption of the state object; default true. */
  readonly encrypt: boolean;
}

/** Where Terraform keeps the stack's state. */
export type BackendConfig = LocalBackendConfig | S3BackendConfig;

/** One organization's stack, with every default applied. */
export interface StackConfig {
  /** The stack's name: its folder under cdktf.out/stacks and its state file name. */
  readonly name: string;
  readonly organization: OrganizationConfig;
  /** Features to have enabled; any other feature this stack enabled before is disabled. */
  readonly features: readonly RootAccessFeature[];
  readonly implementation: Implementation;
  /** An account to register as IAM's delegated administrator (it can then check and disable, not enable). */
  readonly delegatedAdministratorAccountId?: string;
  /** A role in the management account that both the provider and the script assume. */
  readonly assumeRoleArn?: string;
  readonly region: string;
  /** Lets `terraform destroy` delete the organization this stack created ("create" mode only). */
  readonly allowOrganizationDestroy: boolean;
  readonly backend: BackendConfig;
  /** How long the script waits for IAM to see trusted access that was just enabled. */
  readonly serviceAccessWaitSeconds: number;
}

/** The validated configuration and where it came from. */
export interface AppConfig {
  readonly source: string;
  readonly stacks: readonly StackConfig[];
}

/** The file read from the project root when ROOT_ACCESS_CONFIG is not set. */
export const DEFAULT_CONFIG_FILE = "root-access.config.json";

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

function readConfigFile(file: string, fromEnv: boolean): AppConfig {
  let text: string;
  try {
    text = fs.readFileSync(file, "utf8");
  } catch (error) {
    throw configUnreadable(file, error, fromEnv);
  }
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (error) {
    throw configNotJson(file, error);
  }
  return parseAppConfig(raw, file);
}
