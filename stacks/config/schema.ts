import * as z from "zod";
import { regionsOf } from "../../scripts/shared/partition-regions";
import { Partition, partitionOfRegion } from "../../scripts/shared/partitions";
import {
  ACCOUNT_ID_PATTERN,
  ORGANIZATION_ID_PATTERN,
  REGION_PATTERN,
  ROLE_ARN_PATTERN,
  STACK_NAME_PATTERN,
} from "../../scripts/shared/patterns";
import {
  DEFAULT_SERVICE_ACCESS_WAIT_SECONDS,
  MAX_SERVICE_ACCESS_WAIT_SECONDS,
  ROOT_ACCESS_FEATURES,
} from "../../scripts/shared/program-contract";

// The configuration contract, defined once: the types below, validation with every problem at once, defaults,
// cross-field rules, the editor's JSON Schema (root-access.config.schema.json) and the reference
// (docs/reference/configuration.md) all come from this file. Each schema's `error` is the phrase that says what is
// allowed; ./problems.ts turns zod's issues into one line per problem around it.

/** What a string setting must look like, and the words that say so in messages. */
interface Format {
  readonly pattern: RegExp;
  readonly expected: string;
}

const STACK_NAME: Format = {
  pattern: STACK_NAME_PATTERN,
  expected: 'a stack name: a letter, then up to 63 letters, digits, "-" or "_" (it becomes a folder name)',
};
const ORGANIZATION_ID: Format = {
  pattern: ORGANIZATION_ID_PATTERN,
  expected: 'an organization id: "o-" and 10 to 32 lowercase letters or digits, for example "o-a1b2c3d4e5"',
};
const ORGANIZATIONAL_UNIT_ID: Format = {
  pattern: /^ou-[0-9a-z]{4,32}-[a-z0-9]{8,32}$/,
  expected: 'an OU id: "ou-", 4 to 32 lowercase letters or digits, "-", 8 to 32 more, for example "ou-ab12-cd34ef56"',
};
const ACCOUNT_ID: Format = { pattern: ACCOUNT_ID_PATTERN, expected: 'an AWS account id: 12 digits, for example "111122223333"' };
const ROLE_ARN: Format = {
  pattern: ROLE_ARN_PATTERN,
  expected: 'an IAM role ARN, for example "arn:aws:iam::111122223333:role/OrgRootAccessDeployer"',
};
const REGION: Format = { pattern: REGION_PATTERN, expected: 'an AWS region, for example "us-east-1"' };
const SERVICE_PRINCIPAL: Format = {
  pattern: /^[a-z0-9][a-z0-9.-]*\.amazonaws\.com$/,
  expected: 'a service principal, for example "sso.amazonaws.com"',
};
const BUCKET: Format = {
  pattern: /^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/,
  expected: 'an S3 bucket name: 3 to 63 lowercase letters, digits, "." or "-"',
};
// The key becomes part of IAM resource ARNs (npm run policy), where "*" and "?" are wildcards and "${" starts a
// policy variable: none may reach it, or the least-privilege policy would grant more than one object.
const STATE_KEY: Format = {
  pattern: /^[A-Za-z0-9!_.'()-]+(\/[A-Za-z0-9!_.'()-]+)*$/,
  expected:
    'an S3 key such as "org-root-access/prod.tfstate": letters, digits and !_.\'()- in parts joined by "/" (no "*", "?" or "$", ' +
    "which an IAM policy would read as wildcards or variables)",
};
const DYNAMODB_TABLE: Format = {
  pattern: /^[A-Za-z0-9_.-]{3,255}$/,
  expected: "a DynamoDB table name: 3 to 255 letters, digits, _ . or -",
};

/** The stack name when the config leaves it out. */
const DEFAULT_STACK_NAME = "root-access";
/** Where centralized root access exists: the partitions a region may belong to. */
const SUPPORTED_REGION =
  'a region where IAM centralized root access exists: a commercial, GovCloud ("us-gov-...") or China ("cn-...") ' +
  "region (AWS documents none in the isolated partitions)";

/** The region when the config leaves it out. */
const DEFAULT_REGION = "us-east-1";
const STACKS_EXAMPLE = '[{ "name": "root-access" }]';

// Cross-field rules run even when other values have problems (every problem at once), on what zod has parsed
// so far: values that failed stay as they were written, so the rules check types before trusting them.
const whenObject = { when: (payload: { value: unknown }) => isRecord(payload.value) };
const whenList = { when: (payload: { value: unknown }) => Array.isArray(payload.value) };

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

const formatted = (format: Format) =>
  z
    .string({ error: (issue) => (issue.input === undefined ? format.expected : "a string") })
    .regex(format.pattern, { error: format.expected });

const flag = () => z.boolean({ error: "true or false" });

/** An object that refuses keys it does not know, naming the ones it does. */
const strict = <T extends z.core.$ZodLooseShape>(shape: T) =>
  z.strictObject(shape, {
    error: (issue) => (issue.code === "unrecognized_keys" ? `allowed keys are ${Object.keys(shape).join(", ")}` : "an object"),
  });

/** A list in which each valid item appears once; `why` ends the message about a repeated one. */
const uniqueList = <T extends z.ZodType>(item: T, why: string) =>
  z.array(item, { error: "a list" }).superRefine((items, context) => {
    const first = new Map<unknown, number>();
    items.forEach((value, index) => {
      if (!item.safeParse(value).success) return;
      const earlier = first.get(value);
      if (earlier === undefined) {
        first.set(value, index);
      } else {
        context.addIssue(problem([index], { kind: "duplicate", value, firstPath: [earlier], why }));
      }
    });
  }, whenList);

const ORGANIZATION_MODES = ["create", "adopt", "external"] as const;

const organizationSchema = strict({
  mode: z.enum(ORGANIZATION_MODES).default("create").meta({
    description:
      '"create": this stack creates the organization; "adopt": imports and manages an existing one; "external": only checks one another stack owns',
  }),
  id: formatted(ORGANIZATION_ID).optional().meta({
    description: 'the organization id ("o-" and 10-32 lowercase letters or digits); required for "adopt" and "external"',
  }),
  serviceAccessPrincipals: uniqueList(formatted(SERVICE_PRINCIPAL), "list each service principal once").optional().meta({
    description: 'trusted services to enable besides iam.amazonaws.com ("create" and "adopt"); none is ever disabled',
    default: [],
  }),
})
  .superRefine((organization, context) => {
    const { mode } = organization;
    if (mode === "create" && organization.id !== undefined) {
      context.addIssue(
        onlyWith(["id"], 'with mode "adopt" or "external"', 'remove it: mode "create" creates a new organization'),
      );
    }
    if ((mode === "adopt" || mode === "external") && organization.id === undefined) {
      context.addIssue(
        problem(["id"], { kind: "missing", expected: `${ORGANIZATION_ID.expected}, with mode ${JSON.stringify(mode)}` }),
      );
    }
    if (mode === "external" && organization.serviceAccessPrincipals !== undefined) {
      context.addIssue(
        onlyWith(
          ["serviceAccessPrincipals"],
          'with mode "create" or "adopt"',
          "in external mode the stack that owns the organization manages its trusted services",
        ),
      );
    }
  }, whenObject)
  .transform(({ mode, id, serviceAccessPrincipals }) => ({ mode, id, serviceAccessPrincipals: serviceAccessPrincipals ?? [] }))
  .prefault({});

const localBackendSchema = strict({ type: z.literal("local") });

const s3BackendSchema = strict({
  type: z.literal("s3"),
  bucket: formatted(BUCKET).meta({ description: "the state bucket" }),
  key: formatted(STATE_KEY)
    .max(1000, { error: "an S3 key of at most 1000 characters" })
    .optional()
    .meta({ description: "the state object's key; default org-root-access/<stack name>.tfstate" }),
  region: formatted(REGION).optional().meta({ description: "the bucket's region; default the stack's region" }),
  useLockfile: flag().default(true).meta({ description: "S3-native state locking (Terraform 1.10 or newer)" }),
  dynamodbTable: formatted(DYNAMODB_TABLE).optional().meta({ description: "a DynamoDB table for locking (the older mechanism)" }),
  encrypt: flag().default(true).meta({ description: "server-side encryption of the state object" }),
});

const backendSchema = z.discriminatedUnion("type", [localBackendSchema, s3BackendSchema], { error: "an object" });

const FEATURES = z.enum(ROOT_ACCESS_FEATURES);

const ACCOUNT_LIST = uniqueList(formatted(ACCOUNT_ID), "list each account once");

const rootCredentialsSchema = strict({
  remove: z
    .union([z.literal("all"), ACCOUNT_LIST], {
      error: (issue) =>
        issue.input === undefined ? '"all" or a list of member account ids' : '"all", or a list of 12-digit member account ids',
    })
    .meta({
      description:
        '"all" member accounts, or a list of member account ids, whose root credentials (password, access keys, MFA devices, signing certificates) the apply removes; irreversible except by password recovery',
    }),
  keep: ACCOUNT_LIST.default([]).meta({ description: "member account ids whose root credentials are never removed" }),
});

const GUARDRAIL_TARGET_EXPECTED =
  '"root" (the organization root), an OU id such as "ou-ab12-cd34ef56", or a 12-digit member account id';
const guardrailTarget = z
  .string({ error: GUARDRAIL_TARGET_EXPECTED })
  .refine((target) => target === "root" || ORGANIZATIONAL_UNIT_ID.pattern.test(target) || ACCOUNT_ID.pattern.test(target), {
    error: GUARDRAIL_TARGET_EXPECTED,
  });

const rootUserGuardrailSchema = strict({
  targets: uniqueList(guardrailTarget, "attach the guardrail once per target")
    .min(1, { error: `at least one target: ${GUARDRAIL_TARGET_EXPECTED}` })
    .superRefine((targets, context) => {
      const root = targets.indexOf("root");
      if (root >= 0 && targets.length > 1) {
        context.addIssue(
          onlyWith(
            [root],
            "on its own",
            '"root" already covers every member account: list either "root" or the OUs and accounts to protect',
          ),
        );
      }
    })
    .default(["root"])
    .meta({
      description:
        'where the SCP is attached: ["root"] (every member account), or OU ids and member account ids; never the management account, which SCPs do not apply to',
    }),
});

const EMAIL: Format = {
  pattern: /^[^@\s"<>]+@[^@\s"<>]+\.[^@\s"<>]+$/,
  expected: 'an email address, for example "security@example.com"',
};
const TOPIC_ARN: Format = {
  pattern: /^arn:aws(-us-gov|-cn)?:sns:[a-z]{2}(-gov)?-[a-z]+-\d:\d{12}:[A-Za-z0-9_-]{1,256}$/,
  expected: 'a standard SNS topic ARN, for example "arn:aws:sns:us-east-1:111122223333:security-alerts"',
};

const ROLE_NAME: Format = {
  pattern: /^[\w+=,.@-]{1,64}$/,
  expected: 'an IAM role name: 1 to 64 letters, digits or +=,.@_- (no path), for example "org-root-access-forwarders"',
};
const LOG_GROUP: Format = {
  pattern: /^[\w./#-]{1,512}$/,
  expected: 'a CloudWatch Logs group name: 1 to 512 letters, digits or _-./#, for example "aws-controltower/CloudTrailLogs"',
};
// Identity Center names the roles of its permission sets AWSReservedSSO_<set>_<id>: people sign in through them.
const IDENTITY_CENTER_ROLE = /:role\/(.*\/)?AWSReservedSSO_[^/]*$/;

const rootActivityAlertsSchema = strict({
  email: uniqueList(formatted(EMAIL), "subscribe each address once")
    .min(1, { error: 'at least one address, for example ["security@example.com"]' })
    .optional()
    .meta({ description: "addresses subscribed (by email, each confirms once) to a topic the stack creates" }),
  topicArn: formatted(TOPIC_ARN).optional().meta({
    description:
      "an existing SNS topic in the stack's region instead; its policy must let events.amazonaws.com publish (and cloudwatch.amazonaws.com, with organizationTrailLogGroup)",
  }),
  ignoreCallers: uniqueList(
    formatted(ROLE_ARN).refine((arn) => !IDENTITY_CENTER_ROLE.test(arn), {
      error:
        "a pipeline's role: an Identity Center permission set's role (AWSReservedSSO_...) is people signing in, and their root sessions must alert",
    }),
    "list each role once",
  )
    .default([])
    .meta({
      description:
        "pipeline roles whose successful audit and removal sessions (IAMAuditRootUserCredentials, IAMDeleteRootUserCredentials) raise no alert, matched on CloudTrail's sessionIssuer; any other task or a refused call alerts",
    }),
  regions: uniqueList(formatted(REGION), "list each region once")
    .min(1, { error: 'at least the stack\'s region, for example ["us-east-1"]' })
    .optional()
    .meta({
      description:
        "the regions where an AssumeRoot raises the alert; default every region enabled without opting in (the 17 commercial regions of before March 2019; every GovCloud or China region). Either way, the plan fails while the account has opted in to a region that is not listed",
    }),
  delegatedAdministratorRoleName: formatted(ROLE_NAME).optional().meta({
    description:
      "with delegatedAdministratorAccountId: a role in that account the stack assumes, in plan and apply, to forward its AssumeRoot events (it opens root sessions too); give it only the forwarders' rights, never an administrator's",
  }),
  organizationTrailLogGroup: formatted(LOG_GROUP).optional().meta({
    description:
      "the CloudWatch Logs group (stack's account and region) an organization trail delivers to: adds metric filters and alarms for root activity in member accounts",
  }),
}).superRefine((alerts, context) => {
  if (alerts.email === undefined && alerts.topicArn === undefined) {
    context.addIssue(problem(["email"], { kind: "missing", expected: 'a list of addresses, or "topicArn": an existing topic' }));
  }
  if (alerts.email !== undefined && alerts.topicArn !== undefined) {
    context.addIssue(
      onlyWith(
        ["topicArn"],
        'without "email"',
        "alerts go to a topic the stack creates for the addresses, or to an existing one: keep one of the two",
      ),
    );
  }
}, whenObject);

const WAIT_RANGE = `a whole number from 0 to ${MAX_SERVICE_ACCESS_WAIT_SECONDS}`;

const stackSchema = strict({
  // The default is applied below, after the rules that must know whether a name was written.
  name: formatted(STACK_NAME).optional().meta({
    default: DEFAULT_STACK_NAME,
    description:
      'stack name: the folder under cdktf.out/stacks and the state file name. A letter, then letters, digits, "-", "_"; unique',
  }),
  organization: organizationSchema.meta({ description: "the organization this stack works on" }),
  features: uniqueList(FEATURES, "list each feature once").default(["RootSessions"]).meta({
    description: 'any of "RootCredentialsManagement", "RootSessions", each once; [] disables every feature this stack enabled',
  }),
  implementation: z
    .enum(["script", "native"])
    .default("script")
    .meta({ description: '"script" (the bundled script) or "native" (aws_iam_organizations_features)' }),
  delegatedAdministratorAccountId: formatted(ACCOUNT_ID)
    .optional()
    .meta({ description: "12-digit account id to register as IAM's delegated administrator" }),
  assumeRoleArn: formatted(ROLE_ARN).optional().meta({
    description: "a role in the management account that the provider and the script assume (session name org-root-access)",
  }),
  region: formatted(REGION)
    .refine((region) => partitionOfRegion(region) !== undefined, { error: SUPPORTED_REGION })
    .default(DEFAULT_REGION)
    .meta({ description: "the provider's and the script's region; its partition (aws, aws-us-gov, aws-cn) is in every ARN" }),
  allowOrganizationDestroy: flag()
    .default(false)
    .meta({ description: 'lets terraform destroy delete the organization ("create" mode only)' }),
  backend: backendSchema.default({ type: "local" }).meta({
    description:
      'where state is kept: { "type": "local" }, or { "type": "s3", "bucket", "key", "region", "useLockfile", "dynamodbTable", "encrypt" }',
  }),
  rootCredentials: rootCredentialsSchema.optional().meta({
    description:
      'removes member accounts\' root credentials as code: { "remove": "all" | ["111122223333", ...], "keep": [...] }; needs "RootCredentialsManagement" in features',
  }),
  rootUserGuardrail: rootUserGuardrailSchema.optional().meta({
    description:
      'an SCP, org-root-access-deny-root-user, that denies member accounts\' root users every action outside central root sessions: { "targets": ["root"] | ["ou-...", "111122223333", ...] } (default ["root"]); enables the SERVICE_CONTROL_POLICY policy type ("create", "adopt") or needs it ("external")',
  }),
  rootActivityAlerts: rootActivityAlertsSchema.optional().meta({
    description:
      'an EventBridge rule for CloudTrail\'s AssumeRoot events (a root session opened) and an SNS target: { "email": [...] } or { "topicArn": "..." }, optional "ignoreCallers": [role ARNs]',
  }),
  serviceAccessWaitSeconds: z
    .int({ error: WAIT_RANGE })
    .min(0, { error: WAIT_RANGE })
    .max(MAX_SERVICE_ACCESS_WAIT_SECONDS, { error: WAIT_RANGE })
    .default(DEFAULT_SERVICE_ACCESS_WAIT_SECONDS)
    .meta({
      description: `how long the script keeps retrying while IAM does not yet see trusted access that was just enabled (0-${MAX_SERVICE_ACCESS_WAIT_SECONDS})`,
    }),
})
  .superRefine((stack, context) => {
    const mode = isRecord(stack.organization) ? stack.organization.mode : undefined;
    if (mode !== undefined && mode !== "create" && stack.allowOrganizationDestroy === true) {
      context.addIssue(
        onlyWith(
          ["allowOrganizationDestroy"],
          'with mode "create"',
          `an organization in mode ${JSON.stringify(mode)} is never deleted by this stack; remove the key`,
        ),
      );
    }
    const features: unknown = stack.features;
    if (stack.rootCredentials !== undefined && Array.isArray(features) && !features.includes("RootCredentialsManagement")) {
      context.addIssue(
        onlyWith(
          ["rootCredentials"],
          'with "RootCredentialsManagement" in features',
          "add it to features: AWS opens root sessions that remove root credentials only in an organization with it",
        ),
      );
    }
    const alerts: unknown = stack.rootActivityAlerts;
    if (isRecord(alerts) && typeof alerts.topicArn === "string" && typeof stack.region === "string") {
      const [, partition, , region] = alerts.topicArn.split(":");
      if (region !== stack.region || partition !== partitionOfRegion(stack.region)) {
        context.addIssue(
          onlyWith(
            ["rootActivityAlerts", "topicArn"],
            `in the stack's region (${stack.region})`,
            "EventBridge's rule is in the stack's region and publishes to a topic there: name a topic in that region",
          ),
        );
      }
    }
    if (isRecord(alerts) && typeof stack.region === "string") rootActivityRegionRules(context, alerts, stack.region);
    if (
      isRecord(alerts) &&
      typeof stack.delegatedAdministratorAccountId === "string" &&
      alerts.delegatedAdministratorRoleName === undefined
    ) {
      context.addIssue(
        problem(["rootActivityAlerts", "delegatedAdministratorRoleName"], {
          kind: "missing",
          expected:
            `a role in the delegated administrator's account ${stack.delegatedAdministratorAccountId} that the stack assumes, for example "org-root-access-forwarders" (only the forwarders' rights: docs/operations/root-activity-alerts.md): ` +
            "IAM's delegated administrator opens root sessions too, and its AssumeRoot events are only seen there",
        }),
      );
    }
    if (
      isRecord(alerts) &&
      alerts.delegatedAdministratorRoleName !== undefined &&
      stack.delegatedAdministratorAccountId === undefined
    ) {
      context.addIssue(
        onlyWith(
          ["rootActivityAlerts", "delegatedAdministratorRoleName"],
          "with delegatedAdministratorAccountId",
          "the role is assumed in IAM's delegated administrator's account: name the account, or remove the key",
        ),
      );
    }
    const rootCredentials: unknown = stack.rootCredentials;
    if (isRecord(rootCredentials) && Array.isArray(rootCredentials.remove) && Array.isArray(rootCredentials.keep)) {
      const removed: unknown[] = rootCredentials.remove;
      rootCredentials.keep.forEach((id: unknown, index) => {
        const earlier = removed.indexOf(id);
        if (earlier >= 0) {
          context.addIssue(
            problem(["rootCredentials", "keep", index], {
              kind: "duplicate",
              value: id,
              firstPath: ["rootCredentials", "remove", earlier],
              why: "an account is either removed or kept",
            }),
          );
        }
      });
    }
  }, whenObject)
  .transform((stack) => ({
    ...stack,
    // Canonical (enable) order, so the same set always synthesizes the same way.
    features: ROOT_ACCESS_FEATURES.filter((feature) => stack.features.includes(feature)),
    // The region passed the schema, so its partition is one of the supported ones.
    partition: partitionOfRegion(stack.region) as Partition,
    backend: stack.backend.type === "s3" ? { ...stack.backend, region: stack.backend.region ?? stack.region } : stack.backend,
  }));

/**
 * The defaults that depend on the stack's name, applied once every stack is checked, so the rules across
 * stacks can tell a name or key the file wrote from one it would get by default.
 */
function withNameDefaults({ name = DEFAULT_STACK_NAME, ...stack }: z.output<typeof stackSchema>) {
  return {
    name,
    ...stack,
    backend: stack.backend.type === "s3" ? { ...stack.backend, key: stack.backend.key ?? defaultStateKey(name) } : stack.backend,
  };
}

/** The JSON a configuration file holds. */
export const configFileSchema = strict({
  $schema: z.string({ error: "a string" }).optional().meta({ description: "the JSON Schema an editor checks this file against" }),
  stacks: z
    .array(stackSchema, {
      error: (issue) => (issue.input === undefined ? `a list of stacks, for example ${STACKS_EXAMPLE}` : "a list"),
    })
    .min(1, { error: STACKS_EXAMPLE })
    .superRefine((stacks, context) => {
      uniqueNames(context, stacks);
      uniqueStateObjects(context, stacks);
    }, whenList)
    .meta({ description: "one entry per organization" }),
}).transform((file) => ({ ...file, stacks: file.stacks.map(withNameDefaults) }));

/** The default key of a stack's state object in S3. */
function defaultStateKey(stackName: string): string {
  return `org-root-access/${stackName}.tfstate`;
}

function isValidName(name: unknown): name is string {
  return typeof name === "string" && STACK_NAME.pattern.test(name);
}

/** A stack's name as it will be, and whether the file wrote it; undefined when it is not a valid name. */
function nameOf(stack: unknown): { readonly name: string; readonly written: boolean } | undefined {
  if (!isRecord(stack)) return undefined;
  if (stack.name === undefined) return { name: DEFAULT_STACK_NAME, written: false };
  return isValidName(stack.name) ? { name: stack.name, written: true } : undefined;
}

// Names collide when they are equal ignoring letter case: they become folder and file names.
function uniqueNames(context: z.RefinementCtx, stacks: readonly unknown[]): void {
  const first = new Map<string, { index: number; name: string; written: boolean }>();
  stacks.forEach((stack, index) => {
    const named = nameOf(stack);
    if (named === undefined) return;
    const earlier = first.get(named.name.toLowerCase());
    if (earlier === undefined) {
      first.set(named.name.toLowerCase(), { index, ...named });
      return;
    }
    const params = { kind: "nameTaken" as const, name: named.name, written: named.written, first: earlier };
    context.addIssue(problem(named.written ? [index, "name"] : [index], params));
  });
}

/** Where a stack with an S3 backend keeps its state: bucket, key, and whether the file wrote the key. */
function stateObjectOf(stack: unknown): { readonly bucket: string; readonly key: string; readonly written: boolean } | undefined {
  if (!isRecord(stack) || !isRecord(stack.backend)) return undefined;
  const { backend } = stack;
  if (backend.type !== "s3" || typeof backend.bucket !== "string") return undefined;
  if (typeof backend.key === "string") return { bucket: backend.bucket, key: backend.key, written: true };
  const named = nameOf(stack);
  return named && { bucket: backend.bucket, key: defaultStateKey(named.name), written: false };
}

function uniqueStateObjects(context: z.RefinementCtx, stacks: readonly unknown[]): void {
  const first = new Map<string, { index: number; written: boolean }>();
  stacks.forEach((stack, index) => {
    const object = stateObjectOf(stack);
    if (object === undefined) return;
    const id = JSON.stringify([object.bucket, object.key]);
    const earlier = first.get(id);
    if (earlier === undefined) {
      first.set(id, { index, written: object.written });
      return;
    }
    // Two default keys collide only where the names do, which is reported already.
    if (!object.written && !earlier.written) return;
    const params = { kind: "stateTaken" as const, ...object, first: earlier };
    context.addIssue(problem(object.written ? [index, "backend", "key"] : [index, "backend"], params));
  });
}

// The covered regions are regions of the stack's partition that the AWS SDK knows, and include the stack's own:
// the home rules that alert are there.
function rootActivityRegionRules(context: z.RefinementCtx, alerts: Record<string, unknown>, stackRegion: string): void {
  const partition = partitionOfRegion(stackRegion);
  if (!Array.isArray(alerts.regions) || partition === undefined) return;
  const known = regionsOf(partition);
  const regions: unknown[] = alerts.regions;
  regions.forEach((region, index) => {
    if (typeof region !== "string" || !REGION.pattern.test(region) || known.includes(region)) return;
    context.addIssue(
      onlyWith(
        ["rootActivityAlerts", "regions", index],
        `naming a region of the stack's partition (${partition})`,
        `${JSON.stringify(region)} is not one of ${partition}'s regions in the AWS SDK's data (${known.join(", ")})`,
      ),
    );
  });
  if (!regions.includes(stackRegion)) {
    context.addIssue(
      onlyWith(
        ["rootActivityAlerts", "regions"],
        `including the stack's region (${stackRegion})`,
        "the rules that send the alerts are in the stack's region: add it to the list",
      ),
    );
  }
}

function onlyWith(path: PropertyKey[], condition: string, remedy: string) {
  return problem(path, { kind: "onlyWith", condition, remedy });
}

/**
 * A problem a cross-field rule found, for ./problems.ts to word. Paths inside it (`firstPath`) are relative to
 * the same object as the issue's own `path`, which zod then prefixes with where that object is.
 */
export type RuleProblem =
  | { readonly kind: "duplicate"; readonly value: unknown; readonly firstPath: readonly PropertyKey[]; readonly why: string }
  | {
      readonly kind: "nameTaken";
      readonly name: string;
      readonly written: boolean;
      readonly first: { readonly index: number; readonly name: string; readonly written: boolean };
    }
  | {
      readonly kind: "stateTaken";
      readonly bucket: string;
      readonly key: string;
      readonly written: boolean;
      readonly first: { readonly index: number; readonly written: boolean };
    }
  | { readonly kind: "onlyWith"; readonly condition: string; readonly remedy: string }
  | { readonly kind: "missing"; readonly expected: string };

function problem(path: PropertyKey[], params: RuleProblem) {
  return { code: "custom" as const, path, message: params.kind, params: { ...params, relativePath: [...path] } };
}

/** One organization's stack, with every default applied. */
export type StackConfig = z.output<typeof configFileSchema>["stacks"][number];
/** The organization a stack works on. */
export type OrganizationConfig = StackConfig["organization"];
/** How the stack relates to the organization: create a new one, adopt (import) an existing one, or check an external one. */
export type OrganizationMode = OrganizationConfig["mode"];
/** Which member accounts' root credentials a stack removes. */
export type RootCredentialsConfig = NonNullable<StackConfig["rootCredentials"]>;
/** Who is told when a root session is opened. */
export type RootActivityAlertsConfig = NonNullable<StackConfig["rootActivityAlerts"]>;
/** Where the root-user guardrail SCP is attached. */
export type RootUserGuardrailConfig = NonNullable<StackConfig["rootUserGuardrail"]>;
/** Who turns the features on: the bundled script through local-exec, or the provider's native resource. */
export type Implementation = StackConfig["implementation"];
/** Where Terraform keeps the stack's state. */
export type BackendConfig = StackConfig["backend"];
/** State in S3, locked with an S3 lock file (Terraform 1.10 or newer) and/or a DynamoDB table. */
export type S3BackendConfig = Extract<BackendConfig, { type: "s3" }>;

/** The validated configuration and where it came from. */
export interface AppConfig {
  readonly source: string;
  readonly stacks: readonly StackConfig[];
}
