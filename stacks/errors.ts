/** An expected failure of synth or of a command: its message is the whole story, printed without a stack trace. */
export class SynthError extends Error {
  override readonly name: string = "SynthError";
}

/** A configuration that cannot be used; raised before anything is synthesized. */
export class ConfigError extends SynthError {
  override readonly name = "ConfigError";
}

/** The whole configuration, with every problem found in it, one per line. */
export function configInvalid(source: string, problems: readonly string[]): ConfigError {
  const count = problems.length === 1 ? "1 problem" : `${problems.length} problems`;
  return new ConfigError(`Invalid configuration in ${source} (${count}):\n${problems.map((p) => `  - ${p}`).join("\n")}`);
}

/** The file that ROOT_ACCESS_CONFIG names (or the default file) could not be read. */
export function configUnreadable(file: string, cause: unknown, fromEnv: boolean): ConfigError {
  const reason = (cause as NodeJS.ErrnoException)?.code === "ENOENT" ? "it does not exist" : String(cause);
  const origin = fromEnv ? `ROOT_ACCESS_CONFIG names ${file}` : `Cannot read ${file}`;
  return new ConfigError(`${origin}, but ${reason}. Point ROOT_ACCESS_CONFIG at a readable JSON file, or unset it.`);
}

/** The configuration file is not JSON. */
export function configNotJson(file: string, cause: unknown): ConfigError {
  return new ConfigError(
    `Invalid configuration in ${file}: it is not valid JSON (${(cause as Error).message}). ` +
      `Fix the syntax; the expected shape is { "stacks": [ { "name": "root-access", ... } ] }.`,
  );
}

/** terraform could not be run to check its version. */
export function terraformMissing(binary: string, cause: unknown, minimum: string): SynthError {
  return new SynthError(
    `Cannot run "${binary} version" (${(cause as Error).message.split("\n")[0]}). The synthesized stacks need Terraform ` +
      `${minimum} or newer on PATH (or TERRAFORM_BINARY_NAME naming it).`,
  );
}

/** The terraform on PATH is older than the synthesized stacks need. */
export function terraformTooOld(binary: string, found: string, minimum: string, forLockfile: boolean): SynthError {
  return new SynthError(
    `${binary} ${found} is too old: the synthesized stacks need ${minimum} or newer` +
      (forLockfile ? " (S3 state locking with use_lockfile)" : " (removed blocks)") +
      `. Install a newer Terraform${forLockfile ? ', or set "useLockfile": false and a "dynamodbTable" in the backend' : ""}.`,
  );
}

/** No folder above a program holds cdktf.json: the program was copied out of its checkout. */
export function projectRootMissing(from: string): SynthError {
  return new SynthError(`No cdktf.json in ${from} or above it: run this program from inside its org-root-access checkout.`);
}

/** The app cannot find the bundled script the stacks ship as an asset. */
export function scriptBundleMissing(file: string): SynthError {
  return new SynthError(
    `The root-access script bundle ${file} does not exist. Build it with "npm run build" (npm run synth builds it before synthesizing).`,
  );
}

/** One line per problem: where it is, the bad value, and what is allowed. */
export const configProblem = {
  wrongType: (path: string, value: unknown, expected: string) => `${path}: ${show(value)} is not ${expected}.`,
  missing: (path: string, expected: string) => `${path}: is missing; expected ${expected}.`,
  unknownKey: (path: string, key: string, allowed: string) => `${path}: unknown key ${show(key)}; ${allowed}.`,
  notOneOf: (path: string, value: unknown, allowed: readonly string[]) =>
    `${path}: ${show(value)} is not allowed; expected one of ${allowed.map((a) => JSON.stringify(a)).join(", ")}.`,
  empty: (path: string, example: string) => `${path}: is empty; list at least one, for example ${example}.`,
  duplicate: (path: string, value: unknown, firstPath: string, why: string) =>
    `${path}: ${show(value)} is already used at ${firstPath}; ${why}.`,
  onlyWith: (path: string, condition: string, remedy: string) => `${path}: is only used ${condition}; ${remedy}.`,
};

function show(value: unknown): string {
  if (typeof value === "string" && value.length > 80) {
    return JSON.stringify(`${value.slice(0, 76)}...`);
  }
  const text = JSON.stringify(value) ?? String(value);
  return text.length > 80 ? `${text.slice(0, 77)}...` : text;
}

/**
 * Terraform error_message texts for the plan-time checks on an existing organization. `${self.*}` is
 * interpolated by terraform from the aws_organizations_organization data source.
 */
export const organizationCheck = {
  wrongOrganization: (expected: string) =>
    `These credentials belong to organization \${self.id}, but organization.id is ${expected}. Nothing was ` +
    `changed. Run with credentials of ${expected}'s management account (or set assumeRoleArn to a role in it), ` +
    `or correct organization.id.`,
  notAllFeatures: (expected: string) =>
    `Organization ${expected} has feature set \${self.feature_set}, and IAM centralized root access needs all ` +
    `features. This stack never changes the feature set (that would replace the organization or send a ` +
    `handshake to every account). Enabling all features needs the approval of every member account: start it ` +
    `in the Organizations console or with "aws organizations enable-all-features", wait until every account ` +
    `has accepted, then plan again.`,
  iamNotTrusted: (expected: string) =>
    `Organization ${expected} does not trust iam.amazonaws.com, which centralized root access needs. In the ` +
    `stack that owns aws_organizations_organization, add "iam.amazonaws.com" to aws_service_access_principals ` +
    `(keeping every principal already listed), apply that stack, then plan this one again. (Or run "aws ` +
    `organizations enable-aws-service-access --service-principal iam.amazonaws.com" if no stack manages it.)`,
};
