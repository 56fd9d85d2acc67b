import { DescribeRegionsCommand, EC2Client } from "@aws-sdk/client-ec2";
import { GetRoleCommand, GetRolePolicyCommand, IAMClient } from "@aws-sdk/client-iam";
import {
  DescribeEventBusCommand,
  DescribeRuleCommand,
  EventBridgeClient,
  ListTargetsByRuleCommand,
  Target,
} from "@aws-sdk/client-eventbridge";
import { GetTopicAttributesCommand, ListSubscriptionsByTopicCommand, SNSClient, Subscription } from "@aws-sdk/client-sns";
import { mockClient } from "aws-sdk-client-mock";
import { CallingAccount, rootActivityAlertsCheck } from "../../../scripts/doctor/root-activity-check";
import {
  ROOT_ACTIVITY_INPUT_PATHS,
  ROOT_ACTIVITY_INPUT_TEMPLATE,
  ROOT_ACTIVITY_REFUSED_INPUT_PATHS,
  ROOT_ACTIVITY_REFUSED_INPUT_TEMPLATE,
  forwardPattern,
  inputPathsMap,
  refusedPattern,
  rootActivityPattern,
} from "../../../scripts/shared/root-activity";

// Each (account, region) gets its own mocked EventBridge client: the mock answers by the client's own settings.
const MANAGEMENT = "111111111111";
const ADMINISTRATOR = "222222222222";
const PLACE = { region: "us-east-1", partition: "aws" as const, accountId: MANAGEMENT };
const TOPIC = `arn:aws:sns:us-east-1:${MANAGEMENT}:org-root-access-root-sessions`;
const RULE = `arn:aws:events:us-east-1:${MANAGEMENT}:rule/org-root-access-root-sessions`;
const HOME_BUS = `arn:aws:events:us-east-1:${MANAGEMENT}:event-bus/default`;
const ALERTS = { email: ["security@example.com"], ignoreCallers: [], regions: ["us-east-1", "eu-west-1"] };
const allow = (extra: object = {}) => ({
  Effect: "Allow",
  Principal: { Service: "events.amazonaws.com" },
  Action: "sns:Publish",
  Resource: TOPIC,
  Condition: { ArnEquals: { "aws:SourceArn": [RULE, `${RULE}-refused`] } },
  ...extra,
});

const ROLE_TRUST = {
  Version: "2012-10-17",
  Statement: [
    {
      Effect: "Allow",
      Principal: { Service: "events.amazonaws.com" },
      Action: "sts:AssumeRole",
      Condition: { StringEquals: { "aws:SourceAccount": MANAGEMENT } },
    },
  ],
};
const ROLE_POLICY = { Version: "2012-10-17", Statement: [{ Effect: "Allow", Action: "events:PutEvents", Resource: HOME_BUS }] };

/** An IAM client whose forwarders' role has `trust` and `policy` (undefined: no such role). */
function iamWith(trust: object | undefined, policy: object = ROLE_POLICY) {
  const client = new IAMClient({});
  const mock = mockClient(client);
  if (trust === undefined)
    mock.on(GetRoleCommand).rejects(Object.assign(new Error("no role"), { name: "NoSuchEntityException" }));
  else
    mock.on(GetRoleCommand).resolves({ Role: { AssumeRolePolicyDocument: encodeURIComponent(JSON.stringify(trust)) } as never });
  mock.on(GetRolePolicyCommand).resolves({ PolicyDocument: encodeURIComponent(JSON.stringify(policy)) });
  return () => Promise.resolve({ client, GetRoleCommand, GetRolePolicyCommand });
}

interface Deployed {
  /** The forwarders' role's trust and policy; undefined trust: the role does not exist. */
  roleTrust?: object;
  rolePolicy?: object;
  /** Rules by "<account> <region> <name>"; a missing key is a missing rule. */
  rules: Record<string, { State: string; EventPattern: string; Targets: Target[] }>;
  statements: object[];
  kms?: string;
  subscriptions: Subscription[];
  enabled: { RegionName: string; OptInStatus: string }[];
  busPolicy?: object;
}

/** The alerts as the stack makes them, for the management account (and the delegated administrator). */
function asDeployed(withAdministrator = false): Deployed {
  const home = (name: string, pattern: object, paths: object, template: string) => ({
    State: "ENABLED_WITH_ALL_CLOUDTRAIL_MANAGEMENT_EVENTS",
    EventPattern: JSON.stringify(pattern),
    Targets: [
      {
        Id: "sns",
        Arn: name.endsWith("refused") ? TOPIC : TOPIC,
        InputTransformer: { InputPathsMap: paths as Record<string, string>, InputTemplate: template },
      },
    ],
  });
  const forwarder = (account: string) => ({
    State: "ENABLED_WITH_ALL_CLOUDTRAIL_MANAGEMENT_EVENTS",
    EventPattern: JSON.stringify(forwardPattern()),
    Targets: [
      { Id: "alerting-bus", Arn: HOME_BUS, RoleArn: `arn:aws:iam::${account}:role/org-root-access-root-sessions-forward` },
    ],
  });
  const rules: Deployed["rules"] = {
    "management us-east-1 org-root-access-root-sessions": home(
      "granted",
      rootActivityPattern([], "aws"),
      inputPathsMap(ROOT_ACTIVITY_INPUT_PATHS),
      ROOT_ACTIVITY_INPUT_TEMPLATE,
    ),
    "management us-east-1 org-root-access-root-sessions-refused": home(
      "refused",
      refusedPattern(),
      inputPathsMap(ROOT_ACTIVITY_REFUSED_INPUT_PATHS),
      ROOT_ACTIVITY_REFUSED_INPUT_TEMPLATE,
    ),
    "management eu-west-1 org-root-access-root-sessions-forward": forwarder(MANAGEMENT),
  };
  if (withAdministrator) {
    for (const region of ["us-east-1", "eu-west-1"])
      rules[`delegated administrator ${region} org-root-access-root-sessions-forward`] = forwarder(ADMINISTRATOR);
  }
  return {
    rules,
    statements: [allow()],
    subscriptions: [{ SubscriptionArn: `${TOPIC}:1a2b`, Endpoint: "security@example.com", Protocol: "email" }],
    enabled: ["us-east-1", "eu-west-1"].map((RegionName) => ({ RegionName, OptInStatus: "opt-in-not-required" })),
    roleTrust: ROLE_TRUST,
    rolePolicy: ROLE_POLICY,
    busPolicy: {
      Version: "2012-10-17",
      Statement: [
        {
          Sid: "org-root-access-delegated-administrator",
          Effect: "Allow",
          Principal: { AWS: `arn:aws:iam::${ADMINISTRATOR}:root` },
          Action: "events:PutEvents",
          Resource: HOME_BUS,
        },
      ],
    },
  };
}

async function check(deployed: Deployed, withAdministrator = false) {
  const eventsClients = new Map<string, EventBridgeClient>();
  const eventsFor = (account: CallingAccount, region: string) => {
    const key = `${account} ${region}`;
    if (!eventsClients.has(key)) {
      const client = new EventBridgeClient({ region });
      const mock = mockClient(client);
      mock.on(DescribeRuleCommand).callsFake(({ Name }) => {
        const rule = deployed.rules[`${key} ${Name}`];
        if (rule === undefined) throw Object.assign(new Error("Rule does not exist"), { name: "ResourceNotFoundException" });
        return {
          Name,
          Arn: `arn:aws:events:${region}:${account === "management" ? MANAGEMENT : ADMINISTRATOR}:rule/${Name}`,
          State: rule.State,
          EventPattern: rule.EventPattern,
        };
      });
      mock.on(ListTargetsByRuleCommand).callsFake(({ Rule }) => ({ Targets: deployed.rules[`${key} ${Rule}`]?.Targets ?? [] }));
      mock.on(DescribeEventBusCommand).resolves({ Policy: deployed.busPolicy && JSON.stringify(deployed.busPolicy) });
      eventsClients.set(key, client);
    }
    return eventsClients.get(key)!;
  };
  const sns = new SNSClient({});
  const snsMock = mockClient(sns);
  snsMock.on(GetTopicAttributesCommand).resolves({
    Attributes: {
      Policy: JSON.stringify({ Version: "2012-10-17", Statement: deployed.statements }),
      ...(deployed.kms ? { KmsMasterKeyId: deployed.kms } : {}),
    },
  });
  snsMock.on(ListSubscriptionsByTopicCommand).resolves({ Subscriptions: deployed.subscriptions });
  const ec2 = new EC2Client({});
  mockClient(ec2).on(DescribeRegionsCommand).resolves({ Regions: deployed.enabled });
  const clients = {
    events: eventsFor,
    sns,
    ec2: () => Promise.resolve({ client: ec2, DescribeRegionsCommand }),
    iam: iamWith(deployed.roleTrust, deployed.rolePolicy),
  };
  const place = withAdministrator ? { ...PLACE, delegatedAdministratorAccountId: ADMINISTRATOR } : PLACE;
  return (await rootActivityAlertsCheck(clients, ALERTS, place)).result;
}

describe("the doctor's root-activity alerts check", () => {
  it("is ok only when every part of the chain is the stack's, in every covered region and calling account", async () => {
    expect(await check(asDeployed())).toMatchObject({ status: "ok" });
    expect(await check(asDeployed(true), true)).toMatchObject({
      status: "ok",
      detail: expect.stringContaining(
        `AssumeRoot in us-east-1, eu-west-1 of the management account and ${ADMINISTRATOR} reaches`,
      ),
    });
  });

  const changed = (change: (deployed: Deployed) => void) => {
    const deployed = asDeployed(true);
    change(deployed);
    return deployed;
  };
  const rule = (deployed: Deployed, key: string) => deployed.rules[key];
  const HOME = "management us-east-1 org-root-access-root-sessions";
  it.each([
    [
      "the granted rule DISABLED",
      changed((d) => (rule(d, HOME).State = "DISABLED")),
      "problem",
      "org-root-access-root-sessions in us-east-1 is DISABLED",
    ],
    [
      "the refused rule missing",
      changed((d) => delete d.rules[`${HOME}-refused`]),
      "problem",
      "org-root-access-root-sessions-refused does not exist in us-east-1",
    ],
    [
      "a rule ENABLED (may miss read-only events)",
      changed((d) => (rule(d, HOME).State = "ENABLED")),
      "cannot tell",
      "AWS does not say",
    ],
    [
      "another pattern",
      changed((d) => (rule(d, HOME).EventPattern = JSON.stringify({ source: ["aws.nothing"] }))),
      "problem",
      "event pattern in us-east-1 is not the stack's",
    ],
    [
      "the target swapped for another topic",
      changed((d) => (rule(d, HOME).Targets = [{ Id: "sns", Arn: TOPIC.replace(MANAGEMENT, "666666666666") }])),
      "problem",
      `org-root-access-root-sessions does not target ${TOPIC} (its targets: ${TOPIC.replace(MANAGEMENT, "666666666666")})`,
    ],
    [
      "the message replaced with a constant",
      changed((d) => (rule(d, HOME).Targets[0].InputTransformer = { InputPathsMap: {}, InputTemplate: '"all is well"' })),
      "problem",
      'message to arn:aws:sns:us-east-1:111111111111:org-root-access-root-sessions is not the stack\'s (input template "\\"all is well\\"")',
    ],
    [
      "a policy without EventBridge",
      changed((d) => (d.statements = [allow({ Principal: { AWS: "*" } })])),
      "problem",
      "does not let events.amazonaws.com publish",
    ],
    [
      "a policy for the granted rule only",
      changed((d) => (d.statements = [allow({ Condition: { ArnEquals: { "aws:SourceArn": RULE } } })])),
      "cannot tell",
      `other than aws:SourceArn of ${RULE}-refused`,
    ],
    [
      "a Deny in the policy",
      changed((d) => d.statements.push({ Effect: "Deny", Principal: "*", Action: "sns:Publish", Resource: TOPIC })),
      "cannot tell",
      "Deny",
    ],
    ["a KMS key on the topic", changed((d) => (d.kms = "alias/aws/sns")), "cannot tell", "encrypted with alias/aws/sns"],
    [
      "the address not confirmed",
      changed(
        (d) =>
          (d.subscriptions = [{ SubscriptionArn: "PendingConfirmation", Endpoint: "security@example.com", Protocol: "email" }]),
      ),
      "problem",
      "no confirmed subscription for security@example.com (pending): nobody receives the alerts",
    ],
    [
      "an address the stack does not declare",
      changed((d) =>
        d.subscriptions.push({ SubscriptionArn: `${TOPIC}:9z`, Endpoint: "someone@example.net", Protocol: "email" }),
      ),
      "problem",
      "subscriptions the stack does not declare: email:someone@example.net",
    ],
    [
      "a forwarder pointed at another bus",
      changed(
        (d) =>
          (rule(d, "management eu-west-1 org-root-access-root-sessions-forward").Targets[0].Arn = HOME_BUS.replace(
            MANAGEMENT,
            "666666666666",
          )),
      ),
      "problem",
      "org-root-access-root-sessions-forward in eu-west-1 does not forward the events as they are",
    ],
    [
      "the delegated administrator's forwarder missing",
      changed((d) => delete d.rules["delegated administrator eu-west-1 org-root-access-root-sessions-forward"]),
      "problem",
      `does not exist in eu-west-1 of the delegated administrator's account ${ADMINISTRATOR}`,
    ],
    [
      "the bus permission removed",
      changed((d) => (d.busPolicy = undefined)),
      "problem",
      `no statement org-root-access-delegated-administrator letting ${ADMINISTRATOR} put events`,
    ],
    [
      "an opted-in region not covered",
      changed((d) => d.enabled.push({ RegionName: "af-south-1", OptInStatus: "opted-in" })),
      "problem",
      "has opted in to af-south-1, which the alerts do not cover",
    ],
    [
      "the forwarders' role no longer trusting EventBridge",
      changed(
        (d) =>
          (d.roleTrust = {
            ...ROLE_TRUST,
            Statement: [{ ...ROLE_TRUST.Statement[0], Principal: { Service: "lambda.amazonaws.com" } }],
          }),
      ),
      "problem",
      "the role org-root-access-root-sessions-forward in the management account does not trust events.amazonaws.com: nothing is forwarded",
    ],
    [
      "the forwarders' role's policy putting events elsewhere",
      changed(
        (d) =>
          (d.rolePolicy = {
            ...ROLE_POLICY,
            Statement: [{ ...ROLE_POLICY.Statement[0], Resource: HOME_BUS.replace(MANAGEMENT, "666666666666") }],
          }),
      ),
      "problem",
      `may not put events on ${HOME_BUS}: nothing is forwarded`,
    ],
    [
      "a Deny in the forwarders' role's policy",
      changed(
        (d) =>
          (d.rolePolicy = {
            ...ROLE_POLICY,
            Statement: [...ROLE_POLICY.Statement, { Effect: "Deny", Action: "*", Resource: "*" }],
          }),
      ),
      "cannot tell",
      "has a Deny or a condition the doctor does not evaluate",
    ],
    [
      "an enabled region left out of the list",
      changed((d) => d.enabled.push({ RegionName: "us-west-2", OptInStatus: "opt-in-not-required" })),
      "limited",
      "rootActivityAlerts.regions leaves out us-west-2",
    ],
  ])("is not ok with %s", async (_, deployed, status, detail) => {
    expect(await check(deployed, true)).toMatchObject({ status, detail: expect.stringContaining(detail) });
  });

  it("names every problem at once, and says missing only when the rules do not exist yet", async () => {
    const deployed = changed((d) => {
      d.rules = {};
    });
    const { result, missing } = await (async () => {
      const eventsClient = new EventBridgeClient({});
      mockClient(eventsClient)
        .on(DescribeRuleCommand)
        .rejects(Object.assign(new Error("no"), { name: "ResourceNotFoundException" }))
        .on(DescribeEventBusCommand)
        .resolves({ Policy: JSON.stringify(deployed.busPolicy) });
      const ec2 = new EC2Client({});
      mockClient(ec2).on(DescribeRegionsCommand).resolves({ Regions: deployed.enabled });
      return rootActivityAlertsCheck(
        {
          events: () => eventsClient,
          sns: new SNSClient({}),
          ec2: () => Promise.resolve({ client: ec2, DescribeRegionsCommand }),
          iam: iamWith(undefined),
        },
        ALERTS,
        { ...PLACE, delegatedAdministratorAccountId: ADMINISTRATOR },
      );
    })();
    expect(result.status).toBe("problem");
    // (the two alerting rules, three forwarders, and the role in each of the two accounts)
    expect(result.detail.split("; ")).toHaveLength(7);
    expect(missing).toBe(true);
  });
});
