import { EnableOrganizationsRootCredentialsManagementCommand, EnableOrganizationsRootSessionsCommand } from "@aws-sdk/client-iam";
import {
  AttachPolicyCommand,
  CreateOrganizationCommand,
  CreateOrganizationalUnitCommand,
  CreatePolicyCommand,
  DetachPolicyCommand,
  EnableAWSServiceAccessCommand,
  EnablePolicyTypeCommand,
  ListRootsCommand,
  MoveAccountCommand,
} from "@aws-sdk/client-organizations";
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { Emulator } from "../../../tools/emulator/emulator";
import { createMemberAccount, iamAs, organizationsAs } from "../../support/aws";
import { PROJECT_ROOT } from "../../support/paths";

let emulator: Emulator;
let dir: string;

beforeAll(async () => {
  emulator = await Emulator.start();
  dir = fs.mkdtempSync(path.join(os.tmpdir(), "doctor-"));
});
afterAll(async () => {
  await emulator?.stop();
  fs.rmSync(dir, { recursive: true, force: true });
});

const ALLOW_IAM_ONLY = JSON.stringify({
  Version: "2012-10-17",
  Statement: [{ Effect: "Allow", Action: "iam:*", Resource: "*" }],
});

const rootDeny = (exempt: boolean) =>
  JSON.stringify({
    Version: "2012-10-17",
    Statement: [
      {
        Sid: "DenyRootUser",
        Effect: "Deny",
        Action: "*",
        Resource: "*",
        Condition: {
          StringLike: { "aws:PrincipalArn": ["arn:aws:iam::*:root"] },
          ...(exempt ? { Null: { "aws:AssumedRoot": "true" } } : {}),
        },
      },
    ],
  });

/** `npm run doctor -- --json` as an operator runs it, with a config that names the organization. */
function doctor(env: NodeJS.ProcessEnv) {
  const result = spawnSync(process.execPath, [path.join(PROJECT_ROOT, "build", "doctor.js"), "--json"], {
    env,
    encoding: "utf8",
  });
  return {
    code: result.status,
    report: JSON.parse(result.stdout || "{}") as {
      checks: { check: string; status: string; detail: string; task?: string; accounts?: string[] }[];
    },
  };
}

describe("npm run doctor against the emulator", () => {
  it("evaluates a real root/OU/account tree: nested OUs, an allow list, account attachments, the exemption", async () => {
    // GIVEN an organization with root access and SCPs enabled, and this tree (FullAWSAccess everywhere but Legacy):
    //   root ─ Workloads ─ Team (account team: Control Tower's root-user control with ExemptAssumeRoot on Workloads)
    //        ├ Legacy (account legacy: FullAWSAccess replaced by an allow list of iam:* only)
    //        └ account direct (a classic root deny attached to the account itself)
    const env = emulator.environment();
    const organizations = organizationsAs(env);
    const { Organization } = await organizations.send(new CreateOrganizationCommand({ FeatureSet: "ALL" }));
    await organizations.send(new EnableAWSServiceAccessCommand({ ServicePrincipal: "iam.amazonaws.com" }));
    await iamAs(env).send(new EnableOrganizationsRootCredentialsManagementCommand({}));
    await iamAs(env).send(new EnableOrganizationsRootSessionsCommand({}));
    const rootId = (await organizations.send(new ListRootsCommand({}))).Roots![0].Id!;
    await organizations.send(new EnablePolicyTypeCommand({ RootId: rootId, PolicyType: "SERVICE_CONTROL_POLICY" }));
    const unit = async (name: string, parent: string) =>
      (await organizations.send(new CreateOrganizationalUnitCommand({ ParentId: parent, Name: name }))).OrganizationalUnit!.Id!;
    const workloads = await unit("Workloads", rootId);
    const team = await unit("Team", workloads);
    const legacy = await unit("Legacy", rootId);
    const account = async (name: string, parent: string) => {
      const id = await createMemberAccount(env, name);
      if (parent !== rootId) {
        await organizations.send(new MoveAccountCommand({ AccountId: id, SourceParentId: rootId, DestinationParentId: parent }));
      }
      return id;
    };
    const [teamAccount, legacyAccount, directAccount] = [
      await account("team", team),
      await account("legacy", legacy),
      await account("direct", rootId),
    ];
    const policy = async (name: string, content: string, ...targets: string[]) => {
      const { Policy } = await organizations.send(
        new CreatePolicyCommand({ Name: name, Description: name, Type: "SERVICE_CONTROL_POLICY", Content: content }),
      );
      for (const target of targets)
        await organizations.send(new AttachPolicyCommand({ PolicyId: Policy!.PolicySummary!.Id, TargetId: target }));
      return Policy!.PolicySummary!.Id!;
    };
    await policy("control-tower-exempt", rootDeny(true), workloads);
    await policy("allow-iam-only", ALLOW_IAM_ONLY, legacy);
    await organizations.send(new DetachPolicyCommand({ PolicyId: "p-FullAWSAccess", TargetId: legacy }));
    const classic = await policy("deny-root", rootDeny(false), directAccount);
    const config = path.join(dir, "root-access.config.json");
    fs.writeFileSync(
      config,
      JSON.stringify({
        stacks: [
          {
            name: "org",
            organization: { mode: "adopt", id: Organization!.Id },
            features: ["RootCredentialsManagement", "RootSessions"],
          },
        ],
      }),
    );
    const doctorEnv = { ...env, ROOT_ACCESS_CONFIG: config };

    // WHEN the doctor runs
    const first = doctor(doctorEnv);

    // THEN it exits 2; team works for every task; legacy cannot unlock (no Allow for s3 or sqs at Legacy); direct is
    // blocked for every task by the SCP on the account itself
    expect(first.code).toBe(2);
    // Each task has one result per group of accounts that fare alike; an account in none of them works.
    const verdicts = (accountId: string) =>
      Object.fromEntries(
        [...new Set(first.report.checks.flatMap((check) => (check.task ? [check.task] : [])))].map((task) => [
          task,
          first.report.checks.find((check) => check.task === task && check.accounts?.includes(accountId))?.status ?? "ok",
        ]),
      );
    const all = (status: string) =>
      Object.fromEntries(
        [
          "IAMAuditRootUserCredentials",
          "IAMDeleteRootUserCredentials",
          "IAMCreateRootUserPassword",
          "S3UnlockBucketPolicy",
          "SQSUnlockQueuePolicy",
        ].map((task) => [task, status]),
      );
    expect(verdicts(teamAccount)).toEqual(all("ok"));
    expect(verdicts(legacyAccount)).toEqual({ ...all("ok"), S3UnlockBucketPolicy: "problem", SQSUnlockQueuePolicy: "problem" });
    expect(verdicts(directAccount)).toEqual(all("problem"));
    const legacyCheck = first.report.checks.find(
      (check) => check.task === "S3UnlockBucketPolicy" && check.accounts?.includes(legacyAccount),
    );
    expect(legacyCheck?.detail).toContain(
      `no SCP attached to OU Legacy (${legacy}) allows s3:GetBucketPolicy, s3:DeleteBucketPolicy`,
    );
    const directCheck = first.report.checks.find(
      (check) => check.task === "IAMAuditRootUserCredentials" && check.status === "problem",
    );
    expect(directCheck?.detail).toContain(
      `SCP deny-root (${classic}) statement "DenyRootUser", attached to account ${directAccount}`,
    );

    // WHEN the classic SCP is detached and Legacy gets FullAWSAccess back
    await organizations.send(new DetachPolicyCommand({ PolicyId: classic, TargetId: directAccount }));
    await organizations.send(new AttachPolicyCommand({ PolicyId: "p-FullAWSAccess", TargetId: legacy }));
    // THEN every check is ok
    const second = doctor(doctorEnv);
    expect(second.report.checks.filter((check) => check.status !== "ok")).toEqual([]);
    expect(second.code).toBe(0);
  });
});
