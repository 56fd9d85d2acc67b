import { parsePolicy } from "../../../scripts/doctor/policy-document";
import { evaluateRootSessionAccess } from "../../../scripts/doctor/root-session-access";
import { rootTaskChecks } from "../../../scripts/doctor/root-session-report";
import { tasksOf } from "../../../scripts/shared/root-tasks";
import { ScpSetup, organizationOf } from "./scp-setups";

const FULL = { Version: "2012-10-17", Statement: [{ Effect: "Allow", Action: "*", Resource: "*" }] };
const CONTROL_TOWER = {
  Version: "2012-10-17",
  Statement: [
    {
      Sid: "GRRESTRICTROOTUSER",
      Effect: "Deny",
      Action: "*",
      Resource: "*",
      Condition: { StringLike: { "aws:PrincipalArn": ["arn:aws:iam::*:root"] } },
    },
  ],
};

function setup(policies: ScpSetup["policies"], features = ["RootCredentialsManagement"]): ScpSetup {
  return {
    name: "report",
    reasoning: "report",
    partition: "aws",
    organizationId: "o-a1b2c3d4e5",
    managementAccountId: "999999999999",
    rootId: "r-root",
    ous: [
      { id: "ou-root-prod0001", parent: "r-root" },
      { id: "ou-root-dev00001", parent: "r-root" },
    ],
    accounts: [
      { id: "999999999999", parent: "r-root", status: "ACTIVE" },
      { id: "111111111111", parent: "ou-root-prod0001", status: "ACTIVE" },
      { id: "121212121212", parent: "ou-root-prod0001", status: "ACTIVE" },
      { id: "222222222222", parent: "ou-root-dev00001", status: "ACTIVE" },
    ],
    policies,
    features,
    expected: {},
  };
}

function checksOf(scenario: ScpSetup) {
  const organization = organizationOf(scenario);
  const tasks = tasksOf(scenario.features);
  return rootTaskChecks(organization, tasks, evaluateRootSessionAccess(organization, { partition: "aws", tasks }));
}

const everywhere = ["r-root", "ou-root-prod0001", "ou-root-dev00001", "111111111111", "121212121212", "222222222222"];

describe("the doctor's report of root tasks", () => {
  it("says a task works in every member account, counting member accounts only", () => {
    const checks = checksOf(setup([{ id: "p-FullAWSAccess", name: "FullAWSAccess", document: FULL, targets: everywhere }]));
    expect(checks.map((check) => [check.check, check.status, check.detail])).toEqual([
      ["root task IAMAuditRootUserCredentials", "ok", "works in all 3 active member accounts"],
      ["root task IAMDeleteRootUserCredentials", "ok", "works in all 3 active member accounts"],
      ["root task IAMCreateRootUserPassword", "ok", "works in all 3 active member accounts"],
    ]);
  });

  it("names the blocked accounts by OU, the policy, its statement, where it is attached, and the fix", () => {
    // GIVEN Control Tower's root-user control on Prod
    const checks = checksOf(
      setup([
        { id: "p-FullAWSAccess", name: "FullAWSAccess", document: FULL, targets: everywhere },
        { id: "p-ct000001", name: "aws-guardrails-root", document: CONTROL_TOWER, targets: ["ou-root-prod0001"] },
      ]),
    );
    // THEN the delete task is a problem in Prod's two accounts, and the fix is the exemption
    const remove = checks.find((check) => check.task === "IAMDeleteRootUserCredentials")!;
    expect(remove).toMatchObject({ status: "problem", accounts: ["111111111111", "121212121212"] });
    expect(remove.detail).toMatch(
      /^blocked in 2 of 3 member accounts \(OU ou-root-prod0001 \(ou-root-prod0001\): 111111111111, 121212121212\): SCP aws-guardrails-root \(p-ct000001\) statement "GRRESTRICTROOTUSER", attached to OU ou-root-prod0001 \(ou-root-prod0001\), denies iam:GetLoginProfile, /,
    );
    expect(remove.fix).toContain('add "Null": { "aws:AssumedRoot": "true" }');
    expect(remove.fix).toContain("ExemptAssumeRoot");
  });

  it("names a resource control policy as an RCP, never as an SCP", () => {
    // GIVEN an RCP on Dev that denies sqs:SetQueueAttributes to every principal
    const scenario = {
      ...setup([{ id: "p-FullAWSAccess", name: "FullAWSAccess", document: FULL, targets: everywhere }], ["RootSessions"]),
      rcps: [
        {
          id: "p-rcp00001",
          name: "no-queue-policies",
          document: {
            Version: "2012-10-17",
            Statement: [
              { Sid: "NoQueuePolicies", Effect: "Deny", Principal: "*", Action: "sqs:SetQueueAttributes", Resource: "*" },
            ],
          },
          targets: ["ou-root-dev00001"],
        },
      ],
    };
    // WHEN the doctor reports
    const unlock = checksOf(scenario).find((check) => check.task === "SQSUnlockQueuePolicy")!;
    // THEN the cause is the RCP, by that name
    expect(unlock.detail).toContain('RCP no-queue-policies (p-rcp00001) statement "NoQueuePolicies"');
    expect(unlock.detail).not.toMatch(/SCP no-queue-policies/);
  });

  it("names the level that has no Allow, and says the task is limited by region when it is", () => {
    // GIVEN an allow list at the root without sqs, and a region deny
    const checks = checksOf(
      setup(
        [
          { id: "p-FullAWSAccess", name: "FullAWSAccess", document: FULL, targets: everywhere.slice(1) },
          {
            id: "p-allow001",
            name: "allow-list",
            document: { Version: "2012-10-17", Statement: [{ Effect: "Allow", Action: ["iam:*", "s3:*"], Resource: "*" }] },
            targets: ["r-root"],
          },
          {
            id: "p-region01",
            name: "regions",
            document: {
              Version: "2012-10-17",
              Statement: [
                {
                  Sid: "Regions",
                  Effect: "Deny",
                  Action: "s3:*",
                  Resource: "*",
                  Condition: { StringNotEquals: { "aws:RequestedRegion": "eu-west-1" } },
                },
              ],
            },
            targets: ["r-root"],
          },
        ],
        ["RootSessions"],
      ),
    );
    const sqs = checks.find((check) => check.task === "SQSUnlockQueuePolicy")!;
    expect(sqs.status).toBe("problem");
    expect(sqs.detail).toContain("no SCP attached to the root r-root allows sqs:GetQueueAttributes, sqs:SetQueueAttributes");
    const s3 = checks.find((check) => check.task === "S3UnlockBucketPolicy")!;
    expect(s3.status).toBe("limited");
    expect(s3.detail).toContain("works in the other regions");
    expect(s3.detail).toMatch(/It is blocked in af-south-1, .*ap-southeast-6, .*us-east-1, .*and works in the other regions/);
    expect(s3.detail).not.toContain("eu-west-1,");
  });
});

describe("sessions opened by IAM's delegated administrator", () => {
  it("are blocked when an SCP on the administrator's own path denies sts:AssumeRoot, naming that SCP and the fix", () => {
    // GIVEN the delegated administrator 222222222222 in Dev, where an SCP denies sts:AssumeRoot
    const scenario = setup([
      { id: "p-FullAWSAccess", name: "FullAWSAccess", document: FULL, targets: everywhere },
      {
        id: "p-nosts001",
        name: "no-assume-root",
        document: {
          Version: "2012-10-17",
          Statement: [{ Sid: "NoRoot", Effect: "Deny", Action: "sts:AssumeRoot", Resource: "*" }],
        },
        targets: ["ou-root-dev00001"],
      },
    ]);
    const organization = organizationOf(scenario);
    const tasks = tasksOf(scenario.features);
    const caller = { accountId: "222222222222", arn: "arn:aws:sts::222222222222:assumed-role/Admin/s", region: "us-east-1" };
    // WHEN the doctor evaluates with that caller
    const access = evaluateRootSessionAccess(organization, { partition: "aws", tasks, caller });
    // THEN every task is blocked in every member account, by that SCP, and the fix says what to do
    expect(new Set(access.map((result) => result.outcome))).toEqual(new Set(["blocked"]));
    const [check] = rootTaskChecks(organization, tasks, access);
    expect(check.detail).toContain('SCP no-assume-root (p-nosts001) statement "NoRoot", attached to OU ou-root-dev00001');
    expect(check.detail).toContain("denies the caller's own sts:AssumeRoot (IAM's delegated administrator's principal)");
    expect(check.fix).toContain("open the sessions from the management account");
    // AND from the management account the same organization works
    const fromManagement = evaluateRootSessionAccess(organization, {
      partition: "aws",
      tasks,
      caller: { ...caller, accountId: "999999999999" },
    });
    expect(new Set(fromManagement.map((result) => result.outcome))).toEqual(new Set(["works"]));
  });
});

describe("the delegated administrator's caller through a role, whose path its session ARN does not show", () => {
  // GIVEN the delegated administrator 222222222222 in Dev, calling as the role Pipeline (any path), and an SCP on
  // Dev that denies sts:AssumeRoot to the principals its ArnLike names
  const callerFrom = (pattern: string) => {
    const scenario = setup([
      { id: "p-FullAWSAccess", name: "FullAWSAccess", document: FULL, targets: everywhere },
      {
        id: "p-callers01",
        name: "callers",
        document: {
          Version: "2012-10-17",
          Statement: [
            {
              Sid: "Callers",
              Effect: "Deny",
              Action: "sts:AssumeRoot",
              Resource: "*",
              Condition: { ArnLike: { "aws:PrincipalArn": pattern } },
            },
          ],
        },
        targets: ["ou-root-dev00001"],
      },
    ]);
    const organization = organizationOf(scenario);
    const caller = { accountId: "222222222222", arn: "arn:aws:sts::222222222222:assumed-role/Pipeline/s", region: "us-east-1" };
    const access = evaluateRootSessionAccess(organization, { partition: "aws", tasks: ["IAMAuditRootUserCredentials"], caller });
    return { organization, access };
  };

  it.each([
    ["arn:aws:iam::*:root", "works", "a root user's ARN is never a role's"],
    ["arn:aws:iam::*:role/*", "blocked", "every role matches, whatever its path"],
    ["arn:aws:iam::*:role/Deployer", "works", "a role named otherwise, at any path, is not the caller"],
    ["arn:aws:iam::*:role/Pipeline", "cannot tell", "only the role at path / matches: the caller's path decides"],
    ["arn:aws:iam::*:role/admin/*", "cannot tell", "the caller under /admin/ matches, elsewhere not"],
  ])("with ArnLike %s, is %s: %s", (pattern, outcome) => {
    // WHEN the doctor evaluates the caller's sts:AssumeRoot THEN every account gets the outcome
    const { organization, access } = callerFrom(pattern);
    expect(new Set(access.map((result) => result.outcome))).toEqual(new Set([outcome]));
    if (outcome !== "cannot tell") return;
    // AND the two examples are role ARNs of the caller's shape, one matching and one not, and the report talks
    // about the caller's own sts:AssumeRoot
    const { works, blocked } = access[0].examples!;
    expect(works.world["aws:principalarn"]![0]).toMatch(/^arn:aws:iam::222222222222:role\/(.*\/)?Pipeline$/);
    expect(blocked.world["aws:principalarn"]![0]).toMatch(/^arn:aws:iam::222222222222:role\/(.*\/)?Pipeline$/);
    expect(works.world["aws:principalarn"]).not.toEqual(blocked.world["aws:principalarn"]);
    const [check] = rootTaskChecks(organization, ["IAMAuditRootUserCredentials"], access);
    expect(check.detail).toContain(
      "cannot be evaluated for the caller's own sts:AssumeRoot (IAM's delegated administrator's principal)",
    );
    expect(check.detail).toContain("it depends on aws:PrincipalArn (the role's path is not in the caller's session ARN)");
    expect(check.detail).not.toMatch(/root session's request/);
  });
});

describe("an account whose path was not read whole", () => {
  it("is cannot tell, naming the missing level, never works", () => {
    // GIVEN an account whose OU is missing from what was read (a listing that failed partway)
    const scenario = setup([{ id: "p-FullAWSAccess", name: "FullAWSAccess", document: FULL, targets: everywhere }]);
    const organization = organizationOf({
      ...scenario,
      accounts: [...scenario.accounts, { id: "333333333333", parent: "ou-root-gone0001", status: "ACTIVE" }],
    });
    const access = evaluateRootSessionAccess(organization, { partition: "aws", tasks: ["IAMAuditRootUserCredentials"] });
    // THEN it cannot be told, and the cause names the missing parent
    const orphan = access.find((result) => result.account.id === "333333333333")!;
    expect(orphan.outcome).toBe("cannot tell");
    expect(orphan.causes[0].construct).toBe("its path: the parent ou-root-gone0001 of 333333333333 was not read");
  });
});

describe("reading policy documents", () => {
  it.each([
    ["malformed JSON", '{"Statement": [', "the policy is not valid JSON"],
    [
      "an Action that is not a string",
      JSON.stringify({ Statement: [{ Effect: "Deny", Action: 42, Resource: "*" }] }),
      "its Action is not a string or a list of strings",
    ],
    [
      "a statement without Resource",
      JSON.stringify({ Statement: [{ Effect: "Deny", Action: "*" }] }),
      "it has neither Resource and NotResource",
    ],
  ])("fails to read %s and says why, so the doctor reports cannot tell", (_, content, why) => {
    expect(parsePolicy(content)).toEqual([expect.objectContaining({ unreadable: why })]);
  });
});
