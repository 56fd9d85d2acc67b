import { parseAppConfig } from "../../../stacks/config/load";
import { breakGlassPolicy, leastPrivilegePolicy, planPolicy } from "../../../scripts/policy/least-privilege";
import { delegatedAdministratorRolePolicy } from "../../../scripts/policy/root-activity-statements";
import { pick, seededRandom } from "../../support/mutations";

function policyFor(fields: Record<string, unknown>) {
  const stack = parseAppConfig({ stacks: [{ name: "root-access", ...fields }] }, "test").stacks[0];
  return leastPrivilegePolicy(stack);
}

function actionsOf(fields: Record<string, unknown>): string[] {
  return policyFor(fields).Statement.flatMap((statement) => statement.Action);
}

const READS = [
  "organizations:DescribeOrganization",
  "organizations:ListAccounts",
  "organizations:ListAWSServiceAccessForOrganization",
  "organizations:ListRoots",
];
const DISABLES = ["iam:DisableOrganizationsRootCredentialsManagement", "iam:DisableOrganizationsRootSessions"];
// npm run doctor's reads of SCPs and where they are attached.
const SCP_READS = [
  "organizations:ListPolicies",
  "organizations:DescribePolicy",
  "organizations:ListTargetsForPolicy",
  "organizations:ListAccountsForParent",
  "organizations:ListOrganizationalUnitsForParent",
];

describe("least-privilege policy", () => {
  it("create mode: creates the organization and its service-linked role, trusts services, never deletes by default", () => {
    const policy = policyFor({});
    expect(policy.Version).toBe("2012-10-17");
    expect(actionsOf({}).sort()).toEqual(
      [
        ...READS,
        "organizations:CreateOrganization",
        "organizations:EnableAWSServiceAccess",
        "iam:CreateServiceLinkedRole",
        "iam:ListOrganizationsFeatures",
        "iam:EnableOrganizationsRootSessions",
        ...DISABLES,
        ...SCP_READS,
      ].sort(),
    );
    expect(policy.Statement.find((s) => s.Sid === "CreateOrganizationsServiceLinkedRole")?.Condition).toEqual({
      StringEquals: { "iam:AWSServiceName": "organizations.amazonaws.com" },
    });
  });

  it("create mode with allowOrganizationDestroy: DeleteOrganization, and only then", () => {
    expect(actionsOf({ allowOrganizationDestroy: true })).toContain("organizations:DeleteOrganization");
    for (const fields of [
      {},
      { organization: { mode: "adopt", id: "o-a1b2c3d4e5" } },
      { organization: { mode: "external", id: "o-a1b2c3d4e5" } },
    ]) {
      expect(actionsOf(fields)).not.toContain("organizations:DeleteOrganization");
    }
  });

  it("adopt mode: no create or delete, only adding trusted access", () => {
    expect(
      actionsOf({
        organization: { mode: "adopt", id: "o-a1b2c3d4e5" },
        features: ["RootCredentialsManagement", "RootSessions"],
      }).sort(),
    ).toEqual(
      [
        ...READS,
        "organizations:EnableAWSServiceAccess",
        "iam:ListOrganizationsFeatures",
        "iam:EnableOrganizationsRootCredentialsManagement",
        "iam:EnableOrganizationsRootSessions",
        ...DISABLES,
        // RootCredentialsManagement: read-only root sessions for the audit, and the management account's own root user
        "sts:AssumeRoot",
        "iam:GetAccountSummary",
        ...SCP_READS,
      ].sort(),
    );
  });

  it("root sessions: audit in any member account, removal only in the selected ones, each for its own task policy", () => {
    // GIVEN a stack that removes two accounts' root credentials
    const policy = policyFor({
      features: ["RootCredentialsManagement"],
      rootCredentials: { remove: ["222222222222", "333333333333"] },
    });
    // THEN sts:AssumeRoot is granted twice, each restricted by sts:TaskPolicyArn to exactly one task policy
    expect(policy.Statement.filter((statement) => statement.Action.includes("sts:AssumeRoot"))).toEqual([
      {
        Sid: "AuditMemberRootCredentials",
        Effect: "Allow",
        Action: ["sts:AssumeRoot"],
        Resource: "arn:aws:iam::*:root",
        Condition: { StringEquals: { "sts:TaskPolicyArn": "arn:aws:iam::aws:policy/root-task/IAMAuditRootUserCredentials" } },
      },
      {
        Sid: "RemoveMemberRootCredentials",
        Effect: "Allow",
        Action: ["sts:AssumeRoot"],
        Resource: ["arn:aws:iam::222222222222:root", "arn:aws:iam::333333333333:root"],
        Condition: { StringEquals: { "sts:TaskPolicyArn": "arn:aws:iam::aws:policy/root-task/IAMDeleteRootUserCredentials" } },
      },
    ]);
    // AND with "all" the removal covers every member account's root user; without the feature, no root session at all
    const all = policyFor({ features: ["RootCredentialsManagement"], rootCredentials: { remove: "all" } });
    expect(all.Statement.find((statement) => statement.Sid === "RemoveMemberRootCredentials")?.Resource).toBe(
      "arn:aws:iam::*:root",
    );
    expect(actionsOf({ features: ["RootSessions"] })).not.toContain("sts:AssumeRoot");
  });

  it("external mode: no organizations write at all", () => {
    expect(
      actionsOf({ organization: { mode: "external", id: "o-a1b2c3d4e5" } }).filter(
        (a) => a.startsWith("organizations:") && !READS.includes(a) && !SCP_READS.includes(a),
      ),
    ).toEqual([]);
  });

  it("never disables a trusted service or a policy type, in any mode", () => {
    for (const mode of ["create", "adopt", "external"]) {
      const organization = mode === "create" ? { mode } : { mode, id: "o-a1b2c3d4e5" };
      const actions = actionsOf({ organization, delegatedAdministratorAccountId: "111122223333" });
      expect(actions).not.toContain("organizations:DisableAWSServiceAccess");
      expect(actions).not.toContain("organizations:DisablePolicyType");
      expect(actions).not.toContain("organizations:EnableAllFeatures");
    }
  });

  it("adds the delegated administrator's actions only when one is configured", () => {
    const admin = [
      "organizations:ListDelegatedAdministrators",
      "organizations:RegisterDelegatedAdministrator",
      "organizations:DeregisterDelegatedAdministrator",
    ];
    expect(actionsOf({ delegatedAdministratorAccountId: "111122223333" })).toEqual(expect.arrayContaining(admin));
    expect(actionsOf({}).filter((a) => admin.includes(a))).toEqual([]);
  });

  it("grants the guardrail's SCP calls only with the guardrail, and enables its policy type only where the stack manages the organization", () => {
    const guardrail = [
      "organizations:CreatePolicy",
      "organizations:UpdatePolicy",
      "organizations:AttachPolicy",
      "organizations:ListTagsForResource",
      "organizations:DetachPolicy",
      "organizations:DeletePolicy",
    ];
    for (const mode of ["create", "adopt", "external"]) {
      const organization = mode === "create" ? { mode } : { mode, id: "o-a1b2c3d4e5" };
      const statement = policyFor({ organization, rootUserGuardrail: {} }).Statement.find(
        (s) => s.Sid === "ManageRootUserGuardrail",
      );
      expect(statement?.Action).toEqual([...(mode === "external" ? [] : ["organizations:EnablePolicyType"]), ...guardrail]);
      expect(actionsOf({ organization }).filter((a) => guardrail.includes(a) || a.endsWith("PolicyType"))).toEqual([]);
    }
  });

  it("enables only the configured features", () => {
    expect(actionsOf({ features: [] }).filter((a) => a.startsWith("iam:EnableOrganizations"))).toEqual([]);
  });

  it("allows sts:AssumeRole on exactly the configured role", () => {
    const arn = "arn:aws:iam::111122223333:role/OrgRootAccessDeployer";
    expect(policyFor({ assumeRoleArn: arn }).Statement.find((s) => s.Sid === "AssumeDeployRole")).toEqual({
      Sid: "AssumeDeployRole",
      Effect: "Allow",
      Action: ["sts:AssumeRole"],
      Resource: arn,
    });
    expect(actionsOf({})).not.toContain("sts:AssumeRole");
  });

  it("grants the state object and its lock file, and nothing else of the bucket, when state is in S3", () => {
    const statements = policyFor({ backend: { type: "s3", bucket: "acme-tfstate", dynamodbTable: "tf-locks" } }).Statement;
    expect(statements.filter((s) => /State/.test(s.Sid))).toEqual([
      { Sid: "ListStateBucket", Effect: "Allow", Action: ["s3:ListBucket"], Resource: "arn:aws:s3:::acme-tfstate" },
      {
        Sid: "ReadWriteState",
        Effect: "Allow",
        Action: ["s3:GetObject", "s3:PutObject"],
        Resource: "arn:aws:s3:::acme-tfstate/org-root-access/root-access.tfstate",
      },
      {
        Sid: "StateLockFile",
        Effect: "Allow",
        Action: ["s3:GetObject", "s3:PutObject", "s3:DeleteObject"],
        Resource: "arn:aws:s3:::acme-tfstate/org-root-access/root-access.tfstate.tflock",
      },
      {
        Sid: "StateLockTable",
        Effect: "Allow",
        Action: ["dynamodb:DescribeTable", "dynamodb:GetItem", "dynamodb:PutItem", "dynamodb:DeleteItem"],
        Resource: "arn:aws:dynamodb:us-east-1:*:table/tf-locks",
      },
    ]);
    expect(actionsOf({}).filter((a) => a.startsWith("s3:") || a.startsWith("dynamodb:"))).toEqual([]);
  });
});

describe("least privilege never widens, whatever the state key", () => {
  it("refuses every key that would put an IAM wildcard or policy variable into a resource, and keeps the others exact", () => {
    // GIVEN 2000 generated keys, from an alphabet with IAM's wildcards, "$", "{" and other S3-legal characters
    const random = seededRandom(1303);
    const alphabet = ["a", "Z", "0", "/", ".", "-", "_", "!", "'", "(", ")", "*", "?", "$", "{", "}", " ", "+", "=", "&", "%"];
    let accepted = 0;
    for (let index = 0; index < 2000; index++) {
      const key = Array.from({ length: 1 + Math.floor(random() * 12) }, () => pick(random, alphabet)).join("");
      const fields = { backend: { type: "s3", bucket: "acme-tfstate", key, dynamodbTable: "locks" } };
      let statements: readonly { Resource: string | readonly string[] }[];
      try {
        statements = policyFor(fields).Statement;
      } catch (error) {
        // WHEN the config refuses the key THEN the message says why
        expect(String(error)).toContain("stacks[0].backend.key");
        continue;
      }
      accepted++;
      // WHEN the key is accepted THEN the policy names exactly its object (and lock file), with no wildcard or variable
      const s3 = statements
        .flatMap((statement) => [statement.Resource].flat())
        .filter((resource) => resource.startsWith("arn:aws:s3:::"));
      expect(s3.sort()).toEqual(
        ["arn:aws:s3:::acme-tfstate", `arn:aws:s3:::acme-tfstate/${key}`, `arn:aws:s3:::acme-tfstate/${key}.tflock`].sort(),
      );
      for (const resource of s3)
        expect({ key, resource, wild: /[*?]|\$\{/.test(resource) }).toEqual({ key, resource, wild: false });
    }
    // AND both kinds occurred
    expect(accepted).toBeGreaterThan(100);
    expect(2000 - accepted).toBeGreaterThan(100);
  });

  it('says why a key with "*" is refused', () => {
    expect(() => policyFor({ backend: { type: "s3", bucket: "acme-tfstate", key: "*" } })).toThrow(
      'stacks[0].backend.key: "*" is not an S3 key such as "org-root-access/prod.tfstate": letters, digits and !_.\'()- in parts joined by "/" (no "*", "?" or "$", which an IAM policy would read as wildcards or variables).',
    );
  });
});

describe("the plan job's read-only policy (npm run policy -- --plan)", () => {
  const WRITE = /:(Enable|Disable|Create|Delete|Register|Deregister|Update|Attach|Detach|Put|Tag|Untag|Move|Remove|Leave)/;
  const everything = {
    features: ["RootCredentialsManagement", "RootSessions"],
    delegatedAdministratorAccountId: "111122223333",
    rootCredentials: { remove: "all" },
    rootUserGuardrail: {},
    assumeRoleArn: "arn:aws:iam::111122223333:role/Planner",
    backend: { type: "s3", bucket: "acme-tfstate", dynamodbTable: "tf-locks" },
  };

  it.each(["create", "adopt", "external"])(
    "writes nothing to AWS in %s mode, whatever the stack enables, but the state lock",
    (mode) => {
      // GIVEN a stack that uses every setting
      const organization = mode === "create" ? { mode } : { mode, id: "o-a1b2c3d4e5" };
      const stack = parseAppConfig({ stacks: [{ name: "root-access", ...everything, organization }] }, "test").stacks[0];
      // WHEN the plan policy is made
      const statements = planPolicy(stack).Statement;
      // THEN no AWS write is allowed, except the state lock's, and the state object is only read
      const writes = statements.flatMap((s) =>
        s.Action.filter((action) => WRITE.test(action)).map((action) => `${s.Sid} ${action}`),
      );
      expect(writes).toEqual([
        "StateLockFile s3:PutObject",
        "StateLockFile s3:DeleteObject",
        "StateLockTable dynamodb:PutItem",
        "StateLockTable dynamodb:DeleteItem",
      ]);
      expect(statements.find((s) => s.Sid === "ReadState")).toMatchObject({
        Action: ["s3:GetObject"],
        Resource: "arn:aws:s3:::acme-tfstate/org-root-access/root-access.tfstate",
      });
      // AND root sessions only for the audit task, never for removal
      expect(statements.filter((s) => s.Action.includes("sts:AssumeRoot")).map((s) => s.Condition)).toEqual([
        { StringEquals: { "sts:TaskPolicyArn": "arn:aws:iam::aws:policy/root-task/IAMAuditRootUserCredentials" } },
      ]);
    },
  );

  it("is a subset of the apply policy's reads", () => {
    const stack = parseAppConfig({ stacks: [{ name: "root-access", ...everything }] }, "test").stacks[0];
    const apply = leastPrivilegePolicy(stack).Statement.flatMap((s) => s.Action);
    const plan = planPolicy(stack).Statement.flatMap((s) => s.Action);
    expect(plan.filter((action) => !apply.includes(action))).toEqual([]);
  });
});

describe("the policies in GovCloud and China", () => {
  it.each([
    ["us-gov-west-1", "aws-us-gov"],
    ["cn-northwest-1", "aws-cn"],
  ])("name root users, task policies and state in the partition of %s", (region, partition) => {
    // GIVEN a stack in that region that audits and removes root credentials, with S3 state
    const policy = policyFor({
      region,
      features: ["RootCredentialsManagement"],
      rootCredentials: { remove: ["111122223333"] },
      backend: { type: "s3", bucket: "state-bucket", key: "org.tfstate" },
    });
    // THEN every ARN is in that partition, and none in the commercial one
    const text = JSON.stringify(policy);
    expect(text).not.toContain("arn:aws:");
    const sessions = policy.Statement.filter((statement) => statement.Action.includes("sts:AssumeRoot"));
    expect(sessions.map((statement) => [statement.Resource, statement.Condition])).toEqual([
      [
        `arn:${partition}:iam::*:root`,
        { StringEquals: { "sts:TaskPolicyArn": `arn:${partition}:iam::aws:policy/root-task/IAMAuditRootUserCredentials` } },
      ],
      [
        [`arn:${partition}:iam::111122223333:root`],
        { StringEquals: { "sts:TaskPolicyArn": `arn:${partition}:iam::aws:policy/root-task/IAMDeleteRootUserCredentials` } },
      ],
    ]);
    expect(text).toContain(`arn:${partition}:s3:::state-bucket/org.tfstate`);
  });
});

describe("the break-glass operator's policy (npm run policy -- --break-glass)", () => {
  const UNLOCK_TASKS = ["S3UnlockBucketPolicy", "SQSUnlockQueuePolicy"];
  const everything = {
    features: ["RootCredentialsManagement", "RootSessions"],
    rootCredentials: { remove: "all" },
    rootUserGuardrail: {},
    delegatedAdministratorAccountId: "111122223333",
  };

  it("allows AssumeRoot for the two unlock tasks only, and the reads npm run root-task makes before its session", () => {
    // GIVEN a stack in GovCloud
    const stack = parseAppConfig({ stacks: [{ name: "org", ...everything, region: "us-gov-west-1" }] }, "test").stacks[0];
    // WHEN the break-glass policy is made
    const { Statement } = breakGlassPolicy(stack);
    // THEN root sessions are limited by sts:TaskPolicyArn to the unlock tasks, in the stack's partition
    const assumeRoot = Statement.filter((statement) => statement.Action.includes("sts:AssumeRoot"));
    expect(assumeRoot).toEqual([
      {
        Sid: "UnlockBucketAndQueuePolicies",
        Effect: "Allow",
        Action: ["sts:AssumeRoot"],
        Resource: "arn:aws-us-gov:iam::*:root",
        Condition: {
          StringEquals: {
            "sts:TaskPolicyArn": UNLOCK_TASKS.map((task) => `arn:aws-us-gov:iam::aws:policy/root-task/${task}`),
          },
        },
      },
    ]);
    expect(Statement.flatMap((statement) => statement.Action).sort()).toEqual([
      "organizations:DescribeAccount",
      "organizations:DescribeOrganization",
      "sts:AssumeRoot",
    ]);
  });

  it("is a right neither of the pipeline's policies has, whatever the stack enables", () => {
    const stack = parseAppConfig({ stacks: [{ name: "org", ...everything }] }, "test").stacks[0];
    const text = JSON.stringify([leastPrivilegePolicy(stack), planPolicy(stack)]);
    for (const task of UNLOCK_TASKS) expect(text).not.toContain(task);
  });
});

describe("the root-activity alerts' rights", () => {
  const RULES = (region: string) => `arn:aws:events:${region}:*:rule/org-root-access-root-sessions*`;
  const stackOf = (fields: Record<string, unknown>) => parseAppConfig({ stacks: [{ name: "org", ...fields }] }, "test").stacks[0];
  const alertActions = (fields: Record<string, unknown>, plan = false) => {
    const stack = stackOf(fields);
    const document = plan ? planPolicy(stack) : leastPrivilegePolicy(stack);
    return document.Statement.filter((statement) => statement.Sid.startsWith("RootActivityAlert"));
  };

  it("manage the rules in every covered region and the stack's own topic, read only in the plan job, and exist only with alerts", () => {
    const email = { rootActivityAlerts: { email: ["security@example.com"], regions: ["us-east-1", "eu-west-1"] } };
    const [rule, topic] = alertActions(email);
    expect(rule).toMatchObject({
      Resource: [RULES("us-east-1"), RULES("eu-west-1")],
      Action: expect.arrayContaining(["events:PutRule", "events:PutTargets"]),
    });
    expect(topic.Action).toEqual(expect.arrayContaining(["sns:CreateTopic", "sns:Subscribe", "sns:SetTopicAttributes"]));
    const planned = alertActions(email, true).flatMap((statement) => statement.Action);
    expect(planned.filter((action) => /:(Put|Create|Set|Subscribe|Unsubscribe|Delete|Remove)/.test(action))).toEqual([]);
    expect(alertActions({})).toEqual([]);
  });

  it("limit sts:AssumeRoot, in the pipeline's and the break-glass policies, to the covered regions", () => {
    // GIVEN alerts covering two regions WHEN the policies are printed
    const stack = stackOf({
      features: ["RootCredentialsManagement", "RootSessions"],
      rootCredentials: { remove: "all" },
      rootActivityAlerts: { email: ["security@example.com"], regions: ["us-east-1", "eu-west-1"] },
    });
    const assumeRoot = [
      ...leastPrivilegePolicy(stack).Statement,
      ...planPolicy(stack).Statement,
      ...breakGlassPolicy(stack).Statement,
    ].filter((statement) => statement.Action.includes("sts:AssumeRoot"));
    // THEN every statement that allows sts:AssumeRoot names the covered regions, and only them
    expect(assumeRoot.length).toBeGreaterThanOrEqual(3);
    for (const statement of assumeRoot) {
      expect(statement.Condition?.StringEquals?.["aws:RequestedRegion"]).toEqual(["eu-west-1", "us-east-1"]);
    }
    // AND without alerts there is no region condition
    const quiet = stackOf({ features: ["RootCredentialsManagement", "RootSessions"] });
    expect(JSON.stringify(breakGlassPolicy(quiet))).not.toContain("aws:RequestedRegion");
  });

  it("with IAM's delegated administrator: assume its role, give the home bus's permission, manage the forwarders' role", () => {
    const stack = stackOf({
      delegatedAdministratorAccountId: "222233334444",
      rootActivityAlerts: {
        email: ["security@example.com"],
        regions: ["us-east-1"],
        delegatedAdministratorRoleName: "Forwarders",
      },
    });
    const statements = leastPrivilegePolicy(stack).Statement;
    expect(statements.find((statement) => statement.Sid === "AssumeDelegatedAdministratorRole")).toMatchObject({
      Action: ["sts:AssumeRole"],
      Resource: "arn:aws:iam::222233334444:role/Forwarders",
    });
    expect(statements.find((statement) => statement.Sid === "RootActivityBusPermission")?.Action).toEqual(
      expect.arrayContaining(["events:PutPermission", "events:RemovePermission"]),
    );
    expect(statements.find((statement) => statement.Sid === "RootActivityForwardRole")).toMatchObject({
      Action: expect.arrayContaining(["iam:CreateRole", "iam:PutRolePolicy"]),
      Resource: "arn:aws:iam::*:role/org-root-access-root-sessions-forward",
    });
    // AND the role is passed to EventBridge only
    expect(statements.find((statement) => statement.Sid === "RootActivityForwardRolePass")).toEqual({
      Sid: "RootActivityForwardRolePass",
      Effect: "Allow",
      Action: ["iam:PassRole"],
      Resource: "arn:aws:iam::*:role/org-root-access-root-sessions-forward",
      Condition: { StringEquals: { "iam:PassedToService": "events.amazonaws.com" } },
    });
  });

  it("give the role in the delegated administrator's account the forwarders' rights there, and nothing more", () => {
    // GIVEN alerts covering two regions, forwarded from the delegated administrator through a named role
    const stack = stackOf({
      delegatedAdministratorAccountId: "222233334444",
      rootActivityAlerts: {
        email: ["security@example.com"],
        regions: ["us-east-1", "eu-west-1"],
        delegatedAdministratorRoleName: "Forwarders",
      },
    });
    // WHEN its policy is printed THEN it manages the forwarder rules in that account's covered regions and their role only
    const document = delegatedAdministratorRolePolicy(stack)!;
    const bySid = Object.fromEntries(document.Statement.map((statement) => [statement.Sid, statement]));
    expect(bySid.RootActivityForwarders.Resource).toEqual([
      "arn:aws:events:us-east-1:222233334444:rule/org-root-access-root-sessions-forward",
      "arn:aws:events:eu-west-1:222233334444:rule/org-root-access-root-sessions-forward",
    ]);
    expect(bySid.RootActivityForwardRole.Resource).toBe("arn:aws:iam::222233334444:role/org-root-access-root-sessions-forward");
    expect(bySid.RootActivityForwardRolePass.Condition).toEqual({
      StringEquals: { "iam:PassedToService": "events.amazonaws.com" },
    });
    const actions = document.Statement.flatMap((statement) => statement.Action);
    expect(actions.filter((action) => !/^(events|iam|ec2|cloudtrail):/.test(action))).toEqual([]);
    expect(actions).not.toContain("sts:AssumeRoot");
    // AND a stack without the role has none
    expect(delegatedAdministratorRolePolicy(stackOf({ rootActivityAlerts: { email: ["a@example.com"] } }))).toBeUndefined();
  });

  it("only read a topic the stack was given", () => {
    const topicArn = "arn:aws:sns:us-east-1:111122223333:security";
    const [, topic] = alertActions({ rootActivityAlerts: { topicArn } });
    expect(topic).toEqual({
      Sid: "RootActivityAlertTopic",
      Effect: "Allow",
      Action: ["sns:GetTopicAttributes", "sns:ListSubscriptionsByTopic"],
      Resource: topicArn,
    });
  });
});
