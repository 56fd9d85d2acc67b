import {
  DEFAULT_SERVICE_ACCESS_WAIT_SECONDS,
  MAX_SERVICE_ACCESS_WAIT_SECONDS,
  ORGANIZATION_ID_PATTERN,
  ROLE_ARN_PATTERN,
  ROOT_ACCESS_FEATURES,
  RootAccessFeature,
} from "../scripts/root-access/contract";
import type { AppConfig, Implementation, OrganizationConfig, OrganizationMode, StackConfig } from "./config";
import { configInvalid, configProblem } from "./errors";

interface Format {
  readonly pattern: RegExp;
  readonly expected: string;
}

const STACK_NAME: Format = {
  pattern: /^[A-Za-z][A-Za-z0-9_-]{0,63}$/,
  expected: 'a stack name: a letter, then up to 63 letters, digits, "-" or "_" (it becomes a folder name)',
};
const ORGANIZATION_ID: Format = {
  pattern: ORGANIZATION_ID_PATTERN,
  expected: 'an organization id: "o-" and 10 to 32 lowercase letters or digits, for example "o-a1b2c3d4e5"',
};
const ACCOUNT_ID: Format = { pattern: /^\d{12}$/, expected: 'an AWS account id: 12 digits, for example "111122223333"' };
const ROLE_ARN: Format = {
  pattern: ROLE_ARN_PATTERN,
  expected: 'an IAM role ARN, for example "arn:aws:iam::111122223333:role/OrgRootAccessDeployer"',
};
const REGION: Format = { pattern: /^[a-z]{2}(-[a-z]+)+-\d{1,2}$/, expected: 'an AWS region, for example "us-east-1"' };
const SERVICE_PRINCIPAL: Format = {
  pattern: /^[a-z0-9][a-z0-9.-]*\.amazonaws\.com$/,
  expected: 'a service principal, for example "sso.amazonaws.com"',
};

const BUCKET: Format = {
  pattern: /^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/,
  expected: 'an S3 bucket name: 3 to 63 lowercase letters, digits, "." or "-"',
};
const STATE_KEY: Format = {
  pattern: /^[A-Za-z0-9!_.*'()/-]{1,1000}$/,
  expected: 'an S3 key such as "org-root-access/prod.tfstate" (letters, digits and !_.*\'()/- only)',
};
const DYNAMODB_TABLE: Format = { pattern: /^[A-Za-z0-9_.-]{3,255}$/, expected: "a DynamoDB table name: 3 to 255 letters, digits, _ . or -" };
const S3_BACKEND_KEYS = ["type", "bucket", "key", "region", "useLockfile", "dynamodbTable", "encrypt"];

const TOP_LEVEL_KEYS = ["stacks"];
const STACK_KEYS = [
  "name",
  "organization",
  "features",
  "implementation",
  "delegatedAdministratorAccountId",
  "assumeRoleArn",
  "region",
  "allowOrganizationDestroy",
  "backend",
  "serviceAccessWaitSeconds",
];
const ORGANIZATION_KEYS = ["mode", "id", "serviceAccessPrincipals"];
const ORGANIZATION_MODES: readonly OrganizationMode[] = ["create", "adopt", "external"];
const IMPLEMENTATIONS: readonly Implementation[] = ["script", "native"];
const BACKEND_TYPES = ["local", "s3"] as const;

/** Validates a parsed configuration file and applies defaults; throws a ConfigError listing every problem. */
export function parseAppConfig(raw: unknown, source: string): AppConfig {
  const reader = new Reader();
  const top = reader.object(raw, "config", TOP_LEVEL_KEYS);
  const stacks: StackConfig[] = [];
  if (top && top.stacks === undefined) {
    reader.problem(configProblem.missing("stacks", 'a list of stacks, for example [{ "name": "root-access" }]'));
  } else if (top) {
    const names: { value: string; path: string }[] = [];
    reader.array(top.stacks, "stacks", '[{ "name": "root-access" }]')?.forEach((value, index) => {
      const stack = readStack(reader, value, `stacks[${index}]`);
      if (stack) {
        stacks.push(stack);
        names.push({ value: stack.name, path: `stacks[${index}].name` });
      }
    });
    reader.unique(names, "stack names must be unique: each becomes a folder under cdktf.out/stacks and a state file");
    reader.unique(
      stacks.flatMap((stack, index) =>
        stack.backend.type === "s3" ? [{ value: `s3://${stack.backend.bucket}/${stack.backend.key}`, path: `stacks[${index}].backend.key` }] : [],
      ),
      "each stack needs its own state object, or they would overwrite each other's state",
    );
  }
  if (reader.problems.length > 0) {
    throw configInvalid(source, reader.problems);
  }
  return { source, stacks };
}

function readStack(reader: Reader, value: unknown, path: string): StackConfig | undefined {
  const stack = reader.object(value, path, STACK_KEYS);
  if (!stack) return undefined;
  const problemsBefore = reader.problems.length;
  const at = (key: string) => `${path}.${key}`;

  // The fallbacks after "??" only stand in where a problem was recorded, and then the stack is discarded.
  const config: StackConfig = {
    name: reader.optional(stack.name, "root-access", (v) => reader.string(v, at("name"), STACK_NAME)) ?? "",
    organization: readOrganization(reader, stack.organization, at("organization")),
    features: reader.optional(stack.features, ["RootSessions"], (v) => readFeatures(reader, v, at("features"))) ?? [],
    implementation:
      reader.optional(stack.implementation, "script", (v) => reader.oneOf(v, at("implementation"), IMPLEMENTATIONS)) ?? "script",
    delegatedAdministratorAccountId: reader.optional(stack.delegatedAdministratorAccountId, undefined, (v) =>
      reader.string(v, at("delegatedAdministratorAccountId"), ACCOUNT_ID),
    ),
    assumeRoleArn: reader.optional(stack.assumeRoleArn, undefined, (v) => reader.string(v, at("assumeRoleArn"), ROLE_ARN)),
    region: reader.optional(stack.region, "us-east-1", (v) => reader.string(v, at("region"), REGION)) ?? "",
    allowOrganizationDestroy:
      reader.optional(stack.allowOrganizationDestroy, false, (v) => reader.boolean(v, at("allowOrganizationDestroy"))) ??
      false,
    backend: readBackend(reader, stack.backend, at("backend"), {
      stackName: typeof stack.name === "string" ? stack.name : "root-access",
      region: typeof stack.region === "string" ? stack.region : "us-east-1",
    }),
    serviceAccessWaitSeconds:
      reader.optional(stack.serviceAccessWaitSeconds, DEFAULT_SERVICE_ACCESS_WAIT_SECONDS, (v) =>
        reader.integer(v, at("serviceAccessWaitSeconds"), 0, MAX_SERVICE_ACCESS_WAIT_SECONDS),
      ) ?? 0,
  };
  if (config.organization.mode !== "create" && stack.allowOrganizationDestroy === true) {
    reader.problem(
      configProblem.onlyWith(
        at("allowOrganizationDestroy"),
        'with mode "create"',
        `an organization in mode ${JSON.stringify(config.organization.mode)} is never deleted by this stack; remove the key`,
      ),
    );
  }
  return reader.problems.length === problemsBefore ? config : undefined;
}

function readOrganization(reader: Reader, value: unknown, path: string): OrganizationConfig {
  const organization = value === undefined ? {} : reader.object(value, path, ORGANIZATION_KEYS);
  if (!organization) return { mode: "create", serviceAccessPrincipals: [] };
  const mode = reader.optional(organization.mode, "create", (v) => reader.oneOf(v, `${path}.mode`, ORGANIZATION_MODES));
  const id = reader.optional(organization.id, undefined, (v) => reader.string(v, `${path}.id`, ORGANIZATION_ID));
  if (mode === "create" && organization.id !== undefined) {
    reader.problem(
      configProblem.onlyWith(`${path}.id`, 'with mode "adopt" or "external"', 'remove it: mode "create" creates a new organization'),
    );
  }
  if ((mode === "adopt" || mode === "external") && organization.id === undefined) {
    reader.problem(configProblem.missing(`${path}.id`, `${ORGANIZATION_ID.expected}, with mode ${JSON.stringify(mode)}`));
  }
  const principals = reader.optional(organization.serviceAccessPrincipals, [], (v) =>
    readServicePrincipals(reader, v, `${path}.serviceAccessPrincipals`),
  );
  if (mode === "external" && organization.serviceAccessPrincipals !== undefined) {
    reader.problem(
      configProblem.onlyWith(
        `${path}.serviceAccessPrincipals`,
        'with mode "create" or "adopt"',
        "in external mode the stack that owns the organization manages its trusted services",
      ),
    );
  }
  return { mode: mode ?? "create", id, serviceAccessPrincipals: principals ?? [] };
}

function readServicePrincipals(reader: Reader, value: unknown, path: string): string[] | undefined {
  const principals = reader.array(value, path)?.map((item, index) => reader.string(item, `${path}[${index}]`, SERVICE_PRINCIPAL));
  if (!principals) return undefined;
  reader.unique(
    principals.map((principal, index) => ({ value: principal, path: `${path}[${index}]` })),
    "list each service principal once",
  );
  return principals.filter((principal): principal is string => principal !== undefined);
}

function readFeatures(reader: Reader, value: unknown, path: string): RootAccessFeature[] | undefined {
  const list = reader.array(value, path);
  if (!list) return undefined;
  const features = list.map((item, index) => reader.oneOf(item, `${path}[${index}]`, ROOT_ACCESS_FEATURES));
  reader.unique(
    features.map((feature, index) => ({ value: feature, path: `${path}[${index}]` })),
    "list each feature once",
  );
  // Canonical (enable) order, so the same set always synthesizes the same way.
  return ROOT_ACCESS_FEATURES.filter((feature) => features.includes(feature));
}

function readBackend(reader: Reader, value: unknown, path: string, stack: { stackName: string; region: string }): StackConfig["backend"] {
  if (value === undefined) return { type: "local" };
  // The allowed keys depend on the type, so they are checked once the type is known.
  const backend = reader.object(value, path, undefined);
  if (!backend) return { type: "local" };
  if (backend.type === undefined) {
    reader.problem(configProblem.missing(`${path}.type`, '"local" or "s3"'));
    return { type: "local" };
  }
  const type = reader.oneOf(backend.type, `${path}.type`, BACKEND_TYPES);
  if (type !== "s3") {
    if (type === "local") reader.object(backend, path, ["type"]);
    return { type: "local" };
  }
  reader.object(backend, path, S3_BACKEND_KEYS);
  if (backend.bucket === undefined) reader.problem(configProblem.missing(`${path}.bucket`, BUCKET.expected));
  const at = (key: string) => `${path}.${key}`;
  return {
    type: "s3",
    bucket: reader.optional(backend.bucket, "", (v) => reader.string(v, at("bucket"), BUCKET)) ?? "",
    key: reader.optional(backend.key, `org-root-access/${stack.stackName}.tfstate`, (v) => reader.string(v, at("key"), STATE_KEY)) ?? "",
    region: reader.optional(backend.region, stack.region, (v) => reader.string(v, at("region"), REGION)) ?? "",
    useLockfile: reader.optional(backend.useLockfile, true, (v) => reader.boolean(v, at("useLockfile"))) ?? true,
    dynamodbTable: reader.optional(backend.dynamodbTable, undefined, (v) => reader.string(v, at("dynamodbTable"), DYNAMODB_TABLE)),
    encrypt: reader.optional(backend.encrypt, true, (v) => reader.boolean(v, at("encrypt"))) ?? true,
  };
}

/** Reads typed values out of untyped JSON, collecting one problem per bad value instead of stopping at the first. */
class Reader {
  readonly problems: string[] = [];

  problem(message: string): void {
    this.problems.push(message);
  }

  /** `fallback` when the key is absent; otherwise `read(value)`, which records its own problems. */
  optional<T>(value: unknown, fallback: T, read: (value: unknown) => T | undefined): T | undefined {
    return value === undefined ? fallback : read(value);
  }

  object(value: unknown, path: string, allowedKeys: readonly string[] | undefined): Record<string, unknown> | undefined {
    if (typeof value !== "object" || value === null || Array.isArray(value)) {
      this.problem(configProblem.wrongType(path, value, "an object"));
      return undefined;
    }
    for (const key of Object.keys(value)) {
      if (allowedKeys && !allowedKeys.includes(key)) {
        this.problem(configProblem.unknownKey(path, key, allowedKeys));
      }
    }
    return value as Record<string, unknown>;
  }

  /** A list; when `exampleIfEmpty` is given, an empty list is a problem and the example shows what to write. */
  array(value: unknown, path: string, exampleIfEmpty?: string): unknown[] | undefined {
    if (!Array.isArray(value)) {
      this.problem(configProblem.wrongType(path, value, "a list"));
      return undefined;
    }
    if (value.length === 0 && exampleIfEmpty) {
      this.problem(configProblem.empty(path, exampleIfEmpty));
      return undefined;
    }
    return value;
  }

  string(value: unknown, path: string, format: Format): string | undefined {
    if (typeof value !== "string") {
      this.problem(configProblem.wrongType(path, value, "a string"));
      return undefined;
    }
    if (!format.pattern.test(value)) {
      this.problem(configProblem.noMatch(path, value, format.expected));
      return undefined;
    }
    return value;
  }

  oneOf<T extends string>(value: unknown, path: string, allowed: readonly T[]): T | undefined {
    if (!allowed.includes(value as T)) {
      this.problem(configProblem.notOneOf(path, value, allowed));
      return undefined;
    }
    return value as T;
  }

  boolean(value: unknown, path: string): boolean | undefined {
    if (typeof value !== "boolean") {
      this.problem(configProblem.wrongType(path, value, "true or false"));
      return undefined;
    }
    return value;
  }

  integer(value: unknown, path: string, min: number, max: number): number | undefined {
    if (typeof value !== "number" || !Number.isInteger(value) || value < min || value > max) {
      this.problem(configProblem.outOfRange(path, value, min, max));
      return undefined;
    }
    return value;
  }

  /** Records a problem for each value that appeared earlier in the list; undefined values are skipped. */
  unique(entries: readonly { readonly value: unknown; readonly path: string }[], why: string): void {
    const firstPath = new Map<unknown, string>();
    for (const { value, path } of entries) {
      if (value === undefined) continue;
      const first = firstPath.get(value);
      if (first) {
        this.problem(configProblem.duplicate(path, value, first, why));
      } else {
        firstPath.set(value, path);
      }
    }
  }
}
