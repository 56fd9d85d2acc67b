import type { OrganizationChange } from "../../scripts/doctor/what-if/organization-changes";
import { whatIf, whatIfMarkdown } from "../../scripts/doctor/what-if/what-if";
import { tasksOf } from "../../scripts/shared/root-tasks";
import { verdict } from "./benchmarks-file";
import { generatedOrganization } from "./doctor";

// `npm run bench -- what-if`: `doctor --plan`'s evaluation (the organization as it is and as the plan would leave
// it, every root task in every member account) at 1,000 and 10,000 accounts, and the size of its Markdown.

const DENY_ROOT = JSON.stringify({
  Version: "2012-10-17",
  Statement: [
    {
      Sid: "DenyRootUser",
      Effect: "Deny",
      Action: "*",
      Resource: "*",
      Condition: { ArnLike: { "aws:PrincipalArn": "arn:aws:iam::*:root" } },
    },
  ],
});

/** A plan that creates the deny-root SCP without the exemption and attaches it to `targets`. */
export function denyRootPlan(targets: readonly string[]): OrganizationChange[] {
  const policy = { created: "aws_organizations_policy.deny_root" };
  return [
    {
      kind: "put policy",
      address: "aws_organizations_policy.deny_root",
      policy,
      type: "SCP",
      name: "DenyRootUser",
      content: DENY_ROOT,
    },
    ...targets.map((target, index): OrganizationChange => ({
      kind: "attach",
      address: `aws_organizations_policy_attachment.deny_root[${index}]`,
      policy,
      target: { id: target },
    })),
  ];
}

/** Section 13 of BENCHMARKS.md. */
export function whatIfFigures(): string {
  const tasks = tasksOf(["RootCredentialsManagement", "RootSessions"]);
  const rows = [1_000, 10_000].flatMap((size) => {
    const organization = generatedOrganization([], size);
    const cases: [string, OrganizationChange[]][] = [
      ["attach to one OU", denyRootPlan(["ou-root-00000000"])],
      ["attach to every account", denyRootPlan(organization.accounts.map((account) => account.id))],
    ];
    return cases.map(([label, changes]) => {
      const started = process.hrtime.bigint();
      const answer = whatIf(organization, changes, { partition: "aws", tasks });
      const seconds = Number(process.hrtime.bigint() - started) / 1e9;
      const markdown = whatIfMarkdown(answer, changes, "the plan plan.json").length;
      return { size, label, seconds, markdown, broken: answer.wouldBreak.length };
    });
  });
  const slowest = Math.max(...rows.map((row) => row.seconds));
  const largest = Math.max(...rows.map((row) => row.markdown));
  return [
    "## 13. What-if (`doctor --plan`) at 1,000 and 10,000 accounts",
    "",
    "A plan that creates the deny-root SCP without the `aws:AssumedRoot` exemption and attaches it; the evaluation alone " +
      "(the organization as it is and as the plan would leave it, every root task in every member account, no AWS call), " +
      "and the length of the Markdown summary:",
    "",
    "| member accounts | the plan | seconds | results that would break | Markdown characters |",
    "| ---: | --- | ---: | ---: | ---: |",
    ...rows.map(
      (row) =>
        `| ${row.size.toLocaleString("en-US")} | ${row.label} | ${row.seconds.toFixed(2)} | ${row.broken} | ${row.markdown.toLocaleString("en-US")} |`,
    ),
    "",
    verdict(
      slowest <= 60 && largest < 60_000,
      "10,000 accounts evaluated within 60 s, the Markdown under 60,000 characters",
      `slowest ${slowest.toFixed(1)} s, largest Markdown ${largest.toLocaleString("en-US")} characters`,
    ),
  ].join("\n");
}
