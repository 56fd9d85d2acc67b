import { AuditReport, AuditedAccount, hasRootCredentials } from "./audit";

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

function verdict(account: AuditedAccount): string {
  if (account.status === "audited" && account.kept)
    return hasRootCredentials(account) ? "kept (rootCredentials.keep)" : "clean (kept)";
  if (account.status === "audited") return hasRootCredentials(account) ? "HAS ROOT CREDENTIALS" : "clean";
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
  const rows = sortedAccounts(report).map((account) => [account.accountId, account.name, verdict(account), found(account)]);
  const header = ["account", "name", "result", "root credentials / reason"];
  const widths = header.map((title, column) => Math.min(40, Math.max(title.length, ...rows.map((row) => row[column].length))));
  const line = (cells: string[]) =>
    cells
      .map((cell, column) => (column === cells.length - 1 ? cell : cell.slice(0, widths[column]).padEnd(widths[column])))
      .join("  ");
  return [line(header), line(widths.map((width) => "-".repeat(width))), ...rows.map(line), "", summaryLine(report)].join("\n");
}

/** Markdown for a pipeline's step summary. */
export function auditMarkdown(report: AuditReport): string {
  const cell = (text: string) => text.replace(/\|/g, "\\|").replace(/\n/g, " ");
  return [
    "## Root credentials of member accounts",
    "",
    summaryLine(report),
    "",
    "| account | name | result | root credentials / reason |",
    "| --- | --- | --- | --- |",
    ...sortedAccounts(report).map(
      (account) => `| ${account.accountId} | ${cell(account.name)} | ${verdict(account)} | ${cell(found(account))} |`,
    ),
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
