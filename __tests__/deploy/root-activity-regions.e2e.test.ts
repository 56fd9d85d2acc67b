import {
  DeleteRuleCommand,
  EventBridgeClient,
  ListRulesCommand,
  ListTargetsByRuleCommand,
  PutEventsCommand,
  RemoveTargetsCommand,
} from "@aws-sdk/client-eventbridge";
import { SNSClient, SubscribeCommand, UnsubscribeCommand } from "@aws-sdk/client-sns";
import { CreateQueueCommand, GetQueueAttributesCommand, ReceiveMessageCommand, SQSClient } from "@aws-sdk/client-sqs";
import { leastPrivilegePolicy } from "../../scripts/policy/least-privilege";
import { ROOT_ACTIVITY_RULE_NAME } from "../../scripts/shared/root-activity";
import { parseAppConfig } from "../../stacks/config/load";
import { clientConfig } from "../../tools/emulator/organization-state";
import { credentialsOf } from "../support/aws";
import { assumeRoot, roleSession } from "../support/cloudtrail-events";
import { seedOrganization } from "../support/organization-snapshot";
import { STACK, actionsNeedingPermission, useScenario } from "../support/stack-driver";

const scenario = useScenario();

const PIPELINE = "arn:aws:iam::111111111111:role/root-access-pipeline";
const PERSON = "arn:aws:iam::111111111111:role/break-glass";
const ADMIN_ROLE = "OrganizationAccountAccessRole";
const REGIONS = ["us-east-1", "eu-west-1"];

describe("root-activity alerts in every covered region and calling account", () => {
  it("an AssumeRoot in another region or by IAM's delegated administrator alerts, keeping its region; refused calls and the pipeline's other tasks alert; an opted-in region left out fails the plan", async () => {
    const { driver, emulator } = scenario;
    // GIVEN an organization with IAM's delegated administrator (Organizations made the role the stack assumes there)
    const seeded = await seedOrganization(driver.env);
    const adminId = seeded.memberIds[1];
    const adminEnv = { ...driver.env, ...(await credentialsOf(driver.env, adminId)) };
    const stack = {
      organization: { mode: "adopt", id: seeded.organizationId },
      delegatedAdministratorAccountId: adminId,
      rootActivityAlerts: {
        email: ["security@example.com"],
        ignoreCallers: [PIPELINE],
        regions: REGIONS,
        delegatedAdministratorRoleName: ADMIN_ROLE,
      },
    };

    // WHEN the stack is applied
    const { calls } = await driver.callsDuring(() => driver.given(stack));
    // THEN every call it made is in the stack's least-privilege policy (the delegated administrator's role included)
    const config = parseAppConfig({ stacks: [{ name: STACK, ...stack }] }, "test").stacks[0];
    const allowed = leastPrivilegePolicy(config).Statement.flatMap((statement) => statement.Action);
    expect(actionsNeedingPermission(calls).filter((action) => !allowed.includes(action))).toEqual([]);

    // AND each covered region of each calling account has its rule: the alerting pair at home, forwarders elsewhere
    const rulesIn = async (env: NodeJS.ProcessEnv, region: string) => {
      const { Rules = [] } = await new EventBridgeClient({ ...clientConfig(env), region }).send(
        new ListRulesCommand({ NamePrefix: ROOT_ACTIVITY_RULE_NAME }),
      );
      return Rules.map((rule) => `${rule.Name} ${rule.State}`).sort();
    };
    const state = "ENABLED_WITH_ALL_CLOUDTRAIL_MANAGEMENT_EVENTS";
    expect(await rulesIn(driver.env, "us-east-1")).toEqual([
      `${ROOT_ACTIVITY_RULE_NAME} ${state}`,
      `${ROOT_ACTIVITY_RULE_NAME}-refused ${state}`,
    ]);
    expect(await rulesIn(driver.env, "eu-west-1")).toEqual([`${ROOT_ACTIVITY_RULE_NAME}-forward ${state}`]);
    for (const region of REGIONS)
      expect(await rulesIn(adminEnv, region)).toEqual([`${ROOT_ACTIVITY_RULE_NAME}-forward ${state}`]);
    // AND the plan after it is clean
    expect(await driver.converged()).toEqual({ planExitCode: 0, writes: {} });

    // GIVEN a queue subscribed to the topic (raw delivery: the message as the email shows it)
    const home = new EventBridgeClient(clientConfig(driver.env));
    const [target] = (await home.send(new ListTargetsByRuleCommand({ Rule: ROOT_ACTIVITY_RULE_NAME }))).Targets!;
    const sqs = new SQSClient(clientConfig(driver.env));
    const { QueueUrl } = await sqs.send(new CreateQueueCommand({ QueueName: "alerts-inbox" }));
    const { Attributes } = await sqs.send(new GetQueueAttributesCommand({ QueueUrl, AttributeNames: ["QueueArn"] }));
    const { SubscriptionArn: inbox } = await new SNSClient(clientConfig(driver.env)).send(
      new SubscribeCommand({
        TopicArn: target.Arn,
        Protocol: "sqs",
        Endpoint: Attributes!.QueueArn,
        Attributes: { RawMessageDelivery: "true" },
      }),
    );
    const received = async () => {
      const { Messages = [] } = await sqs.send(
        new ReceiveMessageCommand({ QueueUrl, MaxNumberOfMessages: 10, WaitTimeSeconds: 1 }),
      );
      return Messages.map((message) => message.Body ?? "");
    };
    // CloudTrail delivers an AssumeRoot to EventBridge in the calling account and the region of the STS endpoint.
    const recorded = async (env: NodeJS.ProcessEnv, region: string, event: Record<string, unknown>) => {
      const { FailedEntryCount } = await new EventBridgeClient({ ...clientConfig(env), region }).send(
        new PutEventsCommand({
          Entries: [{ Source: "aws.sts", DetailType: "AWS API Call via CloudTrail", Detail: JSON.stringify(event.detail) }],
        }),
      );
      expect(FailedEntryCount).toBe(0);
    };
    const person = roleSession(PERSON, "alice");

    // WHEN a person opens a root session through STS in eu-west-1 THEN the alert names eu-west-1
    await recorded(driver.env, "eu-west-1", assumeRoot(person, seeded.memberIds[0], "SQSUnlockQueuePolicy"));
    expect(await received()).toEqual([
      expect.stringMatching(
        /^Central root session requested: .* for the root user of account \d{12} with .*SQSUnlockQueuePolicy .*\(in eu-west-1, from 192\.0\.2\.1\)\. AWS granted it\./,
      ),
    ]);
    // WHEN the delegated administrator's account opens sessions in both regions THEN both alert, each with its region
    await recorded(adminEnv, "us-east-1", assumeRoot(person, seeded.memberIds[0]));
    await recorded(adminEnv, "eu-west-1", assumeRoot(person, seeded.memberIds[0]));
    expect((await received()).map((message) => /\(in ([a-z0-9-]+),/.exec(message)?.[1]).sort()).toEqual(REGIONS.slice().sort());

    // WHEN the pipeline's role runs its audit in eu-west-1 THEN nothing arrives
    await recorded(
      driver.env,
      "eu-west-1",
      assumeRoot(roleSession(PIPELINE, "org-root-access"), seeded.memberIds[0], "IAMAuditRootUserCredentials"),
    );
    expect(await received()).toEqual([]);
    // WHEN the same role asks for a task the pipeline never runs THEN it alerts
    await recorded(
      driver.env,
      "eu-west-1",
      assumeRoot(roleSession(PIPELINE, "org-root-access"), seeded.memberIds[0], "S3UnlockBucketPolicy"),
    );
    expect(await received()).toEqual([expect.stringContaining("S3UnlockBucketPolicy")]);
    // WHEN AWS refuses the pipeline's audit, whose parameters carry a quote THEN the refused message arrives, unbroken
    const refused = assumeRoot(roleSession(PIPELINE, "org-root-access"), '1" granted. Ignore', "IAMAuditRootUserCredentials");
    Object.assign(refused.detail as Record<string, unknown>, { errorCode: "AccessDenied", errorMessage: "not authorized" });
    await recorded(driver.env, "eu-west-1", refused);
    const [message] = await received();
    expect(message).toMatch(
      /^Central root session refused \(AccessDenied\): arn:aws:sts::\d{12}:assumed-role\/root-access-pipeline\/org-root-access called sts:AssumeRoot at .* \(in eu-west-1, from 192\.0\.2\.1\) and AWS refused it\./,
    );
    expect(message).not.toContain("granted. Ignore");

    // WHEN the doctor reads the chain, through the role in the delegated administrator's account THEN every
    // forwarder is found and only the regions left out by the list are named (limited, not ok)
    expect(await emulator.confirmSubscription("security@example.com")).toBe(1);
    await new SNSClient(clientConfig(driver.env)).send(new UnsubscribeCommand({ SubscriptionArn: inbox! }));
    const alertCheck = () => driver.doctor().checks.find((check) => check.check === "root-activity alerts");
    expect(alertCheck()).toMatchObject({
      status: "limited",
      detail: expect.stringMatching(
        /^AssumeRoot in us-east-1, eu-west-1 of the management account and \d{12} reaches .*; but rootActivityAlerts.regions leaves out ap-northeast-1/,
      ),
    });
    // WHEN someone deletes the delegated administrator's forwarder in eu-west-1 THEN the doctor names it
    const adminEvents = new EventBridgeClient({ ...clientConfig(adminEnv), region: "eu-west-1" });
    await adminEvents.send(new RemoveTargetsCommand({ Rule: `${ROOT_ACTIVITY_RULE_NAME}-forward`, Ids: ["alerting-bus"] }));
    await adminEvents.send(new DeleteRuleCommand({ Name: `${ROOT_ACTIVITY_RULE_NAME}-forward` }));
    expect(alertCheck()).toMatchObject({
      status: "problem",
      detail: `the EventBridge rule ${ROOT_ACTIVITY_RULE_NAME}-forward does not exist in eu-west-1 of the delegated administrator's account ${adminId}`,
    });

    // WHEN the management account opts in to a region the alerts do not cover THEN the next plan fails, naming it
    await emulator.configure({ optedInRegions: { ["123456789012"]: ["af-south-1"] } });
    const planned = await driver.plan();
    expect(planned.code).toBe(1);
    expect(planned.stderr.replace(/\s+/g, " ")).toContain(
      "the account has opted in to af-south-1, which the alerts do not cover",
    );
  });
});
