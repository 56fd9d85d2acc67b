/** The part of `terraform show -json <planfile>` the rules read. */
export interface Plan {
  readonly resourceChanges: readonly ResourceChange[];
  /** The AWS provider's settings, where the configuration gives them as constants. */
  readonly provider: ProviderSettings;
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

/** Parses `terraform show -json` output; throws PlanUnreadable for anything that is not a plan it understands. */
export function readPlan(text: string): Plan {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (error) {
    throw new PlanUnreadable(`it is not JSON (${(error as Error).message})`);
  }
  if (!isObject(raw) || typeof raw.format_version !== "string") {
    throw new PlanUnreadable('it has no "format_version": pass the output of "terraform show -json <planfile>"');
  }
  if (raw.resource_changes !== undefined && !Array.isArray(raw.resource_changes)) {
    throw new PlanUnreadable('"resource_changes" is not a list');
  }
  const changes = (raw.resource_changes ?? []) as unknown[];
  return {
    resourceChanges: changes.flatMap((value, index) => {
      const change = isObject(value) && isObject(value.change) ? value.change : undefined;
      if (
        !isObject(value) ||
        !change ||
        typeof value.address !== "string" ||
        typeof value.type !== "string" ||
        !Array.isArray(change.actions)
      ) {
        throw new PlanUnreadable(`resource_changes[${index}] lacks address, type or change.actions`);
      }
      if (value.mode === "data") return [];
      return [
        {
          address: value.address,
          type: value.type,
          actions: change.actions as string[],
          before: isObject(change.before) ? change.before : null,
          after: isObject(change.after) ? change.after : null,
          afterUnknown: isObject(change.after_unknown) ? change.after_unknown : {},
        },
      ];
    }),
    provider: providerSettings(raw.configuration),
  };
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

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** A planned value as text: strings as they are, anything else as JSON ("?" when absent). */
export function valueText(value: unknown): string {
  if (value === undefined || value === null) return "?";
  return typeof value === "string" ? value : JSON.stringify(value);
}
