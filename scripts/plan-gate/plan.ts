import { STACK_NAME_PATTERN } from "../shared/patterns";
import { SCRIPT_ENVIRONMENT } from "../shared/program-contract";
import { TextFileError, readTextFile } from "../shared/text-file";
/** The part of `terraform show -json <planfile>` the rules read. */
export interface Plan {
  readonly resourceChanges: readonly ResourceChange[];
  /** The AWS provider's settings, where the configuration gives them as constants. */
  readonly provider: ProviderSettings;
  /** The stack's name as this project synthesized it (its provisioners hand it to the script); absent otherwise. */
  readonly stackName?: string;
  /**
   * What each attribute of the root module's resources refers to, by resource address (without an index): how a
   * value known only after apply (a new policy's id) is traced to the resource that makes it.
   */
  readonly references: Readonly<Record<string, Readonly<Record<string, readonly string[]>>>>;
}

/** Where and as whom the plan's AWS provider acts, so the gate can read the live organization the same way. */
export interface ProviderSettings {
  readonly region?: string;
  readonly assumeRoleArn?: string;
}

/** One planned change of a managed resource. */
export interface ResourceChange {
  readonly address: string;
  readonly type: string;
  readonly actions: readonly string[];
  readonly before: Record<string, unknown> | null;
  readonly after: Record<string, unknown> | null;
  /** Attributes whose value is only known after apply. */
  readonly afterUnknown: Record<string, unknown>;
}

/** A plan the gate cannot read; the gate then fails closed. */
export class PlanUnreadable extends Error {
  override readonly name = "PlanUnreadable";
}

/** Largest plan file read: this project's plans are a few hundred kilobytes. */
const MAX_PLAN_BYTES = 64 * 1024 * 1024;

/** Reads and checks a saved plan's JSON file; throws PlanUnreadable saying why it cannot be used. */
export function readPlanFile(file: string): Plan {
  let text: string;
  try {
    text = readTextFile(file, MAX_PLAN_BYTES);
  } catch (error) {
    if (!(error instanceof TextFileError)) throw error;
    const { problem } = error;
    if (problem.kind === "not a file") throw new PlanUnreadable(`it is ${problem.what}, not a file`);
    if (problem.kind === "too large") throw new PlanUnreadable(`it is larger than a plan can be (over ${MAX_PLAN_BYTES} bytes)`);
    if (problem.kind === "not UTF-8") throw new PlanUnreadable("it is not UTF-8 text");
    const code = (problem.cause as NodeJS.ErrnoException)?.code;
    throw new PlanUnreadable(code === "ENOENT" ? "it does not exist" : `it cannot be read (${code ?? String(problem.cause)})`);
  }
  return readPlan(text);
}

/** The actions terraform's JSON plan format (1.x) gives a change; anything else is a format this gate does not know. */
const ACTIONS = new Set(["no-op", "create", "read", "update", "delete", "forget"]);

/** What the rules and the summary read from each resource type, and the shape each value must have. */
const READ_ATTRIBUTES: Record<string, Record<string, "list of strings" | "string" | "object">> = {
  aws_organizations_organization: { aws_service_access_principals: "list of strings", enabled_policy_types: "list of strings" },
  aws_organizations_delegated_administrator: { account_id: "string", service_principal: "string" },
  aws_organizations_policy: { name: "string" },
  aws_organizations_policy_attachment: { target_id: "string" },
  aws_iam_organizations_features: { enabled_features: "list of strings" },
  terraform_data: { triggers_replace: "object" },
};

const PLAN_FILE_HINT = 'pass the output of "terraform show -json <planfile>"';

/**
 * Parses `terraform show -json <planfile>` output, checking the shape of everything the rules read; throws
 * PlanUnreadable, naming what is missing or malformed, for anything else (state, a partial document, another
 * format version), so the gate fails closed.
 */
export function readPlan(text: string): Plan {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (error) {
    throw new PlanUnreadable(`it is not JSON (${(error as Error).message})`);
  }
  if (!isObject(raw)) throw new PlanUnreadable(`it is not a JSON object: ${PLAN_FILE_HINT}`);
  if (typeof raw.format_version !== "string") throw new PlanUnreadable(`it has no "format_version": ${PLAN_FILE_HINT}`);
  if (!/^1\.\d+$/.test(raw.format_version)) {
    throw new PlanUnreadable(
      `its format_version ${valueText(raw.format_version).slice(0, 20)} is not 1.x, the format this gate reads`,
    );
  }
  if (raw.planned_values === undefined && isObject(raw.values)) {
    throw new PlanUnreadable(`it is state, not a plan ("terraform show -json" without a plan file): ${PLAN_FILE_HINT}`);
  }
  for (const part of ["planned_values", "configuration"]) {
    if (!isObject(raw[part])) throw new PlanUnreadable(`it has no "${part}", which every saved plan has: ${PLAN_FILE_HINT}`);
  }
  if (raw.errored === true) throw new PlanUnreadable("terraform marked the plan as errored; it cannot be applied");
  if (raw.resource_changes !== undefined && !Array.isArray(raw.resource_changes)) {
    throw new PlanUnreadable('"resource_changes" is not a list');
  }
  const changes = (raw.resource_changes ?? []) as unknown[];
  return {
    resourceChanges: changes.flatMap((value, index) => {
      const change = readChange(value, `resource_changes[${index}]`);
      return change.mode === "data" ? [] : [change];
    }),
    provider: providerSettings(raw.configuration),
    stackName: stackNameOf(raw.configuration),
    references: referencesOf(raw.configuration),
  };
}

// configuration.root_module.resources[]: { address, expressions: { <attribute>: { references: [...] } } }
function referencesOf(configuration: unknown): Record<string, Record<string, string[]>> {
  const root = isObject(configuration) && isObject(configuration.root_module) ? configuration.root_module : {};
  const resources = Array.isArray(root.resources) ? (root.resources as unknown[]) : [];
  const found: Record<string, Record<string, string[]>> = {};
  for (const resource of resources) {
    if (!isObject(resource) || typeof resource.address !== "string" || !isObject(resource.expressions)) continue;
    for (const [attribute, expression] of Object.entries(resource.expressions)) {
      const references = isObject(expression) && Array.isArray(expression.references) ? expression.references : [];
      const names = references.filter((reference): reference is string => typeof reference === "string");
      if (names.length > 0) (found[resource.address] ??= {})[attribute] = names;
    }
  }
  return found;
}

function readChange(value: unknown, where: string): ResourceChange & { readonly mode: string } {
  if (!isObject(value)) throw new PlanUnreadable(`${where} is not an object`);
  const { address, type, mode = "managed", change } = value;
  if (typeof address !== "string" || typeof type !== "string") throw new PlanUnreadable(`${where} lacks an address or a type`);
  const at = `${where} (${address.slice(0, 100)})`;
  if (mode !== "managed" && mode !== "data") throw new PlanUnreadable(`${at} has mode ${valueText(mode).slice(0, 40)}`);
  if (!isObject(change)) throw new PlanUnreadable(`${at} has no change`);
  const { actions } = change;
  if (
    !Array.isArray(actions) ||
    actions.length === 0 ||
    !actions.every((action) => typeof action === "string" && ACTIONS.has(action)) ||
    new Set(actions).size !== actions.length
  ) {
    throw new PlanUnreadable(`${at} has change.actions ${valueText(actions).slice(0, 80)}, not a list of terraform's actions`);
  }
  const before = objectOrNull(change.before, `${at}: change.before`);
  const after = objectOrNull(change.after, `${at}: change.after`);
  const afterUnknown = change.after_unknown === undefined ? {} : change.after_unknown;
  if (!isObject(afterUnknown)) throw new PlanUnreadable(`${at}: change.after_unknown is not an object`);
  for (const [attribute, shape] of Object.entries(READ_ATTRIBUTES[type] ?? {})) {
    for (const [side, values] of [
      ["before", before],
      ["after", after],
    ] as const) {
      const attributeValue = values?.[attribute];
      if (attributeValue !== undefined && attributeValue !== null && !hasShape(attributeValue, shape)) {
        throw new PlanUnreadable(`${at}: change.${side}.${attribute} is not a ${shape}`);
      }
    }
  }
  return { address, type, mode, actions: actions as string[], before, after, afterUnknown };
}

function objectOrNull(value: unknown, where: string): Record<string, unknown> | null {
  if (value === undefined || value === null) return null;
  if (!isObject(value)) throw new PlanUnreadable(`${where} is neither an object nor null`);
  return value;
}

function hasShape(value: unknown, shape: "list of strings" | "string" | "object"): boolean {
  if (shape === "string") return typeof value === "string";
  if (shape === "object") return isObject(value);
  return Array.isArray(value) && value.every((item) => typeof item === "string");
}

// configuration.provider_config.aws.expressions: { region: { constant_value }, assume_role: [{ role_arn: ... }] }
function providerSettings(configuration: unknown): ProviderSettings {
  const aws = isObject(configuration) && isObject(configuration.provider_config) ? configuration.provider_config.aws : undefined;
  const expressions = isObject(aws) && isObject(aws.expressions) ? aws.expressions : {};
  const constant = (expression: unknown) =>
    isObject(expression) && typeof expression.constant_value === "string" ? expression.constant_value : undefined;
  const assumeRole = Array.isArray(expressions.assume_role) ? (expressions.assume_role[0] as unknown) : undefined;
  return {
    region: constant(expressions.region),
    assumeRoleArn: isObject(assumeRole) ? constant(assumeRole.role_arn) : undefined,
  };
}

// configuration.root_module.resources[].provisioners[].expressions.environment.constant_value.ROOT_ACCESS_STACK:
// every stack of this project has such a provisioner (the organization deletion check, at least).
function stackNameOf(configuration: unknown): string | undefined {
  const root = isObject(configuration) && isObject(configuration.root_module) ? configuration.root_module : {};
  const resources = Array.isArray(root.resources) ? (root.resources as unknown[]) : [];
  for (const resource of resources) {
    const provisioners = isObject(resource) && Array.isArray(resource.provisioners) ? (resource.provisioners as unknown[]) : [];
    for (const provisioner of provisioners) {
      const expressions = isObject(provisioner) && isObject(provisioner.expressions) ? provisioner.expressions : {};
      const environment = isObject(expressions.environment) ? expressions.environment.constant_value : undefined;
      const name = isObject(environment) ? environment[SCRIPT_ENVIRONMENT.stack] : undefined;
      if (typeof name === "string" && STACK_NAME_PATTERN.test(name)) return name;
    }
  }
  return undefined;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** A planned value as text: strings as they are, anything else as JSON ("?" when absent). */
export function valueText(value: unknown): string {
  if (value === undefined || value === null) return "?";
  return typeof value === "string" ? value : JSON.stringify(value);
}
