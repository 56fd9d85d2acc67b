import { runSimulation, runUnsafeSimulation } from "@cloud-copilot/iam-simulate";
import { ROOT_TASK_DEFINITIONS, RootTask, TaskResource } from "../../../scripts/shared/root-tasks";
import type { ScpSetup } from "./scp-setups";
import { NOW } from "./generated-organizations";

// An independent judge for the doctor: @cloud-copilot/iam-simulate (AGPL-3.0, a test-only dependency: see
// CONTRIBUTING), given an organization's SCPs and RCPs along an account's path and a root session's request. The
// request context is written here from AWS's documentation, not taken from the doctor's table, so that a mistake
// in one is not the other's. Where the simulator is known to differ from AWS's documentation, the workaround is
// here and named.

/** One concrete request of a task: where, on which name, with which values of what a root session does not show. */
export interface Sample {
  readonly region: string;
  /** A bucket, queue or MFA device name, for a task that touches one. */
  readonly name?: string;
  /** Values of the keys a root session's request does not show; null or missing: absent. */
  readonly world: Readonly<Record<string, readonly string[] | null>>;
  /** For iam:DeleteVirtualMFADevice: whether it is authorized against the MFA device or the root user. */
  readonly reading?: "device" | "root user";
}

const ALLOW_ALL = {
  name: "identity",
  policy: { Version: "2012-10-17", Statement: [{ Effect: "Allow", Action: "*", Resource: "*" }] },
};

/** The nodes from the root down to an account. */
function pathOf(setup: ScpSetup, accountId: string): string[] {
  const parents = new Map([
    ...setup.ous.map((ou) => [ou.id, ou.parent] as const),
    ...setup.accounts.map((a) => [a.id, a.parent] as const),
  ]);
  const path = [accountId];
  for (let node = parents.get(accountId); node !== undefined; node = parents.get(node)) path.unshift(node);
  return path;
}

/**
 * A root session's request context, from AWS's documentation (IAM User Guide, AWS global condition context keys;
 * Centralize root access for member accounts): the member's root user, its organization and path, aws:AssumedRoot
 * true; no service calls on its behalf; the SDK's HTTPS; now.
 */
function rootSessionContext(setup: ScpSetup, accountId: string, region: string): Record<string, string | string[]> {
  const orgPath = `${[setup.organizationId, ...pathOf(setup, accountId).slice(0, -1)].join("/")}/`;
  return {
    "aws:PrincipalArn": `arn:${setup.partition}:iam::${accountId}:root`,
    "aws:PrincipalAccount": accountId,
    "aws:PrincipalOrgID": setup.organizationId,
    "aws:PrincipalOrgPaths": [orgPath],
    "aws:AssumedRoot": "true",
    "aws:ResourceAccount": accountId,
    "aws:ResourceOrgID": setup.organizationId,
    "aws:ResourceOrgPaths": [orgPath],
    "aws:RequestedRegion": region,
    "aws:ViaAWSService": "false",
    "aws:PrincipalIsAWSService": "false",
    "aws:SecureTransport": "true",
    "aws:CurrentTime": NOW.toISOString(),
    "aws:EpochTime": String(NOW.getTime() / 1000),
  };
}

/**
 * Workaround: the simulator splits an ARN at every colon, also inside `${aws:...}`, so it does not find a policy
 * variable in the resource part of an SQS or IAM ARN. IAM substitutes variables there (after the fifth colon) and
 * nowhere else; the test does so itself, from the context it hands the simulator.
 */
function substituteResourceParts(document: unknown, context: Record<string, string | string[]>): unknown {
  const doc = document as { Statement: Record<string, unknown>[] };
  const substitute = (text: string) => {
    let colons = 0;
    let at = -1;
    while (colons < 5 && (at = text.indexOf(":", at + 1)) >= 0) colons++;
    // Workaround: an ARN of fewer than six segments ending in "*" ("arn:aws:sqs:*"), whose "*" expands beyond the
    // colons (IAM User Guide, "IAM JSON policy elements: Resource"), is never matched in a NotResource nor in an
    // RCP by the simulator: padded with "*" segments, it means the same for every ARN of six segments.
    if (colons < 5) return text.endsWith("*") && text.startsWith("arn:") ? text + ":*".repeat(5 - colons) : text;
    const tail = text.slice(at + 1).replace(/\$\{([^}]*)\}/g, (whole, inner: string) => {
      const [name, fallback] = inner.split(",").map((part) => part.trim());
      const value = Object.entries(context).find(([key]) => key.toLowerCase() === name.toLowerCase())?.[1];
      if (typeof value === "string") return value;
      return fallback?.replace(/^'|'$/g, "") ?? whole;
    });
    return text.slice(0, at + 1) + tail;
  };
  return {
    ...doc,
    Statement: doc.Statement.map((statement) => {
      const out = { ...statement };
      for (const element of ["Resource", "NotResource"]) {
        const value = out[element];
        if (typeof value === "string") out[element] = substitute(value);
        else if (Array.isArray(value)) out[element] = (value as string[]).map(substitute);
      }
      return out;
    }),
  };
}

/**
 * Workaround: the simulator compares a bare address in IpAddress/NotIpAddress ("198.51.100.7") only with an
 * address of its own family, so an IPv6 request is neither in it nor outside it; a block ("198.51.100.7/32") it
 * compares as AWS documents (an address of the other family is outside). A bare address is that one address: the
 * test writes it as its block.
 */
function addressesAsBlocks(document: unknown): unknown {
  const doc = document as { Statement: Record<string, unknown>[] };
  const asBlock = (value: string) => (value.includes("/") ? value : `${value}/${value.includes(":") ? 128 : 32}`);
  return {
    ...doc,
    Statement: doc.Statement.map((statement) => {
      const condition = statement.Condition as Record<string, Record<string, string | string[]>> | undefined;
      if (condition === undefined) return statement;
      const out: Record<string, Record<string, string | string[]>> = {};
      for (const [operator, block] of Object.entries(condition)) {
        const addresses = /IpAddress(IfExists)?$/.test(operator);
        out[operator] = Object.fromEntries(
          Object.entries(block).map(([key, values]) => [
            key,
            !addresses ? values : Array.isArray(values) ? values.map(asBlock) : asBlock(values),
          ]),
        );
      }
      return { ...statement, Condition: out };
    }),
  };
}

const RCP_FULL_AWS_ACCESS = {
  name: "RCPFullAWSAccess",
  policy: { Version: "2012-10-17", Statement: [{ Effect: "Allow", Principal: "*", Action: "*", Resource: "*" }] },
};

function levels(setup: ScpSetup, accountId: string, kind: "policies" | "rcps", context: Record<string, string | string[]>) {
  const attached = setup[kind] ?? [];
  // Workaround: the simulator adds RCPFullAWSAccess by itself only when it is given no RCP at all; with some, every
  // level needs it, as AWS attaches it everywhere.
  if (kind === "rcps" && attached.length === 0) return [];
  return pathOf(setup, accountId).map((node) => ({
    orgIdentifier: node,
    policies: [
      ...(kind === "rcps" ? [RCP_FULL_AWS_ACCESS] : []),
      ...attached
        .filter((policy) => policy.targets.includes(node))
        .map((policy) => ({
          name: policy.name,
          policy: substituteResourceParts(addressesAsBlocks(policy.document), context),
        })),
    ],
  }));
}

function resourceArn(setup: ScpSetup, accountId: string, resource: TaskResource, sample: Sample): string {
  const p = setup.partition;
  switch (resource) {
    case "root user":
      return `arn:${p}:iam::${accountId}:root`;
    case "none":
      return "*";
    case "virtual MFA device":
      return sample.reading === "root user"
        ? `arn:${p}:iam::${accountId}:root`
        : `arn:${p}:iam::${accountId}:mfa/${sample.name ?? "a"}`;
    case "bucket":
      return `arn:${p}:s3:::${sample.name ?? "aaa"}`;
    case "queue":
      return `arn:${p}:sqs:${sample.region}:${accountId}:${sample.name ?? "a"}`;
  }
}

/** Whether the simulator allows one call of a root session. */
export async function simulatorAllows(
  setup: ScpSetup,
  accountId: string,
  action: string,
  resource: string,
  sample: Sample,
): Promise<boolean> {
  const context = rootSessionContext(setup, accountId, sample.region);
  for (const [key, values] of Object.entries(sample.world)) {
    if (values !== null) context[key] = values.length === 1 ? values[0] : [...values];
  }
  const simulation = {
    request: {
      principal: `arn:${setup.partition}:iam::${accountId}:root`,
      action,
      resource: { resource, accountId },
      contextVariables: context,
    },
    identityPolicies: [ALLOW_ALL],
    serviceControlPolicies: levels(setup, accountId, "policies", context),
    resourceControlPolicies: levels(setup, accountId, "rcps", context),
  };
  // Workaround: an action that takes no resource (iam:GetAccountSummary) is known as such only to the validating
  // engine, which refuses the root user's ARN for IAM's credential actions ("no.resource.types"): it judges the
  // calls on "*", the other engine the rest.
  // Its validation refuses RCPFullAWSAccess (an Allow), and RCPs do not apply to IAM: none are given there.
  if (resource === "*") {
    const result = await runSimulation({ ...simulation, resourceControlPolicies: [] }, {});
    if (result.resultType === "error") throw new Error(`the simulator refused ${action}: ${JSON.stringify(result.errors)}`);
    return result.overallResult === "Allowed";
  }
  return runUnsafeSimulation(simulation, {}) === "Allowed";
}

/** Whether the simulator allows every call a task makes, for one sample. */
export async function simulatorAllowsTask(setup: ScpSetup, accountId: string, task: RootTask, sample: Sample): Promise<boolean> {
  for (const { action, resource } of ROOT_TASK_DEFINITIONS[task].requests) {
    if (!(await simulatorAllows(setup, accountId, action, resourceArn(setup, accountId, resource, sample), sample))) return false;
  }
  return true;
}
