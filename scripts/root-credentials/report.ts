import { foldedIds } from "../command-line/id-list";
import { AuditReport, AuditedAccount, hasRootCredentials } from "./audit";
import { age } from "./journal";

/** What an account's root user has, in a few words: "password, 2 keys (1 active, last used 2026-11-28)". */
function found(account: AuditedAccount): string {
  if (account.status !== "audited") return account.reason ?? "";
  const credentials = account.rootCredentials!;
  if (!hasRootCredentials(account)) return "none";
  const parts: string[] = [];
  if (credentials.password) parts.push("password");
  if (credentials.accessKeys > 0) {
    const lastUsed = credentials.accessKeysLastUsed
      ? `, last used ${credentials.accessKeysLastUsed.slice(0, 10)}`
      : ", never used";
    parts.push(
      `${credentials.accessKeys} access key${credentials.accessKeys === 1 ? "" : "s"} (${credentials.activeAccessKeys} active${lastUsed})`,
    );
  }
  if (credentials.mfaDevices > 0) parts.push(`${credentials.mfaDevices} MFA device${credentials.mfaDevices === 1 ? "" : "s"}`);
  if (credentials.signingCertificates > 0) {
    parts.push(`${credentials.signingCertificates} signing certificate${credentials.signingCertificates === 1 ? "" : "s"}`);
  }
  return parts.join(", ");
}

function verdict(account: AuditedAccount, report: AuditReport): string {
  // A result an earlier run read (resumed from its journal) says so, and how old it is.
  const earlier =
    account.readAt === undefined
      ? ""
      : ` (read ${age(Date.parse(report.auditedAt) - Date.parse(account.readAt))} ago, by an earlier run)`;
  if (account.status === "audited" && account.kept)
    return (hasRootCredentials(account) ? "kept (rootCredentials.keep)" : "clean (kept)") + earlier;
  if (account.status === "audited") return (hasRootCredentials(account) ? "HAS ROOT CREDENTIALS" : "clean") + earlier;
  return account.status;
}

/** One line about the whole audit. */
export function summaryLine(report: AuditReport): string {
  const { summary } = report;
  return (
    `${report.organizationId}: ${summary.memberAccounts} member accounts, ${summary.audited} audited, ` +
    `${summary.withRootCredentials} with root credentials` +
    (summary.keptWithRootCredentials > 0 ? ` (and ${summary.keptWithRootCredentials} kept with them on purpose)` : "") +
    `, ${summary.skipped} skipped, ${summary.failed} failed`
  );
}

/** A plain-text table for a terminal, accounts with root credentials first. */
export function auditTable(report: AuditReport): string {
  // Account names are chosen by whoever controls the account: no control character (an escape sequence) reaches
  // the terminal.
  const plain = (text: string) => [...text].map((char) => (isControl(char) ? "?" : char)).join("");
  const rows = sortedAccounts(report).map((account) =>
    [account.accountId, account.name, verdict(account, report), found(account)].map(plain),
  );
  const header = ["account", "name", "result", "root credentials / reason"];
  const widths = header.map((title, column) =>
    Math.min(column === 2 ? 60 : 40, Math.max(title.length, ...rows.map((row) => row[column].length))),
  );
  const line = (cells: string[]) =>
    cells
      .map((cell, column) => (column === cells.length - 1 ? cell : cell.slice(0, widths[column]).padEnd(widths[column])))
      .join("  ");
  return [line(header), line(widths.map((width) => "-".repeat(width))), ...rows.map(line), "", summaryLine(report)].join("\n");
}

/** How many accounts a Markdown table shows before it folds the rest into ids. */
const TABLE_ROWS = 100;

/**
 * Markdown for a pipeline's step summary or a pull-request comment: the counts first, then the accounts that need
 * attention (with root credentials, failed), kept and skipped ones, each table at most {@link TABLE_ROWS} rows with
 * the rest folded; clean accounts are counted only. Under 60,000 characters at 10,000 accounts.
 */
export function auditMarkdown(report: AuditReport): string {
  const cell = (text: string) => markdownText(text.slice(0, 300));
  const byId = (a: AuditedAccount, b: AuditedAccount) => a.accountId.localeCompare(b.accountId);
  const section = (title: string, accounts: readonly AuditedAccount[]): string[] => {
    if (accounts.length === 0) return [];
    const sorted = [...accounts].sort(byId);
    const rest = sorted.slice(TABLE_ROWS).map((account) => account.accountId);
    return [
      "",
      `### ${title}: ${accounts.length.toLocaleString("en-US")}`,
      "",
      "| account | name | root credentials / reason |",
      "| --- | --- | --- |",
      ...sorted
        .slice(0, TABLE_ROWS)
        .map(
          (account) =>
            `| ${account.accountId} | ${cell(account.name)} | ${cell(found(account))}${account.readAt === undefined ? "" : ` ${cell(`(read by an earlier run at ${account.readAt})`)}`} |`,
        ),
      ...(rest.length > 0
        ? [
            "",
            `... and ${rest.length.toLocaleString("en-US")} more, by id below (npm run root-credentials -- audit --json or --csv has every row).`,
            foldedIds(rest, "the other accounts", "--json or --csv lists them all"),
          ]
        : []),
    ];
  };
  const attention = report.accounts.filter((account) => hasRootCredentials(account) && !account.kept);
  const clean = report.accounts.filter((account) => account.status === "audited" && !hasRootCredentials(account));
  return [
    "## Root credentials of member accounts",
    "",
    summaryLine(report),
    ...section("With root credentials", attention),
    ...section(
      "Failed",
      report.accounts.filter((account) => account.status === "failed"),
    ),
    ...section(
      "Kept (rootCredentials.keep)",
      report.accounts.filter((account) => account.kept && hasRootCredentials(account)),
    ),
    ...section(
      "Skipped (not active)",
      report.accounts.filter((account) => account.status === "skipped"),
    ),
    "",
    `Clean: ${clean.length.toLocaleString("en-US")} account(s).`,
  ].join("\n");
}

// Accounts that need attention first: with root credentials, then failed, skipped, clean; by id within each.
function sortedAccounts(report: AuditReport): AuditedAccount[] {
  const rank = (account: AuditedAccount) =>
    hasRootCredentials(account) && !account.kept
      ? 0
      : account.status === "failed"
        ? 1
        : account.kept
          ? 2
          : account.status === "skipped"
            ? 3
            : 4;
  return [...report.accounts].sort((a, b) => rank(a) - rank(b) || a.accountId.localeCompare(b.accountId));
}

/**
 * Text for a Markdown table cell, shown as it is: the characters that make links, images, emphasis, code, HTML,
 * entities or (GitHub's) autolinks backslash-escaped, and the cell's own |, so a name renders as written and no
 * cell ends early; line breaks as spaces. Account names are chosen by whoever controls the account.
 */
export function markdownText(text: string): string {
  return text.replace(/[\r\n]+/g, " ").replace(/[\\`*_{}[\]()#+!|<>~:.@&]/g, "\\$&");
}

/**
 * A CSV cell that a spreadsheet shows as text (OWASP, "CSV Injection"): a cell that begins with =, +, -, @, a tab
 * or a carriage return would be read as a formula, so it begins with a ' instead; quoted as RFC 4180 needs.
 */
export function csvText(text: string): string {
  const neutral = /^[=+\-@\t\r]/.test(text) ? `'${text}` : text;
  return /[",\r\n]/.test(neutral) ? `"${neutral.replace(/"/g, '""')}"` : neutral;
}

/** An account id as a CSV cell a spreadsheet keeps as text: a leading zero is part of the id. */
function csvId(id: string): string {
  return `"=""${id}"""`;
}

/**
 * CSV (RFC 4180) with a header row: one row per member account, in the report's order. Ids are text (="..."), and
 * no cell is read as a formula.
 */
export function auditCsv(report: AuditReport): string {
  const header = [
    "account",
    "name",
    "status",
    "kept",
    "password",
    "accessKeys",
    "activeAccessKeys",
    "accessKeysLastUsed",
    "mfaDevices",
    "signingCertificates",
    "reason",
    "readByAnEarlierRunAt",
  ];
  const quote = (value: string | number | boolean | null | undefined) =>
    csvText(value === undefined || value === null ? "" : String(value));
  const rows = report.accounts.map((account) => {
    const found = account.rootCredentials;
    return [
      csvId(account.accountId),
      ...[
        account.name,
        account.status,
        account.kept,
        found?.password,
        found?.accessKeys,
        found?.activeAccessKeys,
        found?.accessKeysLastUsed,
        found?.mfaDevices,
        found?.signingCertificates,
        account.reason,
        account.readAt,
      ].map(quote),
    ];
  });
  return [header, ...rows].map((row) => row.join(",")).join("\r\n");
}

/** A C0 or C1 control character (escape sequences, bells): never sent to a terminal. */
function isControl(char: string): boolean {
  const code = char.charCodeAt(0);
  return code < 0x20 || (code >= 0x7f && code <= 0x9f);
}
