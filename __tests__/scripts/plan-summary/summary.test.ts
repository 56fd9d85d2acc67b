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
});
