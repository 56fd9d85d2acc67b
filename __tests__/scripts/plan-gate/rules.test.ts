import { PlanUnreadable, readPlan } from "../../../scripts/plan-gate/plan";
import {
  RULES,
  delegatedAdministratorsKept,
  organizationCreatable,
  organizationKept,
  policyTypesKept,
  rootActivityAlertsKept,
  rootSessionsKept,
  rootUserGuardrailKept,
  trustedServicesKept,
} from "../../../scripts/plan-gate/rules";

type Change = {
  address?: string;
  type: string;
  mode?: string;
  actions: string[];
  before?: unknown;
  after?: unknown;
  after_unknown?: unknown;
};

/** A `terraform show -json` plan with these resource changes. */
function plan(...changes: Change[]) {
  return readPlan(
    JSON.stringify({
      format_version: "1.2",
      planned_values: {},
      configuration: {},
      resource_changes: changes.map(({ address, type, mode, actions, before = null, after = null, after_unknown = {} }) => ({
        address: address ?? `${type}.x`,
        mode: mode ?? "managed",
        type,
        change: { actions, before, after, after_unknown },
      })),
    }),
  );
}

const ORG = "aws_organizations_organization";
const organization = (principals: string[], policyTypes: string[]) => ({
  aws_service_access_principals: principals,
  enabled_policy_types: policyTypes,
});
const orgUpdate = (before: object, after: object, after_unknown = {}) =>
  plan({ type: ORG, address: "aws_organizations_organization.organization", actions: ["update"], before, after, after_unknown });

describe("organization-kept", () => {
  it("passes an update, a create and a no-op", () => {
    expect(
      organizationKept.evaluate(
        orgUpdate(organization(["sso.amazonaws.com"], []), organization(["iam.amazonaws.com", "sso.amazonaws.com"], [])),
      ).status,
    ).toBe("compliant");
    expect(organizationKept.evaluate(plan({ type: ORG, actions: ["create"], after: {} })).status).toBe("compliant");
    expect(organizationKept.evaluate(plan({ type: ORG, actions: ["no-op"], before: {}, after: {} })).status).toBe(
      "not-applicable",
    );
  });

  it("fails a delete and a replacement, naming the resource", () => {
    expect(
      organizationKept.evaluate(
        plan({ type: ORG, address: "aws_organizations_organization.organization", actions: ["delete"], before: {} }),
      ),
    ).toEqual({
      rule: "organization-kept",
      status: "non-compliant",
      findings: ["aws_organizations_organization.organization would be deleted"],
    });
    expect(
      organizationKept.evaluate(
        plan({ type: ORG, address: "aws_organizations_organization.o", actions: ["delete", "create"], before: {}, after: {} }),
      ),
    ).toMatchObject({
      findings: ["aws_organizations_organization.o would be replaced (deleted, then created anew)"],
    });
  });

  it("does not apply to plans without an organization", () => {
    expect(organizationKept.evaluate(plan({ type: "terraform_data", actions: ["delete"], before: {} })).status).toBe(
      "not-applicable",
    );
  });
});

describe("organization-creatable", () => {
  const creates = plan({ type: ORG, address: "aws_organizations_organization.organization", actions: ["create"], after: {} });

  it("passes a plan that creates an organization in an account that belongs to none", () => {
    expect(organizationCreatable.evaluate(creates, { organization: { state: "none" } }).status).toBe("compliant");
  });

  it("fails when the account already belongs to an organization, naming it and both ways out", () => {
    // GIVEN a plan that creates an organization, and an account that is already the management account of one
    const live = { state: "member" as const, id: "o-a1b2c3d4e5", managementAccountId: "111122223333" };
    // WHEN the rule runs THEN it refuses, saying why the apply would fail and how to restore state or adopt
    expect(organizationCreatable.evaluate(creates, { organization: live })).toEqual({
      rule: "organization-creatable",
      status: "non-compliant",
      findings: [
        "aws_organizations_organization.organization would create an organization, but these credentials' account already " +
          "belongs to organization o-a1b2c3d4e5 (management account 111122223333); the apply would fail with " +
          "AlreadyInOrganizationException. If this stack created it (an apply that failed after creating it, or state " +
          "that was lost), restore the stack's state: from a backup, or with \"terraform import " +
          'aws_organizations_organization.organization o-a1b2c3d4e5" in the stack folder. If it existed before, use it as ' +
          'it is: set organization.mode to "adopt" and organization.id to "o-a1b2c3d4e5".',
      ],
    });
  });

  it("fails closed when the live organization could not be read, or was not", () => {
    const unknown = { state: "unknown" as const, reason: "CredentialsProviderError: Could not load credentials" };
    expect(organizationCreatable.evaluate(creates, { organization: unknown })).toMatchObject({
      status: "non-compliant",
      findings: [
        expect.stringContaining(
          "cannot tell whether these credentials' account already belongs to one (CredentialsProviderError",
        ),
      ],
    });
    expect(organizationCreatable.evaluate(creates)).toMatchObject({
      status: "non-compliant",
      findings: [expect.stringContaining("(it was not read)")],
    });
  });

  it("does not apply to plans that only update, replace or keep an organization", () => {
    for (const actions of [["update"], ["delete", "create"], ["no-op"]]) {
      expect(organizationCreatable.evaluate(plan({ type: ORG, actions, before: {}, after: {} })).status).toBe("not-applicable");
    }
  });
});

describe("trusted-services-kept", () => {
  it("passes when every principal stays, new ones may be added", () => {
    const result = trustedServicesKept.evaluate(
      orgUpdate(organization(["sso.amazonaws.com"], []), organization(["iam.amazonaws.com", "sso.amazonaws.com"], [])),
    );
    expect(result.status).toBe("compliant");
  });

  it("fails listing each principal whose trusted access would be disabled", () => {
    const result = trustedServicesKept.evaluate(
      orgUpdate(
        organization(["config.amazonaws.com", "iam.amazonaws.com", "sso.amazonaws.com"], []),
        organization(["iam.amazonaws.com"], []),
      ),
    );
    expect(result).toEqual({
      rule: "trusted-services-kept",
      status: "non-compliant",
      findings: [
        "aws_organizations_organization.organization would disable trusted access for config.amazonaws.com",
        "aws_organizations_organization.organization would disable trusted access for sso.amazonaws.com",
      ],
    });
  });

  it("fails closed when the principals are only known after apply", () => {
    const result = trustedServicesKept.evaluate(
      orgUpdate(
        organization(["sso.amazonaws.com"], []),
        { ...organization([], []), aws_service_access_principals: null },
        { aws_service_access_principals: true },
      ),
    );
    expect(result).toMatchObject({
      status: "non-compliant",
      findings: [expect.stringContaining("cannot tell which of aws_service_access_principals remain")],
    });
  });

  it("treats an organization that sets no principals at all as removing every one", () => {
    const result = trustedServicesKept.evaluate(orgUpdate(organization(["sso.amazonaws.com"], []), {}));
    expect(result).toMatchObject({ status: "non-compliant", findings: [expect.stringContaining("sso.amazonaws.com")] });
  });
});

describe("policy-types-kept", () => {
  it("passes when the policy types stay", () => {
    const types = ["SERVICE_CONTROL_POLICY", "TAG_POLICY"];
    expect(policyTypesKept.evaluate(orgUpdate(organization([], types), organization(["iam.amazonaws.com"], types))).status).toBe(
      "compliant",
    );
  });

  it("fails when SCPs would be disabled (which detaches every SCP)", () => {
    const result = policyTypesKept.evaluate(
      orgUpdate(organization([], ["SERVICE_CONTROL_POLICY", "TAG_POLICY"]), organization([], ["TAG_POLICY"])),
    );
    expect(result).toMatchObject({
      status: "non-compliant",
      findings: ["aws_organizations_organization.organization would disable the policy type SERVICE_CONTROL_POLICY"],
    });
  });
});

describe("delegated-administrators-kept", () => {
  const admin = { account_id: "111122223333", service_principal: "iam.amazonaws.com" };
  const type = "aws_organizations_delegated_administrator";

  it("passes a registration", () => {
    expect(delegatedAdministratorsKept.evaluate(plan({ type, actions: ["create"], after: admin })).status).toBe("compliant");
  });

  it("fails a deregistration and a replacement, naming account and service", () => {
    expect(
      delegatedAdministratorsKept.evaluate(plan({ type, address: `${type}.iam`, actions: ["delete"], before: admin })),
    ).toMatchObject({
      findings: [`${type}.iam would deregister account 111122223333 as delegated administrator for iam.amazonaws.com`],
    });
    expect(
      delegatedAdministratorsKept.evaluate(
        plan({ type, address: `${type}.iam`, actions: ["create", "delete"], before: admin, after: admin }),
      ),
    ).toMatchObject({
      findings: [expect.stringContaining("(and register again: replaced)")],
    });
  });
});

describe("root-user-guardrail-kept", () => {
  const POLICY = "aws_organizations_policy";
  const ATTACHMENT = "aws_organizations_policy_attachment";
  const guardrail = { name: "org-root-access-deny-root-user" };
  const attachedTo = (target_id: string) => ({ policy_id: "p-guard", target_id });

  it("passes creating, updating and attaching the guardrail", () => {
    const result = rootUserGuardrailKept.evaluate(
      plan(
        { type: POLICY, address: `${POLICY}.root-user-guardrail`, actions: ["update"], before: guardrail, after: guardrail },
        { type: ATTACHMENT, address: `${ATTACHMENT}.root-user-guardrail["root"]`, actions: ["create"], after: {} },
      ),
    );
    expect(result.status).toBe("compliant");
  });

  it("fails deleting the guardrail and detaching it from a target, naming the target", () => {
    // GIVEN a plan that drops the guardrail from an OU and deletes it
    const result = rootUserGuardrailKept.evaluate(
      plan(
        { type: POLICY, address: `${POLICY}.root-user-guardrail`, actions: ["delete"], before: guardrail },
        {
          type: ATTACHMENT,
          address: `${ATTACHMENT}.root-user-guardrail["ou-ab12-cd34ef56"]`,
          actions: ["delete"],
          before: attachedTo("ou-ab12-cd34ef56"),
        },
      ),
    );
    // THEN both are findings
    expect(result).toEqual({
      rule: "root-user-guardrail-kept",
      status: "non-compliant",
      findings: [
        `${POLICY}.root-user-guardrail would delete the SCP org-root-access-deny-root-user`,
        `${ATTACHMENT}.root-user-guardrail["ou-ab12-cd34ef56"] would detach org-root-access-deny-root-user from ` +
          "ou-ab12-cd34ef56: member accounts there would lose the guardrail on their root users",
      ],
    });
  });

  it("fails a replacement, and leaves other policies and attachments to their owners", () => {
    expect(
      rootUserGuardrailKept.evaluate(
        plan({
          type: POLICY,
          address: `${POLICY}.root-user-guardrail`,
          actions: ["create", "delete"],
          before: guardrail,
          after: guardrail,
        }),
      ),
    ).toMatchObject({ findings: [expect.stringContaining("(and made anew: replaced)")] });
    expect(
      rootUserGuardrailKept.evaluate(
        plan(
          { type: POLICY, address: `${POLICY}.other`, actions: ["delete"], before: { name: "team-scp" } },
          { type: ATTACHMENT, address: `${ATTACHMENT}.other`, actions: ["delete"], before: attachedTo("r-ab12") },
        ),
      ).status,
    ).toBe("not-applicable");
  });

  it("is one of the gate's rules", () => {
    expect(RULES).toContain(rootUserGuardrailKept);
  });
});

describe("reading the plan", () => {
  const SAVED = { format_version: "1.2", planned_values: { root_module: {} }, configuration: { root_module: {} } };
  const withChange = (change: Record<string, unknown>) => JSON.stringify({ ...SAVED, resource_changes: [change] });
  const orgChange = (change: Record<string, unknown>) =>
    withChange({ address: "aws_organizations_organization.organization", type: ORG, mode: "managed", change });

  it.each([
    ["not JSON", "terraform plan output", "it is not JSON"],
    ["a JSON list", "[]", "it is not a JSON object"],
    ["the plan file's text, not show -json", JSON.stringify({ resource_changes: [] }), 'it has no "format_version"'],
    ["a document with only a format_version", JSON.stringify({ format_version: "1.2" }), 'it has no "planned_values"'],
    [
      "state: terraform show -json without a plan file",
      JSON.stringify({ format_version: "1.0", terraform_version: "1.11.4", values: { root_module: {} } }),
      'it is state, not a plan ("terraform show -json" without a plan file)',
    ],
    [
      "a plan without its configuration",
      JSON.stringify({ format_version: "1.2", planned_values: {} }),
      'it has no "configuration"',
    ],
    ["another format version", JSON.stringify({ ...SAVED, format_version: "2.0" }), "its format_version 2.0 is not 1.x"],
    ["an errored plan", JSON.stringify({ ...SAVED, errored: true }), "terraform marked the plan as errored"],
    [
      "resource_changes that are not a list",
      JSON.stringify({ ...SAVED, resource_changes: {} }),
      '"resource_changes" is not a list',
    ],
    [
      "a change that is not an object",
      JSON.stringify({ ...SAVED, resource_changes: [7] }),
      "resource_changes[0] is not an object",
    ],
    ["a change without an address", withChange({ type: "a", change: { actions: ["create"] } }), "lacks an address or a type"],
    ["a change without a change", withChange({ address: "a.b", type: "a" }), "resource_changes[0] (a.b) has no change"],
    ["a change without actions", orgChange({}), "has change.actions ?, not a list of terraform's actions"],
    ["actions that are not a list", orgChange({ actions: "delete" }), "has change.actions delete, not a list"],
    ["an empty list of actions", orgChange({ actions: [] }), "has change.actions [], not a list"],
    ["an unknown action", orgChange({ actions: ["destroy"] }), 'has change.actions ["destroy"], not a list'],
    ["actions that are not strings", orgChange({ actions: [1] }), "has change.actions [1], not a list"],
    [
      "an unknown mode",
      withChange({ address: "a.b", type: "a", mode: "ghost", change: { actions: ["create"] } }),
      "has mode ghost",
    ],
    [
      "before that is not an object",
      orgChange({ actions: ["update"], before: "x", after: {} }),
      "change.before is neither an object nor null",
    ],
    [
      "trusted services of the wrong type",
      orgChange({ actions: ["update"], before: { aws_service_access_principals: "sso.amazonaws.com" }, after: {} }),
      "change.before.aws_service_access_principals is not a list of strings",
    ],
    [
      "policy types that are not all strings",
      orgChange({ actions: ["update"], before: {}, after: { enabled_policy_types: ["TAG_POLICY", 3] } }),
      "change.after.enabled_policy_types is not a list of strings",
    ],
    [
      "after_unknown that is not an object",
      orgChange({ actions: ["update"], before: {}, after: {}, after_unknown: true }),
      "change.after_unknown is not an object",
    ],
  ])("fails closed on %s, saying what is wrong", (_what, text, message) => {
    expect(() => readPlan(text)).toThrow(PlanUnreadable);
    expect(() => readPlan(text)).toThrow(message);
  });

  it("reads a plan with no changes as having none, and ignores data sources", () => {
    expect(readPlan(JSON.stringify({ format_version: "1.2", planned_values: {}, configuration: {} })).resourceChanges).toEqual(
      [],
    );
    const withData = plan({ type: ORG, mode: "data", actions: ["read"], after: {} });
    expect(withData.resourceChanges).toEqual([]);
    expect(RULES.map((rule) => rule.evaluate(withData).status)).toEqual(RULES.map(() => "not-applicable"));
    expect(RULES).toHaveLength(8);
  });

  it("reads the stack's name from the environment its provisioners hand the script, for the summary's heading", () => {
    const provisioned = (name: unknown) =>
      readPlan(
        JSON.stringify({
          format_version: "1.2",
          planned_values: {},
          configuration: {
            root_module: {
              resources: [
                { address: "aws_organizations_organization.organization" },
                {
                  address: "terraform_data.organization-deletion-check",
                  provisioners: [
                    { type: "local-exec", expressions: { environment: { constant_value: { ROOT_ACCESS_STACK: name } } } },
                  ],
                },
              ],
            },
          },
        }),
      ).stackName;
    expect(provisioned("prod-eu")).toBe("prod-eu");
    // a value that is not a stack name (it would go into Markdown) is not used
    expect(provisioned("# injected\n- line")).toBeUndefined();
    expect(provisioned(undefined)).toBeUndefined();
  });

  it("reads the AWS provider's region and role, for reading the live organization as terraform would", () => {
    const configuration = {
      provider_config: {
        aws: {
          name: "aws",
          expressions: {
            region: { constant_value: "eu-west-1" },
            assume_role: [{ role_arn: { constant_value: "arn:aws:iam::111122223333:role/Deployer" } }],
          },
        },
      },
    };
    expect(readPlan(JSON.stringify({ format_version: "1.2", planned_values: {}, configuration })).provider).toEqual({
      region: "eu-west-1",
      assumeRoleArn: "arn:aws:iam::111122223333:role/Deployer",
    });
    expect(readPlan(JSON.stringify({ format_version: "1.2", planned_values: {}, configuration: {} })).provider).toEqual({
      region: undefined,
      assumeRoleArn: undefined,
    });
  });
});

describe("root-activity-alerts-kept", () => {
  const RULE = "aws_cloudwatch_event_rule";
  const TARGET = "aws_cloudwatch_event_target";
  const TOPIC = "aws_sns_topic";
  const POLICY = "aws_sns_topic_policy";
  const SUBSCRIPTION = "aws_sns_topic_subscription";
  const ARN = "arn:aws:sns:us-east-1:111122223333:org-root-access-root-sessions";
  const ALL = "ENABLED_WITH_ALL_CLOUDTRAIL_MANAGEMENT_EVENTS";
  const rule = (state: string, extra: object = {}) => ({ name: "org-root-access-root-sessions", state, ...extra });
  const target = (arn: string) => ({ rule: "org-root-access-root-sessions", target_id: "sns", arn });
  const subscription = (endpoint: string) => ({ topic_arn: ARN, protocol: "email", endpoint });

  it("passes creating the alerts (the topic's ARN unknown yet), changing their pattern, and dropping one of two addresses", () => {
    const result = rootActivityAlertsKept.evaluate(
      plan(
        { type: RULE, actions: ["create"], after: rule(ALL) },
        { type: TARGET, actions: ["create"], after: { rule: "org-root-access-root-sessions" }, after_unknown: { arn: true } },
        { type: RULE, address: `${RULE}.y`, actions: ["update"], before: rule(ALL, { event_pattern: "{}" }), after: rule(ALL) },
        { type: SUBSCRIPTION, address: `${SUBSCRIPTION}.a`, actions: ["delete"], before: subscription("a@example.com") },
        {
          type: SUBSCRIPTION,
          address: `${SUBSCRIPTION}.b`,
          actions: ["no-op"],
          before: subscription("b@example.com"),
          after: subscription("b@example.com"),
        },
        { type: RULE, address: `${RULE}.other`, actions: ["delete"], before: { name: "someone-elses", state: "ENABLED" } },
        { type: TOPIC, address: `${TOPIC}.other`, actions: ["delete"], before: { name: "someone-elses" } },
      ),
    );
    expect(result.status).toBe("compliant");
  });

  it("fails deleting the rule, its target, its topic or the topic's policy, and disabling the rule", () => {
    // GIVEN a plan that takes the alerts down in every way
    const result = rootActivityAlertsKept.evaluate(
      plan(
        { type: RULE, address: `${RULE}.root-activity`, actions: ["delete"], before: rule(ALL) },
        { type: TARGET, address: `${TARGET}.root-activity`, actions: ["delete"], before: target(ARN) },
        {
          type: TOPIC,
          address: `${TOPIC}.root-activity`,
          actions: ["delete"],
          before: { name: "org-root-access-root-sessions" },
        },
        { type: POLICY, address: `${POLICY}.root-activity`, actions: ["delete"], before: { arn: ARN } },
        { type: RULE, address: `${RULE}.disabled`, actions: ["update"], before: rule(ALL), after: rule("DISABLED") },
        { type: RULE, address: `${RULE}.off`, actions: ["update"], before: rule(ALL), after: rule(ALL, { is_enabled: false }) },
      ),
    );
    // THEN each is a finding
    expect(result).toEqual({
      rule: "root-activity-alerts-kept",
      status: "non-compliant",
      findings: [
        `${RULE}.root-activity would delete the EventBridge rule org-root-access-root-sessions: root sessions would open without an alert`,
        `${TARGET}.root-activity would delete the target of org-root-access-root-sessions: root sessions would open without an alert`,
        `${TOPIC}.root-activity would delete the SNS topic org-root-access-root-sessions: root sessions would open without an alert`,
        `${POLICY}.root-activity would delete the policy that lets EventBridge publish to org-root-access-root-sessions: root sessions would open without an alert`,
        `${RULE}.disabled would set org-root-access-root-sessions to DISABLED: root sessions would open without an alert`,
        `${RULE}.off would disable org-root-access-root-sessions: root sessions would open without an alert`,
      ],
    });
  });

  it("fails a state that may miss AssumeRoot, the last subscriptions going, and the alerts sent elsewhere", () => {
    const findings = (...changes: Parameters<typeof plan>) => {
      const result = rootActivityAlertsKept.evaluate(plan(...changes));
      return result.status === "non-compliant" ? result.findings : [];
    };
    expect(findings({ type: RULE, actions: ["update"], before: rule(ALL), after: rule("ENABLED") })).toEqual([
      expect.stringContaining("which does not receive read-only management events"),
    ]);
    expect(
      findings(
        { type: SUBSCRIPTION, address: `${SUBSCRIPTION}.a`, actions: ["delete"], before: subscription("a@example.com") },
        { type: SUBSCRIPTION, address: `${SUBSCRIPTION}.b`, actions: ["delete"], before: subscription("b@example.com") },
      ),
    ).toHaveLength(2);
    const elsewhere = "arn:aws:sns:us-east-1:666666666666:org-root-access-root-sessions";
    expect(findings({ type: TARGET, actions: ["update"], before: target(ARN), after: target(elsewhere) })).toEqual([
      `${TARGET}.x would send the alerts to ${elsewhere} instead of ${ARN}`,
    ]);
    expect(
      findings({
        type: TARGET,
        actions: ["update"],
        before: target(ARN),
        after: { rule: "org-root-access-root-sessions" },
        after_unknown: { arn: true },
      }),
    ).toEqual([expect.stringContaining("cannot tell where the alerts go")]);
  });

  it("fails taking down a region's or the delegated administrator's forwarder, its role, or the home bus's permission", () => {
    // GIVEN a plan that narrows the covered regions and drops the delegated administrator's forwarding
    const forward = "org-root-access-root-sessions-forward";
    const result = rootActivityAlertsKept.evaluate(
      plan(
        {
          type: RULE,
          address: `${RULE}.root-activity-forward-management-eu-west-1`,
          actions: ["delete"],
          before: { name: forward, state: ALL },
        },
        {
          type: TARGET,
          address: `${TARGET}.root-activity-forward-management-eu-west-1`,
          actions: ["delete"],
          before: { rule: forward, target_id: "alerting-bus", arn: "arn:aws:events:us-east-1:111122223333:event-bus/default" },
        },
        {
          type: RULE,
          address: `${RULE}.refused`,
          actions: ["update"],
          before: { name: `${forward.replace("-forward", "-refused")}`, state: ALL },
          after: { name: "org-root-access-root-sessions-refused", state: "DISABLED" },
        },
        {
          type: "aws_iam_role",
          address: "aws_iam_role.root-activity-forward-delegated-administrator",
          actions: ["delete"],
          before: { name: forward },
        },
        {
          type: "aws_cloudwatch_event_permission",
          address: "aws_cloudwatch_event_permission.root-activity-delegated-administrator",
          actions: ["delete"],
          before: { statement_id: "org-root-access-delegated-administrator", principal: "222233334444" },
        },
        // Someone else's rule, role and permission are none of the gate's business.
        { type: "aws_iam_role", address: "aws_iam_role.other", actions: ["delete"], before: { name: "other" } },
        {
          type: "aws_cloudwatch_event_permission",
          address: "aws_cloudwatch_event_permission.other",
          actions: ["delete"],
          before: { statement_id: "other" },
        },
      ),
    );
    // THEN each of the alerts' parts is a finding, named, and nothing else
    expect(result).toMatchObject({
      status: "non-compliant",
      findings: [
        `${RULE}.root-activity-forward-management-eu-west-1 would delete the EventBridge rule ${forward}: root sessions would open without an alert`,
        `${TARGET}.root-activity-forward-management-eu-west-1 would delete the target of ${forward}: root sessions would open without an alert`,
        `${RULE}.refused would set org-root-access-root-sessions-refused to DISABLED: root sessions would open without an alert`,
        `aws_iam_role.root-activity-forward-delegated-administrator would delete the role ${forward} the forwarders put events with: root sessions would open without an alert`,
        "aws_cloudwatch_event_permission.root-activity-delegated-administrator would delete the home bus's permission for the delegated administrator's forwarders: root sessions would open without an alert",
      ],
    });
  });

  it("fails closed when the rule's state is only known after apply, and flags a replacement", () => {
    const unknown = rootActivityAlertsKept.evaluate(
      plan({
        type: RULE,
        actions: ["update"],
        before: rule(ALL),
        after: { name: "org-root-access-root-sessions" },
        after_unknown: { state: true },
      }),
    );
    expect(unknown).toMatchObject({ status: "non-compliant", findings: [expect.stringContaining("cannot tell whether")] });
    const replaced = rootActivityAlertsKept.evaluate(
      plan({ type: RULE, actions: ["delete", "create"], before: rule(ALL), after: rule(ALL) }),
    );
    expect(replaced).toMatchObject({ findings: [expect.stringContaining("replaced, so alerts stop meanwhile")] });
  });
});

describe("root-sessions-kept", () => {
  const guardrail = {
    type: "aws_organizations_policy",
    address: "aws_organizations_policy.root-user-guardrail",
    actions: ["update"],
    before: { name: "org-root-access-deny-root-user" },
    after: { name: "org-root-access-deny-root-user" },
  };
  const answer = (wouldBreak: object[], unknowns: string[] = []) => ({
    state: "answered" as const,
    answer: { wouldBreak, wouldFix: [], unchanged: [], unknowns, notes: [], memberAccounts: 2 } as never,
  });

  it("applies only to a plan that changes the guardrail", () => {
    expect(rootSessionsKept.evaluate(plan({ type: "aws_sns_topic", actions: ["create"], after: { name: "x" } }), {})).toEqual({
      rule: "root-sessions-kept",
      status: "not-applicable",
    });
  });

  it("passes when the doctor's what-if finds nothing blocked, and when there is no organization yet to block", () => {
    expect(rootSessionsKept.evaluate(plan(guardrail), { rootSessions: answer([]) }).status).toBe("compliant");
    expect(rootSessionsKept.evaluate(plan(guardrail), { rootSessions: { state: "no organization" } }).status).toBe("compliant");
  });

  it("fails on a blocked task, a value known only after apply, and an organization it could not read", () => {
    const blocked = {
      check: "root task IAMAuditRootUserCredentials",
      status: "problem",
      detail: "blocked in 2 of 2 member accounts",
    };
    expect(rootSessionsKept.evaluate(plan(guardrail), { rootSessions: answer([blocked]) })).toEqual({
      rule: "root-sessions-kept",
      status: "non-compliant",
      findings: ["would block root task IAMAuditRootUserCredentials: blocked in 2 of 2 member accounts"],
    });
    expect(
      rootSessionsKept.evaluate(plan(guardrail), {
        rootSessions: answer([], ["aws_organizations_policy.x.content is known only after apply"]),
      }),
    ).toMatchObject({
      findings: [
        "cannot tell what the plan does to central root sessions: aws_organizations_policy.x.content is known only after apply",
      ],
    });
    expect(
      rootSessionsKept.evaluate(plan(guardrail), { rootSessions: { state: "unknown", reason: "AccessDeniedException: no" } }),
    ).toMatchObject({
      status: "non-compliant",
      findings: [expect.stringContaining("the organization's SCPs could not be read (AccessDeniedException: no)")],
    });
    expect(rootSessionsKept.evaluate(plan(guardrail), {})).toMatchObject({ status: "non-compliant" });
  });
});

describe("root-activity-alerts-kept, in-place updates", () => {
  const RULE_ARN = "arn:aws:events:us-east-1:111122223333:rule/org-root-access-root-sessions";
  const topicPolicy = (statement: object) => JSON.stringify({ Version: "2012-10-17", Statement: [statement] });
  const events = {
    Effect: "Allow",
    Principal: { Service: "events.amazonaws.com" },
    Action: "sns:Publish",
    Resource: "*",
    Condition: { ArnEquals: { "aws:SourceArn": [RULE_ARN] } },
  };
  const rule = {
    type: "aws_cloudwatch_event_rule",
    address: "aws_cloudwatch_event_rule.root-activity",
    actions: ["no-op"],
    before: { name: "org-root-access-root-sessions", arn: RULE_ARN, state: "ENABLED_WITH_ALL_CLOUDTRAIL_MANAGEMENT_EVENTS" },
    after: { name: "org-root-access-root-sessions", arn: RULE_ARN, state: "ENABLED_WITH_ALL_CLOUDTRAIL_MANAGEMENT_EVENTS" },
  };
  const findings = (...changes: object[]) => {
    const result = rootActivityAlertsKept.evaluate(plan(rule, ...(changes as never[])));
    return result.status === "non-compliant" ? result.findings : [];
  };
  const policyChange = (after: object) => ({
    type: "aws_sns_topic_policy",
    address: "aws_sns_topic_policy.root-activity",
    actions: ["update"],
    before: { arn: "arn:aws:sns:us-east-1:111122223333:org-root-access-root-sessions", policy: topicPolicy(events) },
    after: { arn: "arn:aws:sns:us-east-1:111122223333:org-root-access-root-sessions", policy: topicPolicy(after) },
  });

  it("passes a topic policy that still lets EventBridge publish for the rules, fails one that does not", () => {
    expect(findings(policyChange({ ...events, Sid: "renamed" }))).toEqual([]);
    expect(findings(policyChange({ ...events, Principal: { AWS: "*" } }))).toEqual([
      "aws_sns_topic_policy.root-activity would change the policy that lets EventBridge publish the alerts in place so that the alerts may stop: review it, not a pipeline",
    ]);
  });

  it("fails a forwarders' role that stops trusting EventBridge, a target whose role or message changes, and a disabled alarm", () => {
    const trust = (service: string) =>
      JSON.stringify({
        Version: "2012-10-17",
        Statement: [{ Effect: "Allow", Principal: { Service: service }, Action: "sts:AssumeRole" }],
      });
    expect(
      findings({
        type: "aws_iam_role",
        address: "aws_iam_role.root-activity-forward-management",
        actions: ["update"],
        before: { name: "org-root-access-root-sessions-forward", assume_role_policy: trust("events.amazonaws.com") },
        after: { name: "org-root-access-root-sessions-forward", assume_role_policy: trust("lambda.amazonaws.com") },
      }),
    ).toEqual([expect.stringContaining("would change the forwarders' role's trust in place")]);
    const target = {
      rule: "org-root-access-root-sessions-forward",
      arn: "arn:aws:events:us-east-1:111122223333:event-bus/default",
      role_arn: "arn:aws:iam::111122223333:role/a",
    };
    expect(
      findings({
        type: "aws_cloudwatch_event_target",
        address: "aws_cloudwatch_event_target.f",
        actions: ["update"],
        before: target,
        after: { ...target, role_arn: "arn:aws:iam::111122223333:role/b" },
      }),
    ).toEqual([
      "aws_cloudwatch_event_target.f would change the target's role_arn in place: the alerts may stop or say something else",
    ]);
    const alarm = {
      alarm_name: "org-root-access-member-root-actions",
      actions_enabled: true,
      alarm_actions: ["arn:aws:sns:us-east-1:111122223333:t"],
    };
    expect(
      findings({
        type: "aws_cloudwatch_metric_alarm",
        address: "aws_cloudwatch_metric_alarm.a",
        actions: ["update"],
        before: alarm,
        after: { ...alarm, actions_enabled: false },
      }),
    ).toEqual([expect.stringContaining("would change a member-activity alarm in place")]);
  });
});
