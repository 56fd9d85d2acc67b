import { DescribeRegionsCommand, EC2Client } from "@aws-sdk/client-ec2";
import {
  CreateEventBusCommand,
  EventBridgeClient,
  PutEventsCommand,
  PutPermissionCommand,
  PutRuleCommand,
  PutTargetsCommand,
} from "@aws-sdk/client-eventbridge";
import { CreateRoleCommand, PutRolePolicyCommand } from "@aws-sdk/client-iam";
import { CreateQueueCommand, GetQueueAttributesCommand, ReceiveMessageCommand, SQSClient } from "@aws-sdk/client-sqs";
import { Emulator } from "../../../tools/emulator/emulator";
import { clientConfig } from "../../../tools/emulator/organization-state";
import { credentialsOf, iamAs } from "../../support/aws";

// The emulator's regions and cross-region, cross-account EventBridge targets, as AWS documents them: it must
// never deliver what AWS would drop, nor list a region AWS would not.

let emulator: Emulator;
let env: NodeJS.ProcessEnv;
const MANAGEMENT = "123456789012";
const OTHER = "222233334444";

beforeAll(async () => {
  emulator = await Emulator.start();
  env = emulator.environment();
});
afterAll(() => emulator?.stop());
beforeEach(() => emulator.reset());

const PATTERN = JSON.stringify({ source: ["aws.sts"] });
const BUS = (account: string) => `arn:aws:events:us-east-1:${account}:event-bus/default`;

/** A rule on the home bus (us-east-1 of `account`) that puts every aws.sts event in a queue; returns a reader of the queue. */
async function inbox(accountEnv: NodeJS.ProcessEnv): Promise<() => Promise<Record<string, unknown>[]>> {
  const sqs = new SQSClient(clientConfig(accountEnv));
  const { QueueUrl } = await sqs.send(new CreateQueueCommand({ QueueName: "inbox" }));
  const { Attributes } = await sqs.send(new GetQueueAttributesCommand({ QueueUrl, AttributeNames: ["QueueArn"] }));
  const events = new EventBridgeClient(clientConfig(accountEnv));
  await events.send(new PutRuleCommand({ Name: "home", EventPattern: PATTERN }));
  // The event's own region and account, as the queue receives them.
  const InputTransformer = {
    InputPathsMap: { region: "$.region", account: "$.account" },
    InputTemplate: '{"region": "<region>", "account": "<account>"}',
  };
  await events.send(new PutTargetsCommand({ Rule: "home", Targets: [{ Id: "q", Arn: Attributes!.QueueArn, InputTransformer }] }));
  return async () => {
    const { Messages = [] } = await sqs.send(
      new ReceiveMessageCommand({ QueueUrl, MaxNumberOfMessages: 10, WaitTimeSeconds: 0 }),
    );
    return Messages.map((message) => JSON.parse(message.Body!));
  };
}

/** A forwarder in eu-west-1 of `fromEnv` to `bus`, with `roleArn`; then one aws.sts event put there. */
async function forward(fromEnv: NodeJS.ProcessEnv, bus: string, roleArn?: string): Promise<void> {
  const events = new EventBridgeClient({ ...clientConfig(fromEnv), region: "eu-west-1" });
  await events.send(new PutRuleCommand({ Name: "forward", EventPattern: PATTERN }));
  await events.send(new PutTargetsCommand({ Rule: "forward", Targets: [{ Id: "bus", Arn: bus, RoleArn: roleArn }] }));
  await events.send(
    new PutEventsCommand({
      Entries: [{ Source: "aws.sts", DetailType: "AWS API Call via CloudTrail", Detail: '{"eventName":"AssumeRoot"}' }],
    }),
  );
}

async function forwardingRole(
  accountEnv: NodeJS.ProcessEnv,
  account: string,
  trusted = "events.amazonaws.com",
  resource = BUS(MANAGEMENT),
) {
  const iam = iamAs(accountEnv);
  await iam.send(
    new CreateRoleCommand({
      RoleName: "forward",
      AssumeRolePolicyDocument: JSON.stringify({
        Version: "2012-10-17",
        Statement: [{ Effect: "Allow", Principal: { Service: trusted }, Action: "sts:AssumeRole" }],
      }),
    }),
  );
  await iam.send(
    new PutRolePolicyCommand({
      RoleName: "forward",
      PolicyName: "put",
      PolicyDocument: JSON.stringify({
        Version: "2012-10-17",
        Statement: [{ Effect: "Allow", Action: "events:PutEvents", Resource: resource }],
      }),
    }),
  );
  return `arn:aws:iam::${account}:role/forward`;
}

describe("EventBridge targets on another region's or account's bus", () => {
  it("deliver the event itself, with its own region and account, when the role may put events there", async () => {
    // GIVEN a home rule in us-east-1 and a forwarder in eu-west-1 whose role may put events on the home bus
    const read = await inbox(env);
    const role = await forwardingRole(env, MANAGEMENT);
    // WHEN an event happens in eu-west-1
    await forward(env, BUS(MANAGEMENT), role);
    // THEN the home rule gets it, still saying eu-west-1
    expect((await read()).map((event) => [event.region, event.account])).toEqual([["eu-west-1", MANAGEMENT]]);
  });

  it.each([
    // Every row names all three arguments: jest takes a test function with more parameters than its row as one
    // that waits for a done() callback.
    ["no role", undefined, undefined],
    ["a role that does not trust EventBridge", "lambda.amazonaws.com", undefined],
    ["a role that may put events on another bus only", "events.amazonaws.com", BUS(OTHER)],
  ])("deliver nothing with %s, as AWS drops the event", async (_, trusted, resource) => {
    const read = await inbox(env);
    const role = trusted === undefined ? undefined : await forwardingRole(env, MANAGEMENT, trusted, resource);
    await forward(env, BUS(MANAGEMENT), role);
    expect(await read()).toEqual([]);
  });

  it("from another account: deliver only once the receiving bus's policy lets that account put events", async () => {
    const read = await inbox(env);
    const otherEnv = { ...env, ...(await credentialsOf(env, OTHER)) };
    const role = await forwardingRole(otherEnv, OTHER);
    // WHEN the other account forwards before the home bus allows it THEN nothing arrives
    await forward(otherEnv, BUS(MANAGEMENT), role);
    expect(await read()).toEqual([]);
    // WHEN the home bus allows it THEN the next event arrives, naming the account it happened in
    await new EventBridgeClient(clientConfig(env)).send(
      new PutPermissionCommand({ Principal: OTHER, StatementId: "other", Action: "events:PutEvents" }),
    );
    await forward(otherEnv, BUS(MANAGEMENT), role);
    expect((await read()).map((event) => [event.region, event.account])).toEqual([["eu-west-1", OTHER]]);
  });

  it("deliver nothing to a bus that does not exist", async () => {
    await new EventBridgeClient(clientConfig(env)).send(new CreateEventBusCommand({ Name: "elsewhere" }));
    const read = await inbox(env);
    const role = await forwardingRole(env, MANAGEMENT, "events.amazonaws.com", "*");
    await forward(env, BUS(MANAGEMENT).replace("default", "missing"), role);
    expect(await read()).toEqual([]);
  });
});

describe("DescribeRegions", () => {
  const regions = async (input: ConstructorParameters<typeof DescribeRegionsCommand>[0] = {}) =>
    ((await new EC2Client(clientConfig(env)).send(new DescribeRegionsCommand(input))).Regions ?? []).map(
      (region) => `${region.RegionName} ${region.OptInStatus}`,
    );

  it("lists the account's enabled regions: the 17 that need no opt-in, and those it opted in to (the optedInRegions knob)", async () => {
    // GIVEN an account that opted in to nothing WHEN it lists its regions THEN the 17 of before March 2019, no other
    const enabled = await regions();
    expect(enabled.filter((line) => line.endsWith("opt-in-not-required")).length).toBe(17);
    expect(enabled.filter((line) => !line.endsWith("opt-in-not-required"))).toEqual([]);
    expect(await regions({ AllRegions: true })).toContain("af-south-1 not-opted-in");
    // WHEN it opts in to af-south-1 THEN it is listed, as opted-in, also through the provider's filter
    await emulator.configure({ optedInRegions: { [MANAGEMENT]: ["af-south-1"] } });
    expect(await regions()).toContain("af-south-1 opted-in");
    expect(await regions({ Filters: [{ Name: "opt-in-status", Values: ["opted-in"] }] })).toEqual(["af-south-1 opted-in"]);
  });
});
