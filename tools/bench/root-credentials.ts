import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { EnableOrganizationsRootCredentialsManagementCommand, IAMClient } from "@aws-sdk/client-iam";
import {
  CreateAccountCommand,
  CreateOrganizationCommand,
  EnableAWSServiceAccessCommand,
  OrganizationsClient,
} from "@aws-sdk/client-organizations";
import { Emulator, RootUserSeed } from "../emulator/emulator";
import { clientConfig } from "../emulator/organization-state";
import { verdict, table } from "./benchmarks-file";
import { measure, measureInTurns, timeCommand } from "./measure";

const MEMBERS = 100;
const THROTTLE_PER_SECOND = 5;

/** Findings per account, as both methods can tell them: password, access keys, MFA, signing certificates. */
type Findings = Record<string, string>;

// AWS's published approach (the security blog's shell loop): one account after another, `aws sts assume-root`,
// then `aws iam get-account-summary` with the session's credentials. It prints "<id> <p> <k> <m> <c>" per account.
const AWS_CLI_LOOP = `set -euo pipefail
management=$(aws organizations describe-organization --query Organization.MasterAccountId --output text)
for id in $(aws organizations list-accounts --query 'Accounts[?Status==\`ACTIVE\`].Id' --output text); do
  [ "$id" = "$management" ] && continue
  read -r key secret token < <(aws sts assume-root --target-principal "$id" \\
    --task-policy-arn arn=arn:aws:iam::aws:policy/root-task/IAMAuditRootUserCredentials \\
    --query 'Credentials.[AccessKeyId,SecretAccessKey,SessionToken]' --output text)
  summary=$(AWS_ACCESS_KEY_ID=$key AWS_SECRET_ACCESS_KEY=$secret AWS_SESSION_TOKEN=$token aws iam get-account-summary \\
    --query 'SummaryMap.[AccountPasswordPresent,AccountAccessKeysPresent,AccountMFAEnabled,AccountSigningCertificatesPresent]' \\
    --output text)
  echo "$id $summary"
done
`;

/**
 * Figures 8 and 9: an audit of 100 member accounts against the emulator, beside AWS's published approach with the
 * AWS CLI (same findings required), and the same audit while AssumeRoot is throttled.
 */
export async function rootCredentialsFigures(emulator: Emulator, work: string, root: string): Promise<string[]> {
  await emulator.reset();
  // The AWS CLI v1 reads its region from AWS_DEFAULT_REGION only.
  const env = { ...emulator.environment(), AWS_DEFAULT_REGION: emulator.environment().AWS_REGION };
  const config = path.join(work, "audit.config.json");
  fs.writeFileSync(
    config,
    JSON.stringify({ stacks: [{ name: "bench", features: ["RootCredentialsManagement", "RootSessions"] }] }),
  );
  const auditEnv = { ...env, ROOT_ACCESS_CONFIG: config, AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: "true" };
  await seedOrganization(emulator, env);
  const loop = path.join(work, "aws-cli-audit.sh");
  fs.writeFileSync(loop, AWS_CLI_LOOP);

  // Identical findings first: a benchmark of two methods that disagree means nothing.
  const ours = auditFindings(root, auditEnv);
  const theirs = cliFindings(loop, env);
  const identical = JSON.stringify(ours) === JSON.stringify(theirs) && Object.keys(ours).length === MEMBERS;
  if (!identical) throw new Error(`the two audits disagree:\n${JSON.stringify(ours)}\n${JSON.stringify(theirs)}`);
  const withCredentials = Object.values(ours).filter((finding) => finding !== "0 0 0 0").length;

  const audit = () =>
    timeCommand(process.execPath, ["build/root-credentials.js", "audit", "--json"], { cwd: root, env: auditEnv, exitCodes: [2] });
  const [ourFigure, cliFigure] = await measureInTurns(
    [
      { label: `npm run root-credentials -- audit, ${MEMBERS} member accounts`, run: audit },
      {
        label: "AWS CLI loop: assume-root, then get-account-summary, per account",
        run: () => timeCommand("bash", [loop], { env }),
      },
    ],
    { runs: 2, warmups: 1 },
  );
  const speedup = cliFigure.median / ourFigure.median;
  const auditSection =
    `## 8. Root credentials audit of ${MEMBERS} member accounts, against the emulator\n\n` +
    `${table([
      { figure: ourFigure, ratio: `${speedup.toFixed(1)}x faster` },
      { figure: cliFigure, ratio: "baseline" },
    ])}\n\n` +
    `Both found the same ${withCredentials} accounts with root credentials, kind by kind (password, access keys, MFA, ` +
    `signing certificates). The audit opens sessions 8 at a time, paced at the rate AWS grants; the loop starts the ` +
    `AWS CLI twice per account, one account after another. ${verdict(
      speedup >= 10 && ourFigure.peakMb < 150,
      "at least 10 times faster with identical findings, under 150 MB peak",
      `${speedup.toFixed(1)}x faster at ${ourFigure.peakMb.toFixed(0)} MB peak.`,
    )}`;

  await emulator.configure({ assumeRootCallsPerSecond: THROTTLE_PER_SECOND });
  const throttled = await measure(`audit, AssumeRoot throttled at ${THROTTLE_PER_SECOND}/s`, audit, { runs: 3 });
  const failed = auditFailures(root, auditEnv);
  await emulator.configure({ assumeRootCallsPerSecond: 0 });
  const floor = MEMBERS / THROTTLE_PER_SECOND;
  const throttledSection =
    `## 9. The same audit with AssumeRoot throttled at ${THROTTLE_PER_SECOND} calls per second\n\n` +
    `${table([{ figure: throttled, ratio: `${(throttled.median / floor).toFixed(2)}x the floor (${floor} s)` }])}\n\n` +
    `Every timed run exited 2 (root credentials found, no account failed); accounts failed in one more run: ${failed}. ${verdict(
      throttled.median <= 1.5 * floor && failed === 0,
      `within 1.5 times the floor (${MEMBERS} / ${THROTTLE_PER_SECOND} = ${floor} s), no account failed`,
      `${(throttled.median / floor).toFixed(2)}x the floor, ${failed} failed.`,
    )}`;
  return [auditSection, throttledSection];
}

// 100 members: a third with a password, a third with an access key, every fifth with MFA, every seventh a certificate.
async function seedOrganization(emulator: Emulator, env: NodeJS.ProcessEnv): Promise<void> {
  const organizations = new OrganizationsClient(clientConfig(env));
  await organizations.send(new CreateOrganizationCommand({ FeatureSet: "ALL" }));
  await organizations.send(new EnableAWSServiceAccessCommand({ ServicePrincipal: "iam.amazonaws.com" }));
  await new IAMClient(clientConfig(env)).send(new EnableOrganizationsRootCredentialsManagementCommand({}));
  for (let index = 0; index < MEMBERS; index++) {
    const name = `member-${index}`;
    const { CreateAccountStatus } = await organizations.send(
      new CreateAccountCommand({ AccountName: name, Email: `${name}@example.com` }),
    );
    const seed: RootUserSeed = {
      accountId: CreateAccountStatus!.AccountId!,
      password: index % 3 === 0,
      accessKeys: index % 3 === 1 ? [{ status: "Active", lastUsed: true }] : [],
      mfaDevices: index % 5 === 0 ? [{ type: index % 10 === 0 ? "virtual" : "hardware" }] : [],
      signingCertificates: index % 7 === 0 ? [{ status: "Active" }] : [],
    };
    await emulator.seedRootUser(seed);
  }
}

interface AuditDocument {
  readonly accounts: readonly {
    readonly accountId: string;
    readonly status: string;
    readonly rootCredentials?: { password: boolean; accessKeys: number; mfaDevices: number; signingCertificates: number };
  }[];
  readonly summary: { readonly failed: number };
}

function runAudit(root: string, env: NodeJS.ProcessEnv): AuditDocument {
  const result = spawnSync(process.execPath, ["build/root-credentials.js", "audit", "--json"], {
    cwd: root,
    env,
    encoding: "utf8",
  });
  if (result.status !== 0 && result.status !== 2) throw new Error(`audit failed (${result.status}): ${result.stderr}`);
  return JSON.parse(result.stdout) as AuditDocument;
}

function auditFindings(root: string, env: NodeJS.ProcessEnv): Findings {
  const present = (value: boolean | number) => (value === true || (typeof value === "number" && value > 0) ? "1" : "0");
  const entries = runAudit(root, env).accounts.map((account) => {
    const found = account.rootCredentials!;
    const kinds = [found.password, found.accessKeys, found.mfaDevices, found.signingCertificates].map(present);
    return [account.accountId, kinds.join(" ")] as const;
  });
  return Object.fromEntries([...entries].sort(([a], [b]) => a.localeCompare(b)));
}

function auditFailures(root: string, env: NodeJS.ProcessEnv): number {
  return runAudit(root, env).summary.failed;
}

function cliFindings(loop: string, env: NodeJS.ProcessEnv): Findings {
  const result = spawnSync("bash", [loop], { env, encoding: "utf8" });
  if (result.status !== 0) throw new Error(`the AWS CLI loop failed (${result.status}): ${result.stderr.slice(-2000)}`);
  const entries = result.stdout
    .trim()
    .split("\n")
    .map((line) => line.trim().split(/\s+/))
    .map(([id, ...flags]) => [id, flags.join(" ")] as const);
  return Object.fromEntries([...entries].sort(([a], [b]) => a.localeCompare(b)));
}
