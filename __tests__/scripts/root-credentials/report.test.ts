import type { AuditReport, AuditedAccount } from "../../../scripts/root-credentials/audit";
import { auditCsv, auditMarkdown, auditTable } from "../../../scripts/root-credentials/report";
import { NO_ROOT_CREDENTIALS } from "./no-root-credentials";

// Account names are chosen by whoever controls the account (account:PutAccountName): the reports show them as
// they are, and never let one act as a formula, a link or a terminal escape.

const CLEAN = NO_ROOT_CREDENTIALS;

function report(...accounts: Partial<AuditedAccount>[]): AuditReport {
  const full = accounts.map((account, index) => ({
    accountId: `01234567890${index}`,
    name: `a${index}`,
    status: "audited" as const,
    kept: false,
    rootCredentials: { ...CLEAN, password: true },
    ...account,
  }));
  return {
    organizationId: "o-a1b2c3d4e5",
    auditedAt: "2026-12-07T12:00:00.000Z",
    accounts: full,
    summary: {
      memberAccounts: full.length,
      audited: full.length,
      fromEarlierRun: 0,
      withRootCredentials: full.length,
      keptWithRootCredentials: 0,
      skipped: 0,
      failed: 0,
    },
  };
}

describe("the audit's reports, with hostile account names", () => {
  it("--csv: no cell is a formula (OWASP's CSV injection), and account ids keep their leading zero", () => {
    // GIVEN accounts named like formulas
    const names = ['=HYPERLINK("http://evil.example","x")', "+1+1", "-2+3", "@SUM(A1:A2)", "\tTAB", "plain, with comma"];
    const csv = auditCsv(report(...names.map((name) => ({ name }))));
    const rows = csv.split("\r\n").slice(1);
    // THEN each name cell starts with a quote mark (text), quoted where RFC 4180 needs it
    expect(rows.map((row) => row.slice(row.indexOf(",") + 1).split(",")[0])).toEqual([
      `"'=HYPERLINK(""http://evil.example""`,
      "'+1+1",
      "'-2+3",
      "'@SUM(A1:A2)",
      "'\tTAB",
      '"plain',
    ]);
    // AND the id is text a spreadsheet keeps: ="012345678900"
    expect(rows[0].startsWith('"=""012345678900""",')).toBe(true);
  });

  it("--markdown: a name makes no link, image, emphasis or autolink, and no cell ends early", () => {
    const markdown = auditMarkdown(
      report({ name: "[click](https://evil.example)" }, { name: "![img](x) **bold** | cell" }, { name: "www.evil.example <b>" }),
    );
    expect(markdown).toContain("| 012345678900 | \\[click\\]\\(https\\://evil\\.example\\) |");
    expect(markdown).toContain("| 012345678901 | \\!\\[img\\]\\(x\\) \\*\\*bold\\*\\* \\| cell |");
    expect(markdown).toContain("| 012345678902 | www\\.evil\\.example \\<b\\> |");
  });

  it("the table: no control character of a name reaches the terminal", () => {
    const table = auditTable(report({ name: "\u001b[31mred\u001b[0m\u0007" }));
    expect(table).toContain("?[31mred?[0m?");
    const controls = [...table].filter((char) => char.charCodeAt(0) <= 8 || char.charCodeAt(0) === 0x1b);
    expect(controls).toEqual([]);
  });
});
