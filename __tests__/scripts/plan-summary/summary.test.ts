import { readPlan } from "../../../scripts/plan-gate/plan";
import { summarizePlan } from "../../../scripts/plan-summary/summary";

function plan(...changes: { address: string; type: string; actions: string[]; before?: unknown; after?: unknown }[]) {
  return readPlan(
    JSON.stringify({
      format_version: "1.2",
      planned_values: {},
      configuration: {},
      resource_changes: changes.map(({ address, type, actions, before = null, after = null }) => ({
        address,
        type,
        mode: "managed",
        change: { actions, before, after },
      })),
    }),
  );
}

const feature = (name: string) => ({ triggers_replace: { feature: name, organization_id: "o-a1b2c3d4e5" } });

describe("plan summary", () => {
  it("says which features are enabled and disabled, which services become trusted, which administrators are added", () => {
    const summary = summarizePlan(
      plan(
        {
          address: "terraform_data.root-sessions[0]",
          type: "terraform_data",
          actions: ["create"],
          after: feature("RootSessions"),
        },
        {
          address: "terraform_data.root-credentials-management[0]",
          type: "terraform_data",
          actions: ["delete"],
          before: feature("RootCredentialsManagement"),
        },
        {
          address: "aws_organizations_organization.organization",
          type: "aws_organizations_organization",
          actions: ["update"],
          before: { aws_service_access_principals: ["sso.amazonaws.com"] },
          after: { aws_service_access_principals: ["iam.amazonaws.com", "sso.amazonaws.com"] },
        },
        {
          address: "aws_organizations_delegated_administrator.iam",
          type: "aws_organizations_delegated_administrator",
          actions: ["create"],
          after: { account_id: "111122223333", service_principal: "iam.amazonaws.com" },
        },
      ),
    );
    expect(summary).toEqual([
      "### Root access features",
      "- enable RootSessions",
      "- disable RootCredentialsManagement",
      "### Organization",
      "- trust iam.amazonaws.com",
      "### Delegated administrators",
      "- register account 111122223333 for iam.amazonaws.com",
      "### Root credentials of member accounts",
      "- no change",
      "### Root-user guardrail",
      "- no change",
      "### Root-activity alerts",
      "- no change",
      "### Destroyed",
      "- **terraform_data.root-credentials-management[0]**",
    ]);
  });

  it("says plainly when nothing changes", () => {
    expect(summarizePlan(plan())).toEqual([
      "### Root access features",
      "- no change",
      "### Organization",
      "- no change",
      "### Delegated administrators",
      "- no change",
      "### Root credentials of member accounts",
      "- no change",
      "### Root-user guardrail",
      "- no change",
      "### Root-activity alerts",
      "- no change",
      "### Destroyed",
      "- nothing",
    ]);
  });

  it("calls out a deleted organization and a stopped trust in bold", () => {
    const summary = summarizePlan(
      plan(
        {
          address: "aws_organizations_organization.organization",
          type: "aws_organizations_organization",
          actions: ["delete"],
          before: {},
        },
        {
          address: "aws_organizations_organization.other",
          type: "aws_organizations_organization",
          actions: ["update"],
          before: { aws_service_access_principals: ["sso.amazonaws.com"] },
          after: { aws_service_access_principals: [] },
        },
      ),
    );
    expect(summary).toContain("- **aws_organizations_organization.organization is deleted**");
    expect(summary).toContain("- **stop trusting sso.amazonaws.com**");
    expect(summary).toContain("- **aws_organizations_organization.organization**");
  });

  it("names the guardrail, the policy type it needs and its targets, and calls out a detach or delete in bold", () => {
    // GIVEN a plan that enables SCPs, creates the guardrail, attaches it to the root (id known) and an OU
    const created = summarizePlan(
      plan(
        {
          address: "aws_organizations_organization.organization",
          type: "aws_organizations_organization",
          actions: ["update"],
          before: { enabled_policy_types: ["TAG_POLICY"] },
          after: { enabled_policy_types: ["SERVICE_CONTROL_POLICY", "TAG_POLICY"] },
        },
        {
          address: "aws_organizations_policy.root-user-guardrail",
          type: "aws_organizations_policy",
          actions: ["create"],
          after: { name: "org-root-access-deny-root-user" },
        },
        {
          address: 'aws_organizations_policy_attachment.root-user-guardrail["root"]',
          type: "aws_organizations_policy_attachment",
          actions: ["create"],
          after: { target_id: "r-ab12" },
        },
        {
          address: 'aws_organizations_policy_attachment.root-user-guardrail["ou-ab12-cd34ef56"]',
          type: "aws_organizations_policy_attachment",
          actions: ["create"],
          after: { target_id: "ou-ab12-cd34ef56" },
        },
      ),
    );
    // THEN the summary says so in the operator's words
    expect(created).toContain("- enable the policy type SERVICE_CONTROL_POLICY");
    const guardrail = created.slice(created.indexOf("### Root-user guardrail"), created.indexOf("### Root-activity alerts"));
    expect(guardrail).toEqual([
      "### Root-user guardrail",
      "- create the SCP org-root-access-deny-root-user: member accounts' root users act only through central root sessions",
      "- attach it to root (r-ab12)",
      "- attach it to ou-ab12-cd34ef56",
    ]);

    // WHEN a later plan detaches it from the OU and deletes it
    const removed = summarizePlan(
      plan(
        {
          address: "aws_organizations_policy.root-user-guardrail",
          type: "aws_organizations_policy",
          actions: ["delete"],
          before: { name: "org-root-access-deny-root-user" },
        },
        {
          address: 'aws_organizations_policy_attachment.root-user-guardrail["ou-ab12-cd34ef56"]',
          type: "aws_organizations_policy_attachment",
          actions: ["delete"],
          before: { target_id: "ou-ab12-cd34ef56" },
        },
      ),
    );
    // THEN both are in bold
    expect(removed).toContain("- **delete the SCP org-root-access-deny-root-user**");
    expect(removed).toContain("- **detach it from ou-ab12-cd34ef56**");
  });

  it("reads the native resource's feature list", () => {
    const summary = summarizePlan(
      plan({
        address: "aws_iam_organizations_features.features",
        type: "aws_iam_organizations_features",
        actions: ["update"],
        before: { enabled_features: ["RootSessions"] },
        after: { enabled_features: ["RootCredentialsManagement"] },
      }),
    );
    expect(summary.slice(0, 3)).toEqual([
      "### Root access features",
      "- enable RootCredentialsManagement",
      "- disable RootSessions",
    ]);
  });

  describe("root credentials of member accounts", () => {
    const removal = (actions: string[], before: string[] | null, after: string[] | null | "unknown") =>
      summarizePlan(
        plan({
          address: "terraform_data.root-credentials",
          type: "terraform_data",
          actions,
          before: before && { triggers_replace: { accounts: before, organization_id: "o-a1b2c3d4e5" } },
          after: after && { triggers_replace: after === "unknown" ? { organization_id: "o-a1b2c3d4e5" } : { accounts: after } },
        }),
      );
    const section = (summary: string[]) =>
      summary.slice(summary.indexOf("### Root credentials of member accounts") + 1, summary.indexOf("### Root-user guardrail"));
    const irreversible = "irreversible except by password recovery: npm run root-credentials -- recover --account <id>";

    it("names, by id, the accounts whose root credentials the apply removes, and says it is irreversible", () => {
      expect(section(removal(["create"], null, ["222222222222", "333333333333"]))).toEqual([
        `- **remove the root credentials** of 2 member account(s): 222222222222, 333333333333 (${irreversible})`,
      ]);
    });

    it("on a new member, names only it, and counts the accounts merely verified", () => {
      expect(section(removal(["delete", "create"], ["222222222222"], ["222222222222", "444444444444"]))).toEqual([
        `- **remove the root credentials** of 1 account(s) that joined: 444444444444 (${irreversible})`,
        "- verify 1 account(s) cleaned before (reads, no write)",
      ]);
    });

    it("says that an account left out, or the removal dropped, gets nothing back", () => {
      expect(section(removal(["delete", "create"], ["222222222222", "333333333333"], ["222222222222"]))).toEqual([
        "- verify 1 account(s) cleaned before (reads, no write)",
        "- no longer selected: 1 account(s): 333333333333; nothing is restored",
      ]);
      expect(section(removal(["delete"], ["222222222222"], null))).toEqual([
        `- **stop removing root credentials**: nothing is restored in 1 account(s) (${irreversible})`,
      ]);
    });

    it("says when the accounts are known only after apply (a new organization)", () => {
      expect(section(removal(["create"], null, "unknown"))).toEqual([
        `- **remove the root credentials** of the selected member accounts, known after apply (a new organization; ${irreversible})`,
      ]);
    });

    it("names the kept accounts, also when nothing changes", () => {
      // GIVEN a stack that keeps two accounts and has nothing to remove in this plan
      const kept = summarizePlan(
        plan({
          address: "terraform_data.root-credentials",
          type: "terraform_data",
          actions: ["no-op"],
          before: { triggers_replace: { accounts: ["222222222222"] }, input: { kept: "444444444444,744750453444" } },
          after: { triggers_replace: { accounts: ["222222222222"] }, input: { kept: "444444444444,744750453444" } },
        }),
      );
      // THEN the summary says no change, and names the accounts whose credentials are never removed
      expect(section(kept)).toEqual(["- no change", "- kept, never removed (rootCredentials.keep): 444444444444, 744750453444"]);
    });

    it("is not mistaken for a feature", () => {
      expect(removal(["create"], null, ["222222222222"]).slice(0, 2)).toEqual(["### Root access features", "- no change"]);
    });
  });
});

describe("the plan summary of root-activity alerts", () => {
  it("names the rule, the topic and each address on creation, and calls out a disabled or deleted rule in bold", () => {
    const change = (type: string, address: string, actions: string[], before: unknown, after: unknown) => ({
      address,
      mode: "managed",
      type,
      change: { actions, before, after, after_unknown: {} },
    });
    const rule = (state: string, eventPattern = "{}") => ({
      name: "org-root-access-root-sessions",
      state,
      event_pattern: eventPattern,
    });
    const ALL = "ENABLED_WITH_ALL_CLOUDTRAIL_MANAGEMENT_EVENTS";
    const summary = (...changes: unknown[]) =>
      summarizePlan(
        readPlan(JSON.stringify({ format_version: "1.2", planned_values: {}, configuration: {}, resource_changes: changes })),
      );
    const section = (lines: string[]) =>
      lines.slice(lines.indexOf("### Root-activity alerts") + 1, lines.indexOf("### Destroyed"));
    expect(
      section(
        summary(
          change("aws_cloudwatch_event_rule", "aws_cloudwatch_event_rule.root-activity", ["create"], null, rule(ALL)),
          change("aws_sns_topic", "aws_sns_topic.root-activity", ["create"], null, { name: "org-root-access-root-sessions" }),
          change("aws_sns_topic_subscription", "aws_sns_topic_subscription.root-activity-0", ["create"], null, {
            protocol: "email",
            endpoint: "security@example.com",
          }),
        ),
      ),
    ).toEqual([
      "- create the EventBridge rule org-root-access-root-sessions, on which an AssumeRoot alerts",
      "- create the SNS topic",
      "- send them to security@example.com (who confirms the subscription once)",
    ]);
    expect(
      section(
        summary(
          change(
            "aws_cloudwatch_event_rule",
            "aws_cloudwatch_event_rule.root-activity",
            ["update"],
            rule("ENABLED"),
            rule("DISABLED"),
          ),
        ),
      ),
    ).toEqual([
      "- **set the EventBridge rule org-root-access-root-sessions to DISABLED: root sessions may open without an alert**",
    ]);
    expect(
      section(
        summary(change("aws_cloudwatch_event_rule", "aws_cloudwatch_event_rule.root-activity", ["delete"], rule(ALL), null)),
      ),
    ).toEqual(["- **delete the EventBridge rule org-root-access-root-sessions**"]);
  });
});
