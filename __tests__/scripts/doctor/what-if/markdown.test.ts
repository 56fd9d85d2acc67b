import { whatIf, whatIfMarkdown, whatIfReport } from "../../../../scripts/doctor/what-if/what-if";
import { generatedOrganization } from "../../../../tools/bench/doctor";
import { denyRootPlan } from "../../../../tools/bench/what-if";

describe("the what-if's Markdown, for a pipeline's job summary, and its text", () => {
  it("stays under 60,000 characters at 10,000 accounts, however many results there are, and says how many it left out", () => {
    // GIVEN 10,000 member accounts and a plan attaching a deny-root SCP to each one (a result per account)
    const organization = generatedOrganization([], 10_000);
    const changes = denyRootPlan(organization.accounts.map((account) => account.id));
    // WHEN the audit task is evaluated before and after, and the answer written in Markdown
    const answer = whatIf(organization, changes, { partition: "aws", tasks: ["IAMAuditRootUserCredentials"] });
    const markdown = whatIfMarkdown(answer, changes, "the plan plan.json");
    // THEN every account would break, the verdict comes first, and the text is bounded, naming what it left out
    expect(answer.wouldBreak).toHaveLength(10_000);
    expect(markdown.length).toBeLessThan(60_000);
    expect(markdown.split("\n").slice(0, 3)).toEqual([
      "## Central root sessions: what the plan plan.json changes",
      "",
      "**The change would break central root sessions** (10000 result(s)): do not apply it as it is.",
    ]);
    expect(markdown).toContain("- and 9975 more (--json lists them all)");
    // AND the text for a terminal is bounded the same way, the verdict last
    const text = whatIfReport(answer, changes, "the plan plan.json").split("\n");
    expect(text.filter((line) => line.startsWith("WOULD BREAK"))).toHaveLength(25);
    expect(text).toContain("             and 9975 more (--json lists them all)");
    expect(text.join("\n").length).toBeLessThan(60_000);
    expect(text.at(-1)).toBe("The change would break central root sessions (10000 result(s) above): do not apply it as it is.");
  });
});
