import { ListOrganizationsFeaturesCommand } from "@aws-sdk/client-iam";
import { parseCommand } from "../../../scripts/root-access/options";
import { iam, listed, runScript, sentToIam } from "./harness";

describe("reading the command line and the stack's environment", () => {
  it("takes every setting from the environment the stack sets", () => {
    const command = parseCommand(["enable", "RootSessions"], {
      ROOT_ACCESS_ORGANIZATION_ID: "o-a1b2c3d4e5",
      ROOT_ACCESS_ROLE_ARN: "arn:aws:iam::111122223333:role/Deployer",
      ROOT_ACCESS_REGION: "eu-west-1",
      ROOT_ACCESS_WAIT_SECONDS: "30",
      ROOT_ACCESS_DELETE_ORGANIZATION: "true",
      AWS_ENDPOINT_URL: "http://127.0.0.1:4566",
      AWS_ENDPOINT_URL_STS: "https://sts.eu-west-1.amazonaws.com",
    });
    expect(command).toEqual({
      help: false,
      options: {
        verb: "enable",
        features: ["RootSessions"],
        organizationId: "o-a1b2c3d4e5",
        roleArn: "arn:aws:iam::111122223333:role/Deployer",
        region: "eu-west-1",
        waitSeconds: 30,
        accounts: [],
        deleteOrganization: true,
        endpoints: {
          iam: "http://127.0.0.1:4566",
          organizations: "http://127.0.0.1:4566",
          sts: "https://sts.eu-west-1.amazonaws.com",
        },
      },
    });
  });

  it("lets flags override the environment, for humans", () => {
    const command = parseCommand(
      [
        "check",
        "--features",
        "RootSessions,RootCredentialsManagement",
        "--organization-id",
        "o-bbbbbbbbbb",
        "--region",
        "us-west-2",
        "--wait-seconds",
        "0",
      ],
      { ROOT_ACCESS_ORGANIZATION_ID: "o-a1b2c3d4e5", ROOT_ACCESS_REGION: "eu-west-1", ROOT_ACCESS_FEATURES: "RootSessions" },
    );
    expect(command).toMatchObject({
      options: {
        features: ["RootSessions", "RootCredentialsManagement"],
        organizationId: "o-bbbbbbbbbb",
        region: "us-west-2",
        waitSeconds: 0,
      },
    });
  });

  it("treats the empty strings terraform passes for unset settings as unset, and waits 120 s by default", () => {
    const command = parseCommand(["disable", "RootSessions"], {
      ROOT_ACCESS_ROLE_ARN: "",
      ROOT_ACCESS_ORGANIZATION_ID: "",
      ROOT_ACCESS_REGION: " ",
    });
    expect(command).toMatchObject({
      options: { roleArn: undefined, organizationId: undefined, region: undefined, waitSeconds: 120 },
    });
  });

  it("prints the usage for --help and calls nothing", async () => {
    const { code, stdout } = await runScript(["--help"]);
    expect(code).toBe(0);
    expect(stdout[0]).toMatch(/^Usage: root-access <verb> \[feature\.\.\.\] \[flags\]/);
    for (const documented of [
      "enable <feature>",
      "disable <feature>",
      "check [feature...]",
      "ROOT_ACCESS_ORGANIZATION_ID",
      "ROOT_ACCESS_FEATURES",
      "ROOT_ACCESS_ROLE_ARN",
      "ROOT_ACCESS_REGION",
      "ROOT_ACCESS_WAIT_SECONDS",
      "AWS_ENDPOINT_URL",
      "AWS_PROFILE",
    ]) {
      expect(stdout[0]).toContain(documented);
    }
    expect(sentToIam()).toEqual([]);
  });

  const bad: [string, string[], Record<string, string>, string][] = [
    ["no verb", [], {}, "no verb given"],
    ["an unknown verb", ["turn-on", "RootSessions"], {}, 'unknown verb "turn-on"'],
    [
      "enable without a feature",
      ["enable"],
      {},
      "enable takes exactly one feature (RootCredentialsManagement or RootSessions), got 0",
    ],
    [
      "disable with two features",
      ["disable", "RootSessions", "RootCredentialsManagement"],
      {},
      "disable takes exactly one feature (RootCredentialsManagement or RootSessions), got 2",
    ],
    [
      "an unknown feature",
      ["enable", "RootSession"],
      {},
      'unknown feature "RootSession"; features are RootCredentialsManagement, RootSessions',
    ],
    [
      "check with nothing to check",
      ["check"],
      {},
      "check needs the expected features, as arguments, --features or ROOT_ACCESS_FEATURES",
    ],
    ["an unknown flag", ["enable", "RootSessions", "--force"], {}, "unknown flag --force"],
    [
      "a malformed organization id",
      ["enable", "RootSessions"],
      { ROOT_ACCESS_ORGANIZATION_ID: "o-XYZ" },
      'organization id "o-XYZ" is not of the form o-xxxxxxxxxx',
    ],
    [
      "a role ARN that is not a role",
      ["enable", "RootSessions", "--role-arn", "arn:aws:iam::111122223333:user/me"],
      {},
      'role ARN "arn:aws:iam::111122223333:user/me" is not an IAM role ARN',
    ],
    [
      "a wait that is not a whole number",
      ["enable", "RootSessions"],
      { ROOT_ACCESS_WAIT_SECONDS: "2m" },
      'wait seconds "2m" is not a whole number from 0 to 3600',
    ],
    [
      "a malformed region",
      ["enable", "RootSessions", "--region", "us east 1"],
      {},
      'region "us east 1" is not an AWS region, for example us-east-1',
    ],
    [
      "a malformed AWS_REGION",
      ["check", "RootSessions"],
      { ROOT_ACCESS_REGION: "", AWS_REGION: "USEAST1" },
      'region "USEAST1" is not an AWS region',
    ],
    [
      "a malformed AWS_ENDPOINT_URL",
      ["check", "RootSessions"],
      { AWS_ENDPOINT_URL: "localhost:4566" },
      'AWS_ENDPOINT_URL "localhost:4566" is not an http(s) URL, for example https://iam.amazonaws.com',
    ],
    [
      "a malformed service endpoint",
      ["check", "RootSessions"],
      { AWS_ENDPOINT_URL_IAM: "not a url" },
      'AWS_ENDPOINT_URL_IAM "not a url" is not an http(s) URL',
    ],
    ["a stray argument", ["check", "RootSessions", "extra"], {}, 'unknown feature "extra"'],
    [
      "a wait beyond an hour",
      ["enable", "RootSessions", "--wait-seconds", "7200"],
      {},
      'wait seconds "7200" is not a whole number from 0 to 3600',
    ],
  ];

  it.each(bad)("fails on %s before calling AWS", async (_what, argv, env, detail) => {
    iam.on(ListOrganizationsFeaturesCommand).resolves(listed());
    const { code, stderr } = await runScript(argv, env);
    expect(code).toBe(1);
    expect(sentToIam()).toEqual([]);
    expect(stderr).toContain(`root-access: error: Invalid command line: ${detail}`);
    expect(stderr).toMatch(/\.\nUsage: root-access <verb> \[feature\.\.\.\] \[flags\] \(--help for more\)$/);
  });
});
