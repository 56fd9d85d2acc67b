import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { leastPrivilegePolicy } from "../../scripts/policy/least-privilege";
import { parseAppConfig } from "../../stacks/config/load";
import { PROJECT_ROOT } from "../support/paths";
import { RootUserKind, seedMembers, suspendedMember } from "../support/root-users";
import { STACK, StackDriver, actionsNeedingPermission, unwrapped, useScenario } from "../support/stack-driver";

const scenario = useScenario();

const BOTH = ["RootCredentialsManagement", "RootSessions"];

/** 20 member accounts: every kind of root credential, and clean ones. */
const KINDS: RootUserKind[] = [
  ...Array<RootUserKind>(3).fill("passwordOnly"),
  ...Array<RootUserKind>(3).fill("keysOnly"),
  ...Array<RootUserKind>(3).fill("virtualMfa"),
  ...Array<RootUserKind>(3).fill("hardwareMfa"),
  ...Array<RootUserKind>(2).fill("certificates"),
  ...Array<RootUserKind>(2).fill("everything"),
  ...Array<RootUserKind>(4).fill("clean"),
];

interface AuditDocument {
  readonly accounts: readonly {
    readonly accountId: string;
    readonly status: string;
    readonly rootCredentials?: Record<string, unknown>;
  }[];
  readonly summary: Record<string, number>;
}

/** `npm run root-credentials -- audit --json` with the driver's stack, as a scheduled pipeline job runs it. */
function auditRun(driver: StackDriver) {
  return spawnSync(process.execPath, [path.join(PROJECT_ROOT, "build", "root-credentials.js"), "audit", "--json"], {
    env: { ...driver.env, ROOT_ACCESS_CONFIG: path.join(driver.dir, "root-access.config.json") },
    encoding: "utf8",
  });
}

/** The audit's report, which must have run to its end (exit 0 or 2). */
function audit(driver: StackDriver): { readonly code: number | null; readonly report: AuditDocument } {
  const result = auditRun(driver);
  if (result.status !== 0 && result.status !== 2) throw new Error(`audit failed (${result.status}): ${result.stderr}`);
  return { code: result.status, report: JSON.parse(result.stdout) as AuditDocument };
}

/** Accounts the audit found with any root credential. */
function withRootCredentials(report: AuditDocument): string[] {
  return report.accounts
    .filter(
      ({ rootCredentials: found }) =>
        found && (found.password || Number(found.accessKeys) + Number(found.mfaDevices) + Number(found.signingCertificates) > 0),
    )
    .map((account) => account.accountId)
    .sort();
}

/** The accounts the saved plan's removal names, or undefined when it does not touch the removal. */
function plannedAccounts(driver: StackDriver): string[] | undefined {
  const plan = JSON.parse(fs.readFileSync(driver.planJson, "utf8")) as {
    resource_changes?: {
      address: string;
      change: { actions: string[]; after?: { triggers_replace?: { accounts?: string[] } } };
    }[];
  };
  const change = plan.resource_changes?.find((candidate) => candidate.address === "terraform_data.root-credentials");
  return change?.change.actions.includes("create") ? change.change.after?.triggers_replace?.accounts : undefined;
}

function allowedActions(stack: Record<string, unknown>): string[] {
  return leastPrivilegePolicy(parseAppConfig({ stacks: [{ name: STACK, ...stack }] }, "test").stacks[0]).Statement.flatMap(
    (statement) => statement.Action,
  );
}

describe("root credentials of member accounts", () => {
  it("are audited, removed as code from every selected account, kept where asked, and removed from a new member on the next apply", async () => {
    const { driver, emulator } = scenario;
    // GIVEN an organization with both features, 20 members with mixed root credentials and a suspended one
    await driver.given({ features: BOTH });
    const members = await seedMembers(emulator, driver.env, KINDS);
    const suspended = await suspendedMember(emulator, driver.env);
    const seededWithCredentials = members.filter((_, index) => KINDS[index] !== "clean").sort();

    // WHEN the organization is audited
    const first = audit(driver);
    // THEN exactly the seeded accounts have root credentials, the suspended one is skipped, and the exit code is 2
    expect(first.code).toBe(2);
    expect(withRootCredentials(first.report)).toEqual(seededWithCredentials);
    expect(first.report.accounts.find((account) => account.accountId === suspended)?.status).toBe("skipped");
    expect(first.report.summary).toMatchObject({
      memberAccounts: 21,
      audited: 20,
      withRootCredentials: 16,
      skipped: 1,
      failed: 0,
    });

    // WHEN the stack would remove every member's root credentials but the break-glass account's, whose id in keep
    // has a typo
    const kept = members[KINDS.indexOf("everything")];
    const typo = `${kept.slice(0, 11)}${(Number(kept[11]) + 1) % 10}`;
    const sessionsBeforeTypo = (await emulator.rootSessions()).length;
    const mistyped = await driver.synth({ features: BOTH, rootCredentials: { remove: "all", keep: [typo] } }).plan();
    // THEN the plan fails, naming the id, and nothing was removed; the command refuses the stack too
    expect(mistyped.code).toBe(1);
    expect(unwrapped(mistyped.stderr)).toContain(
      `rootCredentials.keep lists accounts that are not member accounts of the organization: ${typo}.`,
    );
    expect((await emulator.rootSessions()).length).toBe(sessionsBeforeTypo);
    expect(auditRun(driver).stderr).toContain(`rootCredentials.keep lists ${typo}, not a member account of`);

    // WHEN the stack removes every member's root credentials but one account's, through the gated pipeline path
    const stack = { features: BOTH, rootCredentials: { remove: "all", keep: [kept] } };
    driver.synth(stack);
    const sessionsBefore = (await emulator.rootSessions()).length;
    const { result: applied, calls } = await driver.callsDuring(() => driver.apply());

    // THEN the plan named every active member but the kept one, by id
    expect(applied.code).toBe(0);
    expect(plannedAccounts(driver)).toEqual(members.filter((id) => id !== kept).sort());
    // AND the apply removed them with the delete task only, writing nothing in clean accounts
    const removal = (await emulator.rootSessions()).slice(sessionsBefore);
    expect(new Set(removal.map((session) => session.task))).toEqual(new Set(["IAMDeleteRootUserCredentials"]));
    expect(removal.map((session) => session.accountId).sort()).toEqual(members.filter((id) => id !== kept).sort());
    const writesIn = (accountId: string) =>
      removal
        .filter((s) => s.accountId === accountId)
        .flatMap((s) => s.actions.filter(([action]) => /:(Delete|Deactivate)/.test(action)));
    for (const [index, id] of members.entries()) if (KINDS[index] === "clean") expect(writesIn(id)).toEqual([]);
    expect(removal.flatMap((s) => s.actions).filter(([, verdict]) => verdict !== "allowed")).toEqual([]);
    // AND every call the pipeline principal made is allowed by npm run policy
    const allowed = allowedActions(stack);
    expect(actionsNeedingPermission(calls).filter((action) => !allowed.includes(action))).toEqual([]);
    // AND the audit now finds only the kept account's root credentials
    expect(withRootCredentials(audit(driver).report)).toEqual([kept]);

    // WHEN nothing changed and terraform plans again
    const again = await driver.callsDuring(() => driver.converged());
    // THEN there is nothing to do and no root session was opened
    expect(again.result).toEqual({ planExitCode: 0, writes: {} });
    expect(again.calls["sts:AssumeRoot"]).toBeUndefined();

    // WHEN a member account with root credentials joins
    const [joined] = await seedMembers(emulator, driver.env, ["everything"]);
    const planned = await driver.plan();
    // THEN the next plan names it, and its apply cleans it
    expect(planned.code).toBe(0);
    expect(plannedAccounts(driver)).toContain(joined);
    expect(driver.planGate().code).toBe(0);
    expect((await driver.terraform.run(["apply", "-input=false", driver.planFile])).code).toBe(0);
    const final = audit(driver);
    expect(withRootCredentials(final.report)).toEqual([kept]);
    expect(final.report.accounts.find((account) => account.accountId === joined)?.rootCredentials).toMatchObject({
      password: false,
      accessKeys: 0,
      mfaDevices: 0,
      signingCertificates: 0,
    });
  });

  it("stop partway when a delete is denied in root sessions, say exactly what was removed and left, and converge on the next apply", async () => {
    const { driver, emulator } = scenario;
    // GIVEN members with every kind of root credential and only access keys, and an SCP (as the emulator plays it)
    // that denies iam:DeleteAccessKey to central root sessions
    await driver.given({ features: BOTH });
    const [everything, keysOnly, clean] = await seedMembers(emulator, driver.env, ["everything", "keysOnly", "clean"]);
    await emulator.configure({ rootSessionDeniedActions: ["iam:DeleteAccessKey"] });

    // WHEN the stack removes every member's root credentials
    const stack = { features: BOTH, rootCredentials: { remove: "all" } };
    const failed = await driver.synth(stack).apply();

    // THEN the apply fails, and its output accounts for each account: removed, left, the call that failed, why
    expect(failed.code).not.toBe(0);
    const output = `${failed.stdout}\n${failed.stderr}`.replace(/\s+/g, " ");
    expect(output).toContain(
      `${everything}: removed the password; left: 1 access key, 2 MFA devices and 1 signing certificate; ` +
        `iam:DeleteAccessKey failed: denied in ${everything}'s root session (AccessDenied).`,
    );
    expect(output).toContain(`${keysOnly}: removed nothing; left: 2 access keys; iam:DeleteAccessKey failed:`);
    expect(output).toContain("npm run doctor names the policy and the fix");
    expect(output).not.toContain("Reading the organization");
    // AND the audit agrees: the password is gone, the rest is there
    const partial = audit(driver).report.accounts;
    expect(partial.find((account) => account.accountId === everything)?.rootCredentials).toMatchObject({
      password: false,
      accessKeys: 1,
      mfaDevices: 2,
      signingCertificates: 1,
    });

    // WHEN the SCP is fixed and the pipeline applies again
    await emulator.configure({ rootSessionDeniedActions: [] });
    const sessionsBefore = (await emulator.rootSessions()).length;
    const fixed = await driver.apply();
    // THEN terraform runs the tainted step again, which removes only what was left, and the stack converges
    expect(fixed.code).toBe(0);
    expect(withRootCredentials(audit(driver).report)).toEqual([]);
    const again = (await emulator.rootSessions()).slice(sessionsBefore);
    const writes = again
      .flatMap((session) => session.actions.map(([action]) => action))
      .filter((action) => /:(Delete|Deactivate)/.test(action));
    expect(writes.filter((action) => action === "iam:DeleteLoginProfile")).toEqual([]);
    expect(
      again.filter((session) => session.accountId === clean).flatMap((session) => session.actions.map(([action]) => action)),
    ).not.toContainEqual(expect.stringMatching(/:(Delete|Deactivate)/));
    expect(await driver.converged()).toEqual({ planExitCode: 0, writes: {} });
  });

  it("work from a brand-new organization's first apply, with the native features and an assumed role", async () => {
    const { driver, emulator } = scenario;
    // GIVEN nothing yet, and a stack that creates the organization and removes root credentials from all members
    const stack = {
      features: BOTH,
      implementation: "native",
      assumeRoleArn: "arn:aws:iam::123456789012:role/OrgRootAccessDeployer",
      rootCredentials: { remove: "all" },
    };
    driver.synth(stack);
    // WHEN it is applied through the pipeline path
    const first = await driver.apply();
    // THEN it works: the organization has no members yet, so nothing is removed
    expect(first.code).toBe(0);
    expect(first.stdout).toContain("no member account is selected: nothing to remove.");

    // WHEN a member with root credentials joins and the stack is applied again
    const [member] = await seedMembers(emulator, driver.env, ["everything"]);
    const second = await driver.callsDuring(() => driver.apply());
    // THEN the plan named it, its credentials are gone, and the assumed role made every call
    expect(second.result.code).toBe(0);
    expect(plannedAccounts(driver)).toEqual([member]);
    expect(withRootCredentials(audit(driver).report)).toEqual([]);
    expect(second.calls["sts:AssumeRole"]).toBeGreaterThan(0);
    const allowed = allowedActions(stack);
    expect(actionsNeedingPermission(second.calls).filter((action) => !allowed.includes(action))).toEqual([]);
  });
});
