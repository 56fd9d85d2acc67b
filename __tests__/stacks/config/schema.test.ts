import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { ConfigError } from "../../../stacks/config/config-errors";
import { loadConfig, parseAppConfig } from "../../../stacks/config/load";
import type { AppConfig } from "../../../stacks/config/schema";

const tempDirs: string[] = [];
afterAll(() => tempDirs.forEach((dir) => fs.rmSync(dir, { recursive: true, force: true })));

function projectWith(files: Record<string, string>): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "root-access-config-"));
  tempDirs.push(dir);
  for (const [name, text] of Object.entries(files)) fs.writeFileSync(path.join(dir, name), text);
  return dir;
}

function parse(raw: unknown): AppConfig {
  return parseAppConfig(raw, "test.json");
}

function stack(fields: Record<string, unknown>) {
  return { stacks: [{ name: "root-access", ...fields }] };
}

describe("loading the configuration", () => {
  it("uses the built-in defaults when neither ROOT_ACCESS_CONFIG nor root-access.config.json exists", () => {
    // GIVEN a project without a config file WHEN the config is loaded
    const config = loadConfig({ env: {}, projectRoot: projectWith({}) });
    // THEN there is one stack that creates the organization and enables RootSessions through the script
    expect(config).toEqual({
      source: "built-in defaults",
      stacks: [
        {
          name: "root-access",
          organization: { mode: "create", id: undefined, serviceAccessPrincipals: [] },
          features: ["RootSessions"],
          implementation: "script",
          delegatedAdministratorAccountId: undefined,
          assumeRoleArn: undefined,
          region: "us-east-1",
          partition: "aws",
          allowOrganizationDestroy: false,
          backend: { type: "local" },
          serviceAccessWaitSeconds: 120,
        },
      ],
    });
  });

  it("reads root-access.config.json from the project root", () => {
    const root = projectWith({ "root-access.config.json": JSON.stringify(stack({ name: "from-file" })) });
    const config = loadConfig({ env: {}, projectRoot: root });
    expect(config.source).toBe(path.join(root, "root-access.config.json"));
    expect(config.stacks.map((s) => s.name)).toEqual(["from-file"]);
  });

  it("prefers the file ROOT_ACCESS_CONFIG names over the project's default file", () => {
    const root = projectWith({
      "root-access.config.json": JSON.stringify(stack({ name: "default-file" })),
      "other.json": JSON.stringify(stack({ name: "named-file" })),
    });
    const config = loadConfig({ env: { ROOT_ACCESS_CONFIG: path.join(root, "other.json") }, projectRoot: root });
    expect(config.stacks.map((s) => s.name)).toEqual(["named-file"]);
  });

  it("fails when ROOT_ACCESS_CONFIG names a file that does not exist, naming the file", () => {
    const missing = path.join(projectWith({}), "nope.json");
    expect(() => loadConfig({ env: { ROOT_ACCESS_CONFIG: missing }, projectRoot: "/" })).toThrow(
      `ROOT_ACCESS_CONFIG names ${missing}, but it does not exist. Point ROOT_ACCESS_CONFIG at a readable JSON file, or unset it.`,
    );
  });

  it("fails on a file that is not JSON, naming the file, the line and column, and what was wrong there", () => {
    const root = projectWith({ "root-access.config.json": '{ "stacks": [ { "name": "a", } ] }' });
    expect(() => loadConfig({ env: {}, projectRoot: root })).toThrow(
      `Invalid configuration in ${root}/root-access.config.json: not valid JSON at line 1, column 30: expected a key in ` +
        'double quotes. The expected shape is { "stacks": [ { "name": "root-access", ... } ] }.',
    );
  });
});

describe("valid configurations", () => {
  it('accepts a "$schema" key, which editors read and the app ignores', () => {
    const config = parse({ $schema: "./root-access.config.schema.json", stacks: [{ name: "prod" }] });
    expect(config.stacks.map((s) => s.name)).toEqual(["prod"]);
  });

  it("keeps features in enable order whatever order the file lists them in", () => {
    const config = parse(stack({ features: ["RootSessions", "RootCredentialsManagement"] }));
    expect(config.stacks[0].features).toEqual(["RootCredentialsManagement", "RootSessions"]);
  });

  it("accepts an empty feature list: every feature the stack enabled gets disabled", () => {
    expect(parse(stack({ features: [] })).stacks[0].features).toEqual([]);
  });

  it("accepts several stacks with their own settings", () => {
    const config = parse({
      stacks: [
        { name: "prod", region: "eu-west-1", assumeRoleArn: "arn:aws:iam::111122223333:role/path/Deployer" },
        { name: "dev", allowOrganizationDestroy: true, serviceAccessWaitSeconds: 0, backend: { type: "local" } },
      ],
    });
    expect(config.stacks).toMatchObject([
      { name: "prod", region: "eu-west-1", assumeRoleArn: "arn:aws:iam::111122223333:role/path/Deployer" },
      { name: "dev", allowOrganizationDestroy: true, serviceAccessWaitSeconds: 0 },
    ]);
  });

  it("accepts an existing organization to adopt, with extra trusted services and IAM's delegated administrator", () => {
    const config = parse(
      stack({
        organization: { mode: "adopt", id: "o-a1b2c3d4e5", serviceAccessPrincipals: ["sso.amazonaws.com"] },
        delegatedAdministratorAccountId: "111122223333",
      }),
    );
    expect(config.stacks[0]).toMatchObject({
      organization: { mode: "adopt", id: "o-a1b2c3d4e5", serviceAccessPrincipals: ["sso.amazonaws.com"] },
      delegatedAdministratorAccountId: "111122223333",
    });
  });

  it("accepts an S3 backend, defaulting to a key per stack, the stack's region, S3 locking and encryption", () => {
    const config = parse({ stacks: [{ name: "prod", region: "eu-west-1", backend: { type: "s3", bucket: "acme-tfstate" } }] });
    expect(config.stacks[0].backend).toEqual({
      type: "s3",
      bucket: "acme-tfstate",
      key: "org-root-access/prod.tfstate",
      region: "eu-west-1",
      useLockfile: true,
      dynamodbTable: undefined,
      encrypt: true,
    });
  });

  it("accepts an external organization by id", () => {
    expect(parse(stack({ organization: { mode: "external", id: "o-a1b2c3d4e5" } })).stacks[0].organization).toEqual({
      mode: "external",
      id: "o-a1b2c3d4e5",
      serviceAccessPrincipals: [],
    });
  });

  it("accepts role ARNs in other partitions and with every character IAM allows in role names", () => {
    const arn = "arn:aws-us-gov:iam::111122223333:role/a+b=c,d.e@f_g-h";
    expect(parse(stack({ assumeRoleArn: arn })).stacks[0].assumeRoleArn).toBe(arn);
  });
});

describe("invalid configurations fail with the key, the bad value and what is allowed", () => {
  const cases: { what: string; raw: unknown; message: string }[] = [
    { what: "a top level that is not an object", raw: [], message: "config: [] is not an object." },
    {
      what: "an unknown top-level key",
      raw: { stacks: [{}], stack: {} },
      message: 'config: unknown key "stack"; allowed keys are $schema, stacks.',
    },
    {
      what: "a missing stacks list",
      raw: {},
      message: 'stacks: is missing; expected a list of stacks, for example [{ "name": "root-access" }].',
    },
    { what: "stacks that is not a list", raw: { stacks: { name: "a" } }, message: 'stacks: {"name":"a"} is not a list.' },
    {
      what: "an empty stacks list",
      raw: { stacks: [] },
      message: 'stacks: is empty; list at least one, for example [{ "name": "root-access" }].',
    },
    {
      what: "a stack that is not an object",
      raw: { stacks: ["root-access"] },
      message: 'stacks[0]: "root-access" is not an object.',
    },
    {
      what: "an unknown stack key",
      raw: stack({ feature: ["RootSessions"] }),
      message:
        'stacks[0]: unknown key "feature"; allowed keys are name, organization, features, implementation, delegatedAdministratorAccountId, assumeRoleArn, region, allowOrganizationDestroy, backend, rootCredentials, rootUserGuardrail, rootActivityAlerts, serviceAccessWaitSeconds.',
    },
    {
      what: "duplicate stack names",
      raw: { stacks: [{ name: "prod" }, { name: "dev" }, { name: "prod" }] },
      message:
        'stacks[2].name: "prod" is already used at stacks[0].name; stack names must be unique: each becomes a folder under cdktf.out/stacks and a state file.',
    },
    {
      what: "two stacks that both default their name (the message never claims a name the file did not write)",
      raw: { stacks: [{}, {}] },
      message:
        'stacks[1]: has no "name", and neither has stacks[0]: both would be named "root-access"; give each stack its own "name".',
    },
    {
      what: "stack names that differ only in letter case",
      raw: { stacks: [{ name: "prod" }, { name: "PROD" }] },
      message:
        'stacks[1].name: "PROD" differs from stacks[0].name ("prod") only in letter case; stack names become folder and state file names, so they must differ in more than letter case (on macOS and Windows they would be the same).',
    },
    {
      what: "a stack without a name after one named like the default",
      raw: { stacks: [{ name: "Root-Access" }, { region: "eu-west-1" }] },
      message:
        'stacks[1]: has no "name", so it would be named "root-access", which stacks[0].name already is apart from letter case; give it a "name" of its own.',
    },
    {
      what: "a named stack after one that defaults to the same name",
      raw: { stacks: [{}, { name: "root-access" }] },
      message:
        'stacks[1].name: "root-access" is the name stacks[0] gets by default (it has no "name"); give stacks[0] a "name", or this one another.',
    },
    {
      what: "a state key that another stack's default key already is",
      raw: {
        stacks: [
          { name: "a", backend: { type: "s3", bucket: "acme-tfstate" } },
          { name: "b", backend: { type: "s3", bucket: "acme-tfstate", key: "org-root-access/a.tfstate" } },
        ],
      },
      message:
        'stacks[1].backend.key: "org-root-access/a.tfstate" is the key stacks[0] uses by default (it has no "key") in bucket "acme-tfstate"; each stack needs its own state object',
    },
    {
      what: "a defaulted state key that another stack wrote",
      raw: {
        stacks: [
          { name: "a", backend: { type: "s3", bucket: "acme-tfstate", key: "org-root-access/b.tfstate" } },
          { name: "b", backend: { type: "s3", bucket: "acme-tfstate" } },
        ],
      },
      message:
        'stacks[1].backend: has no "key", so its state object would be "org-root-access/b.tfstate" in bucket "acme-tfstate", which stacks[0].backend.key already is; give it a "key" of its own.',
    },
    {
      what: "a stack name that is not safe as a folder name",
      raw: stack({ name: "../prod" }),
      message:
        'stacks[0].name: "../prod" is not a stack name: a letter, then up to 63 letters, digits, "-" or "_" (it becomes a folder name).',
    },
    { what: "a stack name that is not a string", raw: stack({ name: 7 }), message: "stacks[0].name: 7 is not a string." },
    {
      what: "an organization that is not an object",
      raw: stack({ organization: "create" }),
      message: 'stacks[0].organization: "create" is not an object.',
    },
    {
      what: "an unknown organization key",
      raw: stack({ organization: { mode: "create", name: "x" } }),
      message: 'stacks[0].organization: unknown key "name"; allowed keys are mode, id, serviceAccessPrincipals.',
    },
    {
      what: "an unknown organization mode",
      raw: stack({ organization: { mode: "import" } }),
      message: 'stacks[0].organization.mode: "import" is not allowed; expected one of "create", "adopt", "external".',
    },
    {
      what: "a malformed organization id",
      raw: stack({ organization: { mode: "adopt", id: "o-ABC" } }),
      message:
        'stacks[0].organization.id: "o-ABC" is not an organization id: "o-" and 10 to 32 lowercase letters or digits, for example "o-a1b2c3d4e5".',
    },
    {
      what: "an organization id with mode create",
      raw: stack({ organization: { mode: "create", id: "o-a1b2c3d4e5" } }),
      message:
        'stacks[0].organization.id: is only used with mode "adopt" or "external"; remove it: mode "create" creates a new organization.',
    },
    {
      what: "mode adopt without an organization id",
      raw: stack({ organization: { mode: "adopt" } }),
      message: "stacks[0].organization.id: is missing; expected an organization id",
    },
    {
      what: "features that are not a list",
      raw: stack({ features: "RootSessions" }),
      message: 'stacks[0].features: "RootSessions" is not a list.',
    },
    {
      what: "an unknown feature",
      raw: stack({ features: ["RootSession"] }),
      message:
        'stacks[0].features[0]: "RootSession" is not allowed; expected one of "RootCredentialsManagement", "RootSessions".',
    },
    {
      what: "a feature that is not a string",
      raw: stack({ features: [1] }),
      message: "stacks[0].features[0]: 1 is not allowed; expected one of",
    },
    {
      what: "a feature listed twice",
      raw: stack({ features: ["RootSessions", "RootCredentialsManagement", "RootSessions"] }),
      message: 'stacks[0].features[2]: "RootSessions" is already used at stacks[0].features[0]; list each feature once.',
    },
    {
      what: "an unknown implementation",
      raw: stack({ implementation: "lambda" }),
      message: 'stacks[0].implementation: "lambda" is not allowed; expected one of "script", "native".',
    },
    {
      what: "allowOrganizationDestroy on an adopted organization",
      raw: stack({ organization: { mode: "adopt", id: "o-a1b2c3d4e5" }, allowOrganizationDestroy: true }),
      message:
        'stacks[0].allowOrganizationDestroy: is only used with mode "create"; an organization in mode "adopt" is never deleted by this stack; remove the key.',
    },
    {
      what: "extra trusted services in external mode",
      raw: stack({ organization: { mode: "external", id: "o-a1b2c3d4e5", serviceAccessPrincipals: ["sso.amazonaws.com"] } }),
      message:
        'stacks[0].organization.serviceAccessPrincipals: is only used with mode "create" or "adopt"; in external mode the stack that owns the organization manages its trusted services.',
    },
    {
      what: "a malformed service principal",
      raw: stack({ organization: { serviceAccessPrincipals: ["sso"] } }),
      message:
        'stacks[0].organization.serviceAccessPrincipals[0]: "sso" is not a service principal, for example "sso.amazonaws.com".',
    },
    {
      what: "a service principal listed twice",
      raw: stack({ organization: { serviceAccessPrincipals: ["sso.amazonaws.com", "sso.amazonaws.com"] } }),
      message:
        'stacks[0].organization.serviceAccessPrincipals[1]: "sso.amazonaws.com" is already used at stacks[0].organization.serviceAccessPrincipals[0]; list each service principal once.',
    },
    {
      what: "a delegated administrator account id that is not 12 digits",
      raw: stack({ delegatedAdministratorAccountId: "12345" }),
      message:
        'stacks[0].delegatedAdministratorAccountId: "12345" is not an AWS account id: 12 digits, for example "111122223333".',
    },
    {
      what: "an account id given as a number (leading zeros would be lost)",
      raw: stack({ delegatedAdministratorAccountId: 111122223333 }),
      message: "stacks[0].delegatedAdministratorAccountId: 111122223333 is not a string.",
    },
    {
      what: "a role ARN that names a user",
      raw: stack({ assumeRoleArn: "arn:aws:iam::111122223333:user/deployer" }),
      message:
        'stacks[0].assumeRoleArn: "arn:aws:iam::111122223333:user/deployer" is not an IAM role ARN, for example "arn:aws:iam::111122223333:role/OrgRootAccessDeployer".',
    },
    {
      what: "a role ARN with shell metacharacters",
      raw: stack({ assumeRoleArn: "arn:aws:iam::111122223333:role/x;$(touch /tmp/pwned)" }),
      message: 'stacks[0].assumeRoleArn: "arn:aws:iam::111122223333:role/x;$(touch /tmp/pwned)" is not an IAM role ARN',
    },
    {
      what: "a malformed region",
      raw: stack({ region: "US East" }),
      message: 'stacks[0].region: "US East" is not an AWS region, for example "us-east-1".',
    },
    {
      what: "allowOrganizationDestroy as a string",
      raw: stack({ allowOrganizationDestroy: "yes" }),
      message: 'stacks[0].allowOrganizationDestroy: "yes" is not true or false.',
    },
    {
      what: "a backend without a type",
      raw: stack({ backend: {} }),
      message: 'stacks[0].backend.type: is missing; expected "local" or "s3".',
    },
    {
      what: "an unknown backend type",
      raw: stack({ backend: { type: "gcs" } }),
      message: 'stacks[0].backend.type: "gcs" is not allowed; expected one of "local", "s3".',
    },
    {
      what: "an unknown key in the local backend",
      raw: stack({ backend: { type: "local", path: "/tmp/state" } }),
      message: 'stacks[0].backend: unknown key "path"; allowed keys are type.',
    },
    {
      what: "an S3 backend without a bucket",
      raw: stack({ backend: { type: "s3" } }),
      message: "stacks[0].backend.bucket: is missing; expected an S3 bucket name",
    },
    {
      what: "a malformed bucket name",
      raw: stack({ backend: { type: "s3", bucket: "Acme_State" } }),
      message: 'stacks[0].backend.bucket: "Acme_State" is not an S3 bucket name: 3 to 63 lowercase letters, digits, "." or "-".',
    },
    {
      what: "an unknown S3 backend key",
      raw: stack({ backend: { type: "s3", bucket: "acme-tfstate", lock: true } }),
      message:
        'stacks[0].backend: unknown key "lock"; allowed keys are type, bucket, key, region, useLockfile, dynamodbTable, encrypt.',
    },
    {
      what: "two stacks sharing one state object",
      raw: {
        stacks: [
          { name: "a", backend: { type: "s3", bucket: "acme-tfstate", key: "state" } },
          { name: "b", backend: { type: "s3", bucket: "acme-tfstate", key: "state" } },
        ],
      },
      message: `stacks[1].backend.key: "state" is already the key of stacks[0].backend.key in bucket "acme-tfstate"; each stack needs its own state object, or they would overwrite each other's state.`,
    },
    {
      what: "a negative wait",
      raw: stack({ serviceAccessWaitSeconds: -1 }),
      message: "stacks[0].serviceAccessWaitSeconds: -1 is not a whole number from 0 to 3600.",
    },
    {
      what: "a fractional wait",
      raw: stack({ serviceAccessWaitSeconds: 1.5 }),
      message: "stacks[0].serviceAccessWaitSeconds: 1.5 is not a whole number from 0 to 3600.",
    },
    {
      what: "a wait beyond the upper bound",
      raw: stack({ serviceAccessWaitSeconds: 86400 }),
      message: "stacks[0].serviceAccessWaitSeconds: 86400 is not a whole number from 0 to 3600.",
    },
  ];

  it.each(cases)("fails on $what", ({ raw, message }) => {
    expect(() => parse(raw)).toThrow(ConfigError);
    expect(() => parse(raw)).toThrow(message);
  });

  it("fails listing every problem at once, under the file's name", () => {
    // GIVEN a stack with three independent mistakes
    const raw = stack({ region: "mars", features: ["RootSession"], allowOrganizationDestroy: 1 });
    // WHEN it is parsed THEN one error names the source and lists each problem on its own line
    expect(() => parse(raw)).toThrow(
      [
        "Invalid configuration in test.json (3 problems):",
        '  - stacks[0].features[0]: "RootSession" is not allowed; expected one of "RootCredentialsManagement", "RootSessions".',
        '  - stacks[0].region: "mars" is not an AWS region, for example "us-east-1".',
        "  - stacks[0].allowOrganizationDestroy: 1 is not true or false.",
      ].join("\n"),
    );
  });

  it("shortens a long bad value so the message stays readable", () => {
    expect(() => parse(stack({ region: "x".repeat(500) }))).toThrow(
      `stacks[0].region: "${"x".repeat(76)}..." is not an AWS region`,
    );
  });
});

describe("rootActivityAlerts", () => {
  it("takes email addresses or a topic, and the roles to ignore", () => {
    // GIVEN alerts by email and alerts to an existing topic WHEN parsed THEN they are kept as written, ignoreCallers defaulting to none
    expect(parse(stack({ rootActivityAlerts: { email: ["security@example.com"] } })).stacks[0].rootActivityAlerts).toEqual({
      email: ["security@example.com"],
      ignoreCallers: [],
    });
    const topicArn = "arn:aws-us-gov:sns:us-gov-west-1:111122223333:security";
    const pipeline = "arn:aws-us-gov:iam::111122223333:role/root-access-pipeline";
    expect(
      parse(stack({ region: "us-gov-west-1", rootActivityAlerts: { topicArn, ignoreCallers: [pipeline] } })).stacks[0]
        .rootActivityAlerts,
    ).toEqual({ topicArn, ignoreCallers: [pipeline] });
  });

  it.each([
    [{}, 'stacks[0].rootActivityAlerts.email: is missing; expected a list of addresses, or "topicArn": an existing topic'],
    [
      { email: ["a@example.com"], topicArn: "arn:aws:sns:us-east-1:111122223333:t" },
      'stacks[0].rootActivityAlerts.topicArn: is only used without "email"',
    ],
    [{ email: [] }, "stacks[0].rootActivityAlerts.email"],
    [{ email: ["not an address"] }, "stacks[0].rootActivityAlerts.email[0]"],
    [{ email: ["a@example.com", "a@example.com"] }, "subscribe each address once"],
    [{ topicArn: "arn:aws:sns:eu-west-1:111122223333:t" }, "in the stack's region (us-east-1)"],
    [{ email: ["a@example.com"], ignoreCallers: ["arn:aws:sts::111122223333:assumed-role/x/y"] }, "an IAM role ARN"],
    [
      {
        email: ["a@example.com"],
        ignoreCallers: ["arn:aws:iam::111122223333:role/aws-reserved/sso.amazonaws.com/AWSReservedSSO_Admin_0123456789abcdef"],
      },
      "is not a pipeline's role: an Identity Center permission set's role (AWSReservedSSO_...) is people signing in",
    ],
    [
      { email: ["a@example.com"], regions: ["eu-west-1"] },
      "stacks[0].rootActivityAlerts.regions: is only used including the stack's region (us-east-1)",
    ],
    [
      { email: ["a@example.com"], regions: ["us-east-1", "us-gov-west-1"] },
      "stacks[0].rootActivityAlerts.regions[1]: is only used naming a region of the stack's partition (aws)",
    ],
    [{ email: ["a@example.com"], regions: ["us-east-1", "us-east-1"] }, "list each region once"],
    [{ email: ["a@example.com"], regions: [] }, "stacks[0].rootActivityAlerts.regions"],
    [
      { email: ["a@example.com"], delegatedAdministratorRoleName: "Forwarders" },
      "stacks[0].rootActivityAlerts.delegatedAdministratorRoleName: is only used with delegatedAdministratorAccountId",
    ],
    [{ email: ["a@example.com"], organizationTrailLogGroup: "no spaces here" }, "a CloudWatch Logs group name"],
  ])("refuses %j, saying what is wrong", (alerts, message) => {
    expect(() => parse(stack({ rootActivityAlerts: alerts }))).toThrow(message);
  });

  it("needs the role to assume in IAM's delegated administrator's account, whose root sessions it must see too", () => {
    // GIVEN a delegated administrator and alerts without the role WHEN parsed THEN it names the key and why
    expect(() =>
      parse(stack({ delegatedAdministratorAccountId: "222233334444", rootActivityAlerts: { email: ["a@example.com"] } })),
    ).toThrow(
      'stacks[0].rootActivityAlerts.delegatedAdministratorRoleName: is missing; expected a role in the delegated administrator\'s account 222233334444 that the stack assumes, for example "org-root-access-forwarders"',
    );
  });
});
