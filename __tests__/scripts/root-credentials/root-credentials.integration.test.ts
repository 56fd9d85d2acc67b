import { spawn, spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { Emulator } from "../../../tools/emulator/emulator";
import { PROJECT_ROOT } from "../../support/paths";
import { organizationWithRootCredentialsManagement, seedMembers, suspendedMember } from "../../support/root-users";

let emulator: Emulator;
let env: NodeJS.ProcessEnv;
let dir: string;

beforeAll(async () => {
  emulator = await Emulator.start();
  dir = fs.mkdtempSync(path.join(os.tmpdir(), "root-credentials-"));
  const config = path.join(dir, "root-access.config.json");
  fs.writeFileSync(
    config,
    JSON.stringify({ stacks: [{ name: "org", features: ["RootCredentialsManagement", "RootSessions"] }] }),
  );
  env = { ...emulator.environment(), ROOT_ACCESS_CONFIG: config };
});
afterAll(async () => {
  await emulator?.stop();
  fs.rmSync(dir, { recursive: true, force: true });
});
beforeEach(() => emulator.reset());

/** `npm run root-credentials -- <argv>`, the built program as pipelines run it. */
function rootCredentials(...argv: string[]) {
  const result = spawnSync(process.execPath, [path.join(PROJECT_ROOT, "build", "root-credentials.js"), ...argv], {
    env,
    encoding: "utf8",
  });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

describe("npm run root-credentials against the emulator", () => {
  it("audits with the audit task only, removes with the delete task only, and recovers a password", async () => {
    // GIVEN members with a password, keys, a hardware MFA device, nothing, and a suspended one
    await organizationWithRootCredentialsManagement(env);
    const [password, keys, hardware, clean] = await seedMembers(emulator, env, [
      "passwordOnly",
      "keysOnly",
      "hardwareMfa",
      "clean",
    ]);
    const suspended = await suspendedMember(emulator, env);

    // WHEN the organization is audited
    const audit = rootCredentials("audit", "--json");
    // THEN exactly the seeded accounts have root credentials, the suspended one is skipped, and the exit code is 2
    expect(audit.code).toBe(2);
    const report = JSON.parse(audit.stdout) as { accounts: { accountId: string; status: string; rootCredentials?: unknown }[] };
    const verdicts = Object.fromEntries(
      report.accounts.map((a) => [a.accountId, a.status === "audited" ? a.rootCredentials : a.status]),
    );
    expect(verdicts).toEqual({
      [password]: expect.objectContaining({ password: true, accessKeys: 0, mfaDevices: 0 }),
      [keys]: expect.objectContaining({ password: false, accessKeys: 2, activeAccessKeys: 1, mfaDevices: 0 }),
      [hardware]: expect.objectContaining({ password: false, accessKeys: 0, mfaDevices: 1 }),
      [clean]: expect.objectContaining({ password: false, accessKeys: 0, mfaDevices: 0, signingCertificates: 0 }),
      [suspended]: "skipped",
    });
    const auditSessions = await emulator.rootSessions();
    expect(new Set(auditSessions.map((session) => session.task))).toEqual(new Set(["IAMAuditRootUserCredentials"]));
    expect(auditSessions.flatMap((session) => session.actions).filter(([, verdict]) => verdict !== "allowed")).toEqual([]);

    // WHEN one account's credentials are removed
    const removed = rootCredentials("remove", "--account", keys);
    // THEN only a delete-task session was opened for it, and an audit finds it clean
    expect(removed).toMatchObject({ code: 0 });
    expect(removed.stdout).toContain(`${keys}: removed from the root user: 2 access keys; verified clean.`);
    const removalSessions = (await emulator.rootSessions()).slice(auditSessions.length);
    expect(removalSessions.map((session) => [session.accountId, session.task])).toEqual([[keys, "IAMDeleteRootUserCredentials"]]);
    expect(removalSessions[0].actions.filter(([action]) => /Delete|Deactivate/.test(action))).toEqual([
      ["iam:DeleteAccessKey", "allowed"],
      ["iam:DeleteAccessKey", "allowed"],
    ]);

    // WHEN the clean account's password is recovered
    expect(rootCredentials("recover", "--account", clean).stdout).toContain("created a login profile without a password");
    // THEN the next audit sees a password there, and none of the removed keys
    const after = JSON.parse(rootCredentials("audit", "--json").stdout) as typeof report;
    const byId = Object.fromEntries(after.accounts.map((a) => [a.accountId, a.rootCredentials]));
    expect(byId[clean]).toMatchObject({ password: true });
    expect(byId[keys]).toMatchObject({ password: false, accessKeys: 0 });
  });

  it("audits every account, none failed, while AssumeRoot is throttled at 5 calls per second", async () => {
    await organizationWithRootCredentialsManagement(env);
    const members = await seedMembers(
      emulator,
      env,
      Array.from({ length: 20 }, (_, i) => (i % 2 === 0 ? "everything" : "clean")),
    );
    await emulator.configure({ assumeRootCallsPerSecond: 5 });
    const audit = rootCredentials("audit", "--json", "--concurrency", "16");
    expect(audit.code).toBe(2);
    const report = JSON.parse(audit.stdout) as { summary: Record<string, number> };
    expect(report.summary).toEqual({
      memberAccounts: members.length,
      audited: 20,
      fromEarlierRun: 0,
      withRootCredentials: 10,
      keptWithRootCredentials: 0,
      skipped: 0,
      failed: 0,
    });
  });

  it("resumes from its journal after a SIGKILL: accounts done are not opened again, and the report is the same", async () => {
    // GIVEN 12 members, and AssumeRoot throttled to 4 a second so that the run can be killed halfway
    await organizationWithRootCredentialsManagement(env);
    await seedMembers(
      emulator,
      env,
      Array.from({ length: 12 }, (_, index) => (index % 3 === 0 ? "keysOnly" : "clean")),
    );
    await emulator.configure({ assumeRootCallsPerSecond: 4 });
    const journal = path.join(dir, "audit.journal");
    const audit = ["root-credentials.js", "audit", "--json", "--journal", journal];

    // WHEN the audit is killed with SIGKILL once a few accounts are in its journal
    const child = spawn(process.execPath, [path.join(PROJECT_ROOT, "build", audit[0]), ...audit.slice(1)], {
      env,
      stdio: "ignore",
    });
    const exited = new Promise((resolve) => child.once("exit", resolve));
    const deadline = Date.now() + 60_000;
    while ((fs.existsSync(journal) ? fs.readFileSync(journal, "utf8").split("\n").length - 2 : 0) < 3 && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    child.kill("SIGKILL");
    await exited;
    const done = fs.readFileSync(journal, "utf8").split("\n").slice(1, -1).length;
    expect(done).toBeGreaterThanOrEqual(3);
    expect(done).toBeLessThan(10); // of the 10 seeded and the organization's own members
    await emulator.configure({ assumeRootCallsPerSecond: 0 });
    const sessionsBefore = (await emulator.rootSessions()).length;

    // AND run again with the same journal
    const resumed = rootCredentials(...audit.slice(1));

    // THEN only the accounts it had not finished are opened, the journal is gone, and the report is an uninterrupted
    // run's, but that the accounts it did not read again say when the earlier run read them
    expect(resumed.code).toBe(2);
    expect(resumed.stderr).toMatch(
      new RegExp(`resuming the audit started .* \\(\\d+ s ago\\): ${done} account\\(s\\) from ${journal} are not audited again`),
    );
    type Report = {
      summary: { memberAccounts: number; fromEarlierRun: number };
      accounts: { readAt?: string }[];
      controls: { evidence: string }[];
    };
    const report = JSON.parse(resumed.stdout) as Report;
    expect((await emulator.rootSessions()).length - sessionsBefore).toBe(report.summary.memberAccounts - done);
    expect(report.summary.fromEarlierRun).toBe(done);
    expect(report.accounts.filter((account) => account.readAt !== undefined)).toHaveLength(done);
    expect(fs.existsSync(journal)).toBe(false);
    const uninterrupted = JSON.parse(rootCredentials("audit", "--json").stdout) as Report;
    const withoutWhen = ({ auditedAt: _at, summary, accounts, controls, ...rest }: Report & { auditedAt?: string }) => ({
      ...rest,
      summary: { ...summary, fromEarlierRun: 0 },
      accounts: accounts.map(({ readAt: _readAt, ...account }) => account),
      controls: controls.map(({ evidence, ...control }) => ({
        ...control,
        evidence: evidence.replace(/ \(\d+ of them by an earlier run, resumed from its journal\)/, ""),
      })),
    });
    expect(withoutWhen(report)).toEqual(withoutWhen(uninterrupted));
  });

  it("opens sessions in 48 accounts over a pool of connections bounded by its concurrency, not new ones in each account", async () => {
    // GIVEN 48 clean members (each root session makes 4 IAM calls at once)
    await organizationWithRootCredentialsManagement(env);
    const members = await seedMembers(emulator, env, Array<"clean">(48).fill("clean"));
    const opened = await emulator.connectionsOpened();
    // WHEN they are audited, 8 at a time
    const audit = rootCredentials("audit", "--json", "--concurrency", "8");
    // THEN every account was audited over at most 8 x 4 IAM connections, one to STS and one to Organizations (and
    // two more for the management account's own root user: STS GetCallerIdentity and IAM GetAccountSummary)
    expect(audit.code).toBe(0);
    expect((JSON.parse(audit.stdout) as { summary: Record<string, number> }).summary.audited).toBe(members.length);
    expect((await emulator.connectionsOpened()) - opened).toBeLessThanOrEqual(8 * 4 + 4);
  });

  it("outlives its credentials: an assumed role's that last 2 s are renewed at half their lifetime, no account failed", async () => {
    // GIVEN 16 members, a stack that works through an assumed role, role credentials that last 2 s and root
    // sessions 1 s (the emulator's knobs), and AssumeRoot at 4 a second: the audit runs about 4 s
    await organizationWithRootCredentialsManagement(env);
    const members = await seedMembers(
      emulator,
      env,
      Array.from({ length: 16 }, (_, index) => (index % 2 === 0 ? "everything" : "clean")),
    );
    const config = path.join(dir, "assumed-role.config.json");
    fs.writeFileSync(
      config,
      JSON.stringify({
        stacks: [
          { name: "org", features: ["RootCredentialsManagement"], assumeRoleArn: "arn:aws:iam::123456789012:role/Deployer" },
        ],
      }),
    );
    await emulator.configure({ roleSessionSeconds: 2, rootSessionSeconds: 1, assumeRootCallsPerSecond: 4 });
    const before = await emulator.calls();

    // WHEN the audit runs
    const started = Date.now();
    const result = spawnSync(process.execPath, [path.join(PROJECT_ROOT, "build", "root-credentials.js"), "audit", "--json"], {
      env: { ...env, ROOT_ACCESS_CONFIG: config },
      encoding: "utf8",
    });
    const seconds = (Date.now() - started) / 1000;

    // THEN it outlasted the role's credentials, renewed them at half their lifetime (not once per call), and
    // audited every account
    expect(result.stderr).not.toContain("ExpiredToken");
    expect(result.status).toBe(2);
    expect(seconds).toBeGreaterThan(2);
    const after = await emulator.calls();
    const assumed = (after["sts:AssumeRole"] ?? 0) - (before["sts:AssumeRole"] ?? 0);
    expect(assumed).toBeGreaterThanOrEqual(2);
    expect(assumed).toBeLessThanOrEqual(Math.ceil(seconds) + 2);
    const report = JSON.parse(result.stdout) as { summary: Record<string, number> };
    expect(report.summary).toMatchObject({ memberAccounts: members.length, audited: 16, withRootCredentials: 8, failed: 0 });
  });

  it("reopens a root session that expires midway and keeps what the first one removed: the account ends clean", async () => {
    // GIVEN a member with every kind of root credential, and its first session cut short after 6 calls (the emulator's
    // stand-in for a session that outlived its 15 minutes in a slow run)
    await organizationWithRootCredentialsManagement(env);
    const [member] = await seedMembers(emulator, env, ["everything"]);
    await emulator.configure({ firstRootSessionCalls: 6 });

    // WHEN its root credentials are removed
    const removal = rootCredentials("remove", "--account", member, "--json");

    // THEN the first session ran out partway, a second finished, and the result names everything removed once
    expect(removal.stderr).not.toContain("error");
    expect(removal.code).toBe(0);
    const sessions = (await emulator.rootSessions()).filter((session) => session.task === "IAMDeleteRootUserCredentials");
    expect(sessions).toHaveLength(2);
    expect(sessions[0].actions.at(-1)).toEqual([expect.any(String), "expired"]);
    expect(sessions[0].actions.some(([action, verdict]) => action.startsWith("iam:Delete") && verdict === "allowed")).toBe(true);
    expect(JSON.parse(removal.stdout)).toMatchObject({
      status: "done",
      removed: {
        DeleteLoginProfile: 1,
        DeleteAccessKey: 1,
        DeactivateMFADevice: 2,
        DeleteVirtualMFADevice: 1,
        DeleteSigningCertificate: 1,
      },
    });
    // AND an audit finds the account clean
    await emulator.configure({ firstRootSessionCalls: null });
    const audit = JSON.parse(rootCredentials("audit", "--json").stdout) as { summary: { withRootCredentials: number } };
    expect(audit.summary.withRootCredentials).toBe(0);
  });
});
