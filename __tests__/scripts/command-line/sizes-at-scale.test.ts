import { summarizePlan } from "../../../scripts/plan-summary/summary";
import { auditCsv, auditMarkdown } from "../../../scripts/root-credentials/report";
import { evaluateRootSessionAccess } from "../../../scripts/doctor/root-session-access";
import { rootTaskChecks } from "../../../scripts/doctor/root-session-report";
import { auditWithCredentialsEverywhere, memberIds, removalPlan } from "../../../tools/bench/synthetic-reports";
import { organizationOf } from "../doctor/scp-setups";

// What people read stays readable at AWS's largest organizations (10,000 member accounts): counts first, a few
// dozen ids inline, the rest folded or left to --json, and every Markdown output under 60,000 characters (a
// pull-request comment holds 65,536).

const MAX_MARKDOWN = 60_000;

describe("the plan summary at 10,000 accounts", () => {
  it("counts a first removal, names a few, folds the rest, and stays under 60,000 characters", () => {
    const accounts = memberIds(10_000);
    const summary = summarizePlan(removalPlan([], accounts)).join("\n");
    expect(summary.length).toBeLessThan(MAX_MARKDOWN);
    expect(summary).toContain("**remove the root credentials** of 10,000 member account(s): 100000000000, 100000000001,");
    expect(summary).toContain("... (and 9,970 more)");
    expect(summary).toContain("<details><summary>every account: 10,000</summary>");
    expect(summary).toContain(
      "... and 8,000 more: the plan's terraform_data.root-credentials (triggers_replace.accounts) lists them all",
    );
  });

  it("still names each account that joined since the last apply", () => {
    const before = memberIds(10_000);
    const joined = memberIds(3, 900000000000);
    const summary = summarizePlan(removalPlan(before, [...before, ...joined])).join("\n");
    expect(summary).toContain(`**remove the root credentials** of 3 account(s) that joined: ${joined.join(", ")}`);
    expect(summary).toContain("verify 10000 account(s) cleaned before (reads, no write)");
    expect(summary.length).toBeLessThan(MAX_MARKDOWN);
  });
});

describe("the audit's Markdown at 10,000 accounts", () => {
  it("leads with counts and stays under 60,000 characters when every account has root credentials", () => {
    const report = auditWithCredentialsEverywhere(memberIds(10_000));
    const markdown = auditMarkdown(report);
    expect(markdown.length).toBeLessThan(MAX_MARKDOWN);
    expect(markdown.split("\n")[2]).toBe(
      "o-a1b2c3d4e5: 10000 member accounts, 10000 audited, 10000 with root credentials, 0 skipped, 0 failed",
    );
    expect(markdown).toContain("### With root credentials: 10,000");
    expect(markdown).toContain("... and 9,900 more, by id below");
    // AND the CSV has every account, one row each
    expect(auditCsv(report).split("\r\n")).toHaveLength(10_001);
  });
});

describe("the doctor's report at 10,000 accounts", () => {
  it("names a few OUs and accounts per result, and leaves the rest to --json", () => {
    // GIVEN 10,000 members in 500 OUs, all blocked by a root deny at the root
    const units = Array.from({ length: 500 }, (_, index) => ({
      id: `ou-root-${String(index).padStart(8, "0")}`,
      parent: "r-root",
    }));
    const members = memberIds(10_000).map((id, index) => ({ id, parent: units[index % 500].id, status: "ACTIVE" }));
    const organization = organizationOf({
      name: "scale",
      reasoning: "scale",
      partition: "aws",
      organizationId: "o-a1b2c3d4e5",
      managementAccountId: "999999999999",
      rootId: "r-root",
      ous: units,
      accounts: [{ id: "999999999999", parent: "r-root", status: "ACTIVE" }, ...members],
      policies: [
        {
          id: "p-FullAWSAccess",
          name: "FullAWSAccess",
          document: { Version: "2012-10-17", Statement: [{ Effect: "Allow", Action: "*", Resource: "*" }] },
          targets: ["r-root", ...units.map((unit) => unit.id), ...members.map((member) => member.id)],
        },
        {
          id: "p-deny0001",
          name: "deny-root",
          document: {
            Version: "2012-10-17",
            Statement: [
              {
                Effect: "Deny",
                Action: "*",
                Resource: "*",
                Condition: { ArnLike: { "aws:PrincipalArn": "arn:aws:iam::*:root" } },
              },
            ],
          },
          targets: ["r-root"],
        },
      ],
      features: ["RootCredentialsManagement"],
      expected: {},
    });
    const tasks = ["IAMDeleteRootUserCredentials"] as const;
    // WHEN it is reported
    const [check] = rootTaskChecks(organization, tasks, evaluateRootSessionAccess(organization, { partition: "aws", tasks }));
    // THEN the text is short, and the JSON still lists every account
    expect(check.detail.length).toBeLessThan(2_000);
    expect(check.detail).toContain("blocked in 10000 of 10000 member accounts");
    expect(check.detail).toContain("and 9900 more in 495 other OUs (--json lists every account)");
    expect(check.accounts).toHaveLength(10_000);
  });
});
