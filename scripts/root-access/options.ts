import { ScriptError } from "../aws/aws-errors";
import { ArgumentProblem, parseFlags } from "../command-line/command-line";
import { ACCOUNT_ID_PATTERN, ORGANIZATION_ID_PATTERN, REGION_PATTERN, ROLE_ARN_PATTERN } from "../shared/patterns";
import {
  DEFAULT_SERVICE_ACCESS_WAIT_SECONDS,
  MAX_SERVICE_ACCESS_WAIT_SECONDS,
  ROOT_ACCESS_FEATURES,
  RootAccessFeature,
  SCRIPT_ENVIRONMENT,
  isRootAccessFeature,
} from "../shared/program-contract";
import { usageError } from "./program-errors";
import { endpointsFromEnvironment } from "../aws/endpoints";

/** What the script was asked to do. */
export type Verb = "enable" | "disable" | "check" | "check-deletable" | "remove-root-credentials";

/** Everything the script acts on, read from flags first and the stack's environment second. */
export interface Options {
  readonly verb: Verb;
  /** The features to enable, disable or check (exactly one for enable and disable). */
  readonly features: readonly RootAccessFeature[];
  /** The organization the caller's credentials must belong to; unchecked when absent. */
  readonly organizationId?: string;
  /** A role to assume before calling IAM. */
  readonly roleArn?: string;
  /** The region for the IAM and STS clients; the SDK's own resolution when absent. */
  readonly region?: string;
  /** How long to wait for IAM to see trusted access that was just enabled. */
  readonly waitSeconds: number;
  /** The member accounts whose root credentials remove-root-credentials removes. */
  readonly accounts: readonly string[];
  /** remove-root-credentials: the journal file, if any. */
  readonly journal?: string;
  /** Whether the stack may delete the organization (check-deletable checks only then). */
  readonly deleteOrganization: boolean;
  /** The stack whose terraform runs the script, when it does (ROOT_ACCESS_STACK); messages then name its settings. */
  readonly stack?: string;
  /** Endpoints set in the environment, named in errors about connections (the SDK reads them itself). */
  readonly endpoints: { readonly iam?: string; readonly sts?: string; readonly organizations?: string };
}

/** A parsed command line: either help was asked for, or options to run with. */
export type Command = { readonly help: true } | { readonly help: false; readonly options: Options };

const VERBS: readonly Verb[] = ["enable", "disable", "check", "check-deletable", "remove-root-credentials"];

/** Reads flags and environment variables (the only place the script reads either); throws a usage error. */
export function parseCommand(argv: readonly string[], env: NodeJS.ProcessEnv): Command {
  const { values, positionals } = readFlags(argv);
  if (values.help) {
    return { help: true };
  }
  const [verb, ...featureArgs] = positionals;
  if (!isVerb(verb)) {
    throw usageError(verb === undefined ? "no verb given" : `unknown verb ${JSON.stringify(verb)}`);
  }
  const fromEnv = (name: keyof typeof SCRIPT_ENVIRONMENT) => nonEmpty(env[SCRIPT_ENVIRONMENT[name]]);
  return {
    help: false,
    options: {
      verb,
      features: verb === "remove-root-credentials" ? [] : readFeatures(verb, featureArgs, values.features ?? fromEnv("features")),
      accounts: verb === "remove-root-credentials" ? readAccounts(featureArgs, fromEnv("accounts")) : [],
      journal: verb === "remove-root-credentials" ? fromEnv("journal") : undefined,
      organizationId: readOrganizationId(values["organization-id"] ?? fromEnv("organizationId")),
      roleArn: readRoleArn(values["role-arn"] ?? fromEnv("roleArn")),
      region: readRegion(values.region, fromEnv("region") ?? nonEmpty(env.AWS_REGION) ?? nonEmpty(env.AWS_DEFAULT_REGION)),
      waitSeconds: readWaitSeconds(values["wait-seconds"] ?? fromEnv("waitSeconds")),
      deleteOrganization: fromEnv("deleteOrganization") === "true",
      // A wait given on the command line is the person's, not the stack's.
      stack: values["wait-seconds"] === undefined ? fromEnv("stack") : undefined,
      endpoints: readEndpoints(env),
    },
  };
}

function readFlags(argv: readonly string[]) {
  try {
    return parseFlags(argv, {
      help: { type: "boolean", short: "h" },
      features: { type: "string" },
      "organization-id": { type: "string" },
      "role-arn": { type: "string" },
      region: { type: "string" },
      "wait-seconds": { type: "string" },
    });
  } catch (error) {
    if (!(error instanceof ArgumentProblem)) throw error;
    throw usageError(error.message);
  }
}

function isVerb(value: string | undefined): value is Verb {
  return (VERBS as readonly (string | undefined)[]).includes(value);
}

function readFeatures(verb: Verb, args: readonly string[], listed: string | undefined): RootAccessFeature[] {
  if (verb === "check-deletable") {
    if (args.length > 0) throw usageError(`check-deletable takes no feature, got ${JSON.stringify(args[0]).slice(0, 40)}`);
    return [];
  }
  const names = args.length > 0 ? args : (listed?.split(",").map((name) => name.trim()) ?? []);
  for (const name of names) {
    if (!isRootAccessFeature(name)) {
      throw usageError(`unknown feature ${JSON.stringify(name)}; features are ${ROOT_ACCESS_FEATURES.join(", ")}`);
    }
  }
  if (verb !== "check" && names.length !== 1) {
    throw usageError(`${verb} takes exactly one feature (${ROOT_ACCESS_FEATURES.join(" or ")}), got ${names.length}`);
  }
  if (verb === "check" && names.length === 0) {
    throw usageError(`check needs the expected features, as arguments, --features or ${SCRIPT_ENVIRONMENT.features}`);
  }
  return names as RootAccessFeature[];
}

// Arguments, else the stack's variable; an empty list is valid (no member account is selected).
function readAccounts(args: readonly string[], listed: string | undefined): string[] {
  const ids = args.length > 0 ? [...args] : (listed?.split(",").map((id) => id.trim()) ?? []);
  for (const id of ids) {
    if (!ACCOUNT_ID_PATTERN.test(id)) throw usageError(`account id ${JSON.stringify(id.slice(0, 40))} is not 12 digits`);
  }
  return [...new Set(ids)];
}

function readOrganizationId(value: string | undefined): string | undefined {
  if (value !== undefined && !ORGANIZATION_ID_PATTERN.test(value)) {
    throw usageError(`organization id ${JSON.stringify(value)} is not of the form o-xxxxxxxxxx`);
  }
  return value;
}

function readRoleArn(value: string | undefined): string | undefined {
  if (value !== undefined && !ROLE_ARN_PATTERN.test(value)) {
    throw usageError(`role ARN ${JSON.stringify(value)} is not an IAM role ARN (arn:aws:iam::<account>:role/<name>)`);
  }
  return value;
}

function readWaitSeconds(value: string | undefined): number {
  if (value === undefined) {
    return DEFAULT_SERVICE_ACCESS_WAIT_SECONDS;
  }
  const seconds = Number(value);
  if (!/^\d+$/.test(value) || seconds > MAX_SERVICE_ACCESS_WAIT_SECONDS) {
    throw usageError(`wait seconds ${JSON.stringify(value)} is not a whole number from 0 to ${MAX_SERVICE_ACCESS_WAIT_SECONDS}`);
  }
  return seconds;
}

// The flag, else the stack's variable, else AWS_REGION: checked here so a typo is named, not a stack trace.
function readRegion(flag: string | undefined, fromEnvironment: string | undefined): string | undefined {
  const region = nonEmpty(flag) ?? fromEnvironment;
  if (region !== undefined && !REGION_PATTERN.test(region)) {
    throw usageError(`region ${JSON.stringify(region.slice(0, 40))} is not an AWS region, for example us-east-1`);
  }
  return region;
}

// The SDK reads these itself; a malformed one would surface as a stack trace deep inside it.
function readEndpoints(env: NodeJS.ProcessEnv) {
  try {
    return endpointsFromEnvironment(env);
  } catch (error) {
    if (!(error instanceof ScriptError)) throw error;
    throw usageError(error.message);
  }
}

// Terraform passes unset settings as empty strings.
function nonEmpty(value: string | undefined): string | undefined {
  return value === undefined || value.trim() === "" ? undefined : value;
}
