import { readPlan } from "../../../../scripts/plan-gate/plan";
import { futureOrganization, plannedId } from "../../../../scripts/doctor/what-if/future-organization";
import { organizationChanges, touchesOrganization } from "../../../../scripts/doctor/what-if/organization-changes";
import { whatIfRequest } from "../../../../scripts/doctor/what-if/what-if-command";
import { blocksTheChange, whatIf } from "../../../../scripts/doctor/what-if/what-if";
import type { OrganizationScps } from "../../../../scripts/doctor/organization-scps";
import { parsePolicy } from "../../../../scripts/doctor/policy-document";

// The plan's changes as the what-if reads them, and the organization they leave, on hand-made plans whose shape
// is terraform's JSON plan format (1.2); the e2e test reads real plans.

const ALLOW_ALL = JSON.stringify({ Version: "2012-10-17", Statement: [{ Effect: "Allow", Action: "*", Resource: "*" }] });
const DENY_ALL = JSON.stringify({
  Version: "2012-10-17",
  Statement: [{ Sid: "No", Effect: "Deny", Action: "*", Resource: "*" }],
});

function plan(changes: object[], resources: object[] = []) {
  return readPlan(
    JSON.stringify({
      format_version: "1.2",
      planned_values: {},
      configuration: { root_module: { resources } },
      resource_changes: changes.map((change, index) => ({ address: `x.r${index}`, ...change })),
    }),
  );
}
const change = (
  type: string,
  address: string,
  actions: string[],
  before: object | null,
  after: object | null,
  afterUnknown: object = {},
) => ({
  type,
  address,
  change: { actions, before, after, after_unknown: afterUnknown },
});

const LIVE: OrganizationScps = {
  organizationId: "o-a1b2c3d4e5",
  managementAccountId: "111111111111",
  root: { id: "r-ab12", name: "Root" },
  scpsEnabled: true,
  units: new Map([["ou-ab12-11111111", { id: "ou-ab12-11111111", name: "Workloads", parentId: "r-ab12" }]]),
  accounts: [
    { id: "111111111111", name: "management", parentId: "r-ab12", status: "ACTIVE" },
    { id: "222222222222", name: "workload", parentId: "ou-ab12-11111111", status: "ACTIVE" },
  ],
  policies: new Map([["p-FullAWSAccess", { id: "p-FullAWSAccess", name: "FullAWSAccess", statements: parsePolicy(ALLOW_ALL) }]]),
  attachments: new Map([
    ["r-ab12", ["p-FullAWSAccess"]],
    ["ou-ab12-11111111", ["p-FullAWSAccess"]],
    ["222222222222", ["p-FullAWSAccess"]],
  ]),
  rcps: new Map(),
  rcpAttachments: new Map(),
};

describe("what a plan changes in the organization's control policies", () => {
  it("answers at once for a plan that touches no Organizations resource, nor a no-op of one", () => {
    expect(touchesOrganization(plan([change("aws_sns_topic", "aws_sns_topic.t", ["create"], null, { name: "t" })]))).toBe(false);
    const same = { id: "p-1", name: "a", type: "SERVICE_CONTROL_POLICY", content: DENY_ALL };
    expect(
      touchesOrganization(plan([change("aws_organizations_policy", "aws_organizations_policy.p", ["no-op"], same, same)])),
    ).toBe(false);
  });

  it("traces a new policy's id, known only after apply, to the resource that makes it; an id from elsewhere is unknown", () => {
    // GIVEN a new SCP attached twice: once by reference, once to a target computed elsewhere
    const read = plan(
      [
        change(
          "aws_organizations_policy",
          "aws_organizations_policy.deny",
          ["create"],
          null,
          { name: "Deny", type: "SERVICE_CONTROL_POLICY", content: DENY_ALL },
          { id: true },
        ),
        change(
          "aws_organizations_policy_attachment",
          "aws_organizations_policy_attachment.a",
          ["create"],
          null,
          { target_id: "ou-ab12-11111111" },
          { policy_id: true },
        ),
        change(
          "aws_organizations_policy_attachment",
          "aws_organizations_policy_attachment.b",
          ["create"],
          null,
          {},
          { policy_id: true, target_id: true },
        ),
      ],
      [
        {
          address: "aws_organizations_policy_attachment.a",
          expressions: { policy_id: { references: ["aws_organizations_policy.deny.id", "aws_organizations_policy.deny"] } },
        },
        {
          address: "aws_organizations_policy_attachment.b",
          expressions: {
            policy_id: { references: ["aws_organizations_policy.deny.id"] },
            target_id: { references: ["terraform_data.t.output", "terraform_data.t"] },
          },
        },
      ],
    );
    const changes = organizationChanges(read);
    expect(changes.filter((c) => c.kind === "attach")).toEqual([
      {
        kind: "attach",
        address: "aws_organizations_policy_attachment.a",
        policy: { created: "aws_organizations_policy.deny" },
        target: { id: "ou-ab12-11111111" },
      },
      {
        kind: "attach",
        address: "aws_organizations_policy_attachment.b",
        policy: { created: "aws_organizations_policy.deny" },
        target: { unknown: "aws_organizations_policy_attachment.b.target_id" },
      },
    ]);
    // WHEN applied THEN the known attachment is there, and the unknown target is named
    const future = futureOrganization(LIVE, changes);
    expect(future.organization.attachments.get("ou-ab12-11111111")).toEqual([
      "p-FullAWSAccess",
      plannedId("aws_organizations_policy.deny"),
    ]);
    expect(future.unknowns).toEqual(["aws_organizations_policy_attachment.b.target_id is known only after apply"]);
  });

  it("replaces a policy's statements on update, drops a deleted one everywhere, detaches, and moves accounts", () => {
    const deny = { id: "p-deny", name: "Deny", type: "SERVICE_CONTROL_POLICY", content: DENY_ALL };
    const live: OrganizationScps = {
      ...LIVE,
      policies: new Map([...LIVE.policies, ["p-deny", { id: "p-deny", name: "Deny", statements: parsePolicy(DENY_ALL) }]]),
      attachments: new Map([...LIVE.attachments, ["r-ab12", ["p-FullAWSAccess", "p-deny"]]]),
    };
    const changes = organizationChanges(
      plan([
        change("aws_organizations_policy", "aws_organizations_policy.deny", ["update"], deny, { ...deny, content: ALLOW_ALL }),
        change(
          "aws_organizations_policy_attachment",
          "aws_organizations_policy_attachment.d",
          ["delete"],
          { policy_id: "p-FullAWSAccess", target_id: "222222222222" },
          null,
        ),
        change(
          "aws_organizations_account",
          "aws_organizations_account.w",
          ["update"],
          { id: "222222222222", parent_id: "ou-ab12-11111111" },
          { id: "222222222222", parent_id: "r-ab12" },
        ),
      ]),
    );
    const future = futureOrganization(live, changes).organization;
    expect(future.policies.get("p-deny")?.statements).toEqual(parsePolicy(ALLOW_ALL));
    expect(future.attachments.get("222222222222")).toEqual([]);
    expect(future.accounts.find((account) => account.id === "222222222222")?.parentId).toBe("r-ab12");
    const deleted = futureOrganization(
      live,
      organizationChanges(plan([change("aws_organizations_policy", "aws_organizations_policy.deny", ["delete"], deny, null)])),
    );
    expect([...deleted.organization.attachments.values()].flat()).not.toContain("p-deny");
  });

  it("enabling SCPs attaches FullAWSAccess everywhere; a content known only after apply cannot be evaluated", () => {
    const off: OrganizationScps = { ...LIVE, scpsEnabled: false, policies: new Map(), attachments: new Map() };
    const enabled = futureOrganization(
      off,
      organizationChanges(
        plan([
          change(
            "aws_organizations_organization",
            "aws_organizations_organization.o",
            ["update"],
            { enabled_policy_types: [] },
            { enabled_policy_types: ["SERVICE_CONTROL_POLICY"] },
          ),
        ]),
      ),
    ).organization;
    expect(enabled.scpsEnabled).toBe(true);
    expect(["r-ab12", "ou-ab12-11111111", "222222222222"].map((node) => enabled.attachments.get(node))).toEqual([
      ["p-FullAWSAccess"],
      ["p-FullAWSAccess"],
      ["p-FullAWSAccess"],
    ]);
    const later = futureOrganization(
      LIVE,
      organizationChanges(
        plan([
          change(
            "aws_organizations_policy",
            "aws_organizations_policy.p",
            ["create"],
            null,
            { name: "P", type: "SERVICE_CONTROL_POLICY" },
            { id: true, content: true },
          ),
        ]),
      ),
    );
    expect(later.unknowns).toEqual(["aws_organizations_policy.p.content is known only after apply"]);
    expect(later.organization.policies.get(plannedId("aws_organizations_policy.p"))?.statements[0]).toMatchObject({
      unreadable: expect.stringContaining("known only after apply"),
    });
  });
});

describe("the what-if's command line", () => {
  it.each([
    [{ plan: "p.json", policy: "s.json", attach: ["root"] }, "give --plan or --policy, not both"],
    [{ attach: ["root"] }, "--attach needs --policy <file>"],
    [{ policy: "s.json" }, "--policy needs at least one --attach <target>"],
    [{ policy: "s.json", attach: ["ou-typo"] }, '--attach "ou-typo" is not "root", an OU id (ou-...) or a 12-digit account id'],
    [{ plan: "p.json", "before-apply": true }, "--before-apply is for the stack's own checks"],
  ])("refuses %j, saying why", (values, message) => {
    expect(() => whatIfRequest(values)).toThrow(message);
  });

  it("takes a plan, or a policy with its targets", () => {
    expect(whatIfRequest({ plan: "p.json" })).toEqual({ kind: "plan", file: "p.json" });
    expect(whatIfRequest({ policy: "s.json", attach: ["root", "ou-ab12-11111111", "222222222222"] })).toEqual({
      kind: "policy",
      file: "s.json",
      targets: ["root", "ou-ab12-11111111", "222222222222"],
    });
    expect(whatIfRequest({})).toBeUndefined();
  });
});

describe("the plan's prior state and the live organization", () => {
  it("evaluates the live policy as the 'before', and says when the plan's prior state differs or detaches what is not attached", () => {
    // GIVEN a plan whose prior state of p-deny (Allow) is not what the organization has (Deny)
    const live: OrganizationScps = {
      ...LIVE,
      policies: new Map([...LIVE.policies, ["p-deny", { id: "p-deny", name: "Deny", statements: parsePolicy(DENY_ALL) }]]),
    };
    const prior = { id: "p-deny", name: "Deny", type: "SERVICE_CONTROL_POLICY", content: ALLOW_ALL };
    const future = futureOrganization(
      live,
      organizationChanges(
        plan([
          change("aws_organizations_policy", "aws_organizations_policy.deny", ["update"], prior, { ...prior, name: "Deny2" }),
          change(
            "aws_organizations_policy_attachment",
            "aws_organizations_policy_attachment.gone",
            ["delete"],
            { policy_id: "p-deny", target_id: "r-ab12" },
            null,
          ),
        ]),
      ),
    );
    // THEN both are named
    expect(future.notes).toEqual([
      `the plan's prior state of p-deny (aws_organizations_policy.deny) is not what the organization has now: the live policy is what the plan changes, and was evaluated as the "before"`,
      "aws_organizations_policy_attachment.gone detaches p-deny from r-ab12, which the organization does not have attached now (the plan's state is out of date)",
    ]);
  });
});

describe("what the what-if must never call harmless (found by review)", () => {
  const TASKS = ["IAMAuditRootUserCredentials", "S3UnlockBucketPolicy"] as const;
  const answer = (changes: object[], live: OrganizationScps = LIVE, resources: object[] = []) =>
    whatIf(live, organizationChanges(plan(changes, resources)), { partition: "aws", tasks: TASKS });
  const newScp = (content: string) =>
    change(
      "aws_organizations_policy",
      "aws_organizations_policy.p",
      ["create"],
      null,
      { name: "P", type: "SERVICE_CONTROL_POLICY", content },
      { id: true },
    );
  const attachTo = (target: string) =>
    change(
      "aws_organizations_policy_attachment",
      "aws_organizations_policy_attachment.a",
      ["create"],
      null,
      { target_id: target },
      { policy_id: true },
    );
  const attachRefs = [
    {
      address: "aws_organizations_policy_attachment.a",
      expressions: { policy_id: { references: ["aws_organizations_policy.p.id"] } },
    },
  ];

  it("a task that works everywhere now and would work only in some regions breaks", () => {
    // GIVEN an SCP denying S3 outside us-east-1, attached to the member's OU
    const regionDeny = JSON.stringify({
      Version: "2012-10-17",
      Statement: [
        { Effect: "Deny", Action: "s3:*", Resource: "*", Condition: { StringNotEquals: { "aws:RequestedRegion": "us-east-1" } } },
      ],
    });
    const result = answer([newScp(regionDeny), attachTo("ou-ab12-11111111")], LIVE, attachRefs);
    // THEN the unlock task is reported as broken (limited), not as unchanged
    expect(result.wouldBreak.map((check) => [check.check, check.status])).toEqual([
      ["root task S3UnlockBucketPolicy", "limited"],
    ]);
    expect(blocksTheChange(result)).toBe(true);
  });

  it("an attachment of a policy it has not read, or to a target that is not in the organization, cannot be told", () => {
    const unread = answer([
      change("aws_organizations_policy_attachment", "aws_organizations_policy_attachment.a", ["create"], null, {
        policy_id: "p-unread",
        target_id: "r-ab12",
      }),
    ]);
    expect(unread.unknowns).toEqual([expect.stringContaining("attaches p-unread, which is none of the SCPs or RCPs")]);
    const typo = answer([newScp(DENY_ALL), attachTo("ou-ab12-99999999")], LIVE, attachRefs);
    expect(typo.unknowns).toEqual([
      "aws_organizations_policy_attachment.a attaches to ou-ab12-99999999, which is not the root, an OU or an account of the organization",
    ]);
    expect(blocksTheChange(typo)).toBe(true);
  });

  it("an account the plan creates is evaluated where the plan puts it", () => {
    // GIVEN a new OU with a deny-all SCP, and a new account created in it
    const result = answer(
      [
        change(
          "aws_organizations_organizational_unit",
          "aws_organizations_organizational_unit.new",
          ["create"],
          null,
          { name: "New", parent_id: "r-ab12" },
          { id: true },
        ),
        newScp(DENY_ALL),
        change(
          "aws_organizations_policy_attachment",
          "aws_organizations_policy_attachment.a",
          ["create"],
          null,
          {},
          { policy_id: true, target_id: true },
        ),
        change(
          "aws_organizations_account",
          "aws_organizations_account.new",
          ["create"],
          null,
          { name: "new" },
          { id: true, parent_id: true },
        ),
      ],
      LIVE,
      [
        {
          address: "aws_organizations_policy_attachment.a",
          expressions: {
            policy_id: { references: ["aws_organizations_policy.p.id"] },
            target_id: { references: ["aws_organizations_organizational_unit.new.id"] },
          },
        },
        {
          address: "aws_organizations_account.new",
          expressions: { parent_id: { references: ["aws_organizations_organizational_unit.new.id"] } },
        },
      ],
    );
    // THEN the new account's tasks would be blocked: a break
    expect(result.wouldBreak.map((check) => check.accounts)).toEqual([
      [plannedId("aws_organizations_account.new")],
      [plannedId("aws_organizations_account.new")],
    ]);
  });

  it("changes it does not model, and changes that stop root access whatever the policies, cannot be told", () => {
    const result = answer([
      change("aws_controltower_control", "aws_controltower_control.root", ["create"], null, { control_identifier: "x" }),
      change(
        "aws_organizations_organization",
        "aws_organizations_organization.o",
        ["update"],
        {
          aws_service_access_principals: ["iam.amazonaws.com"],
          enabled_policy_types: ["SERVICE_CONTROL_POLICY"],
          feature_set: "ALL",
        },
        { aws_service_access_principals: [], enabled_policy_types: ["SERVICE_CONTROL_POLICY"], feature_set: "ALL" },
      ),
      change(
        "aws_organizations_delegated_administrator",
        "aws_organizations_delegated_administrator.iam",
        ["delete"],
        { account_id: "222222222222", service_principal: "iam.amazonaws.com" },
        null,
      ),
    ]);
    expect(result.unknowns).toEqual([
      "aws_controltower_control.root changes aws_controltower_control, which the what-if does not evaluate: not evaluated",
      "aws_organizations_organization.o disables IAM's trusted access: central root access stops: not evaluated",
      "aws_organizations_delegated_administrator.iam deregisters IAM's delegated administrator 222222222222: not evaluated",
    ]);
    expect(
      touchesOrganization(
        plan([change("aws_controltower_control", "aws_controltower_control.root", ["delete"], { x: 1 }, null)]),
      ),
    ).toBe(true);
  });

  it("a policy or attachment deleted with skip_destroy stays in AWS; blocked becoming undecidable is no fix", () => {
    const live: OrganizationScps = {
      ...LIVE,
      policies: new Map([...LIVE.policies, ["p-deny", { id: "p-deny", name: "Deny", statements: parsePolicy(DENY_ALL) }]]),
      attachments: new Map([...LIVE.attachments, ["ou-ab12-11111111", ["p-FullAWSAccess", "p-deny"]]]),
    };
    const kept = answer(
      [
        change(
          "aws_organizations_policy_attachment",
          "aws_organizations_policy_attachment.d",
          ["delete"],
          { policy_id: "p-deny", target_id: "ou-ab12-11111111", skip_destroy: true },
          null,
        ),
      ],
      live,
    );
    expect(kept.wouldFix).toEqual([]);
    const unreadable = answer(
      [
        change(
          "aws_organizations_policy",
          "aws_organizations_policy.deny",
          ["update"],
          { id: "p-deny", name: "Deny", type: "SERVICE_CONTROL_POLICY", content: DENY_ALL },
          { id: "p-deny", name: "Deny", type: "SERVICE_CONTROL_POLICY", content: "not json" },
        ),
      ],
      live,
    );
    expect(unreadable.wouldFix).toEqual([]);
  });
});
