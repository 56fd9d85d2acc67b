import { IAMClient, IAMServiceException, ListOrganizationsFeaturesCommand } from "@aws-sdk/client-iam";
import {
  DescribeOrganizationCommand,
  DescribePolicyCommand,
  ListAccountsForParentCommand,
  ListAWSServiceAccessForOrganizationCommand,
  ListDelegatedAdministratorsCommand,
  ListOrganizationalUnitsForParentCommand,
  ListPoliciesCommand,
  ListRootsCommand,
  ListTargetsForPolicyCommand,
  OrganizationsClient,
} from "@aws-sdk/client-organizations";
import { GetCallerIdentityCommand, STSClient } from "@aws-sdk/client-sts";
import { mockClient } from "aws-sdk-client-mock";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { doctor } from "../../../scripts/doctor/command";

const iam = mockClient(IAMClient);
const organizations = mockClient(OrganizationsClient);
const sts = mockClient(STSClient);

const MANAGEMENT = "111111111111";
const ROOT = "r-abcd";
const OU = "ou-abcd-11111111";
const MEMBERS = ["222222222222", "333333333333"];
const CLASSIC = JSON.stringify({
  Statement: [
    {
      Sid: "DenyRoot",
      Effect: "Deny",
      Action: "*",
      Resource: "*",
      Condition: { ArnLike: { "aws:PrincipalArn": "arn:aws:iam::*:root" } },
    },
  ],
});
const EXEMPT = JSON.stringify({
  Statement: [
    {
      Effect: "Deny",
      Action: "*",
      Resource: "*",
      Condition: { ArnLike: { "aws:PrincipalArn": "arn:aws:iam::*:root" }, Null: { "aws:AssumedRoot": "true" } },
    },
  ],
});

const projectRoot = fs.mkdtempSync(path.join(os.tmpdir(), "doctor-"));
afterAll(() => fs.rmSync(projectRoot, { recursive: true, force: true }));

const FULL_ACCESS = JSON.stringify({ Version: "2012-10-17", Statement: [{ Effect: "Allow", Action: "*", Resource: "*" }] });

/**
 * A healthy organization (management credentials, all features, IAM trusted, RootSessions on, SCPs enabled with
 * FullAWSAccess everywhere) with two member accounts in one OU, and these SCPs besides.
 */
function organizationWith(policies: { id: string; name: string; content: string; target?: string }[]) {
  sts.on(GetCallerIdentityCommand).resolves({ Account: MANAGEMENT, Arn: `arn:aws:iam::${MANAGEMENT}:user/operator` });
  organizations
    .on(DescribeOrganizationCommand)
    .resolves({ Organization: { Id: "o-a1b2c3d4e5", MasterAccountId: MANAGEMENT, FeatureSet: "ALL" } });
  organizations
    .on(ListAWSServiceAccessForOrganizationCommand)
    .resolves({ EnabledServicePrincipals: [{ ServicePrincipal: "iam.amazonaws.com" }] });
  iam.on(ListOrganizationsFeaturesCommand).resolves({ OrganizationId: "o-a1b2c3d4e5", EnabledFeatures: ["RootSessions"] });
  organizations.on(ListRootsCommand).resolves({
    Roots: [{ Id: ROOT, Name: "Root", PolicyTypes: [{ Type: "SERVICE_CONTROL_POLICY", Status: "ENABLED" }] }],
  });
  const all = [
    { id: "p-FullAWSAccess", name: "FullAWSAccess", content: FULL_ACCESS, targets: [ROOT, OU, ...MEMBERS] },
    ...policies.map((policy) => ({ ...policy, targets: policy.target ? [policy.target] : [] })),
  ];
  organizations.on(ListPoliciesCommand).resolves({ Policies: all.map((policy) => ({ Id: policy.id, Name: policy.name })) });
  for (const policy of all) {
    organizations.on(DescribePolicyCommand, { PolicyId: policy.id }).resolves({ Policy: { Content: policy.content } });
    organizations
      .on(ListTargetsForPolicyCommand, { PolicyId: policy.id })
      .resolves({ Targets: policy.targets.map((target) => ({ TargetId: target })) });
  }
  organizations
    .on(ListAccountsForParentCommand, { ParentId: ROOT })
    .resolves({ Accounts: [{ Id: MANAGEMENT, Status: "ACTIVE" }] });
  organizations
    .on(ListAccountsForParentCommand, { ParentId: OU })
    .resolves({ Accounts: MEMBERS.map((id) => ({ Id: id, Status: "ACTIVE" })) });
  organizations
    .on(ListOrganizationalUnitsForParentCommand, { ParentId: ROOT })
    .resolves({ OrganizationalUnits: [{ Id: OU, Name: "workloads" }] });
  organizations.on(ListOrganizationalUnitsForParentCommand, { ParentId: OU }).resolves({ OrganizationalUnits: [] });
}

async function run(argv: string[] = []) {
  const stdout: string[] = [];
  const stderr: string[] = [];
  const code = await doctor(
    { argv, env: { AWS_REGION: "us-east-1" }, io: { stdout: (t) => stdout.push(t), stderr: (t) => stderr.push(t) } },
    projectRoot,
  );
  return { code, stdout: stdout.join("\n"), stderr: stderr.join("\n") };
}

beforeEach(() => {
  iam.reset();
  organizations.reset();
  sts.reset();
});

describe("npm run doctor", () => {
  it("exits 0 when every check is ok, and reads no delegated administrators it does not need", async () => {
    organizationWith([{ id: "p-exempt", name: "deny-root-exempt", content: EXEMPT, target: OU }]);
    const { code, stdout } = await run();
    expect(code).toBe(0);
    expect(stdout).toContain("ok           credentials: account 111111111111 is the management account");
    expect(stdout).toContain("ok           root task S3UnlockBucketPolicy: works in all 2 active member accounts");
    expect(stdout).toContain("ok           root task SQSUnlockQueuePolicy: works in all 2 active member accounts");
    expect(stdout).toMatch(/Centralized root access works here\.$/);
    expect(organizations.commandCalls(ListDelegatedAdministratorsCommand)).toHaveLength(0);
  });

  it("names the blocked accounts by OU, the SCP, its statement, where it is attached, and the fix; exit 2", async () => {
    organizationWith([
      { id: "p-classic", name: "deny-root", content: CLASSIC, target: OU },
      { id: "p-exempt", name: "deny-root-exempt", content: EXEMPT, target: OU },
    ]);
    const { code, stdout } = await run(["--json"]);
    expect(code).toBe(2);
    const { checks, summary } = JSON.parse(stdout);
    const where = "OU workloads (ou-abcd-11111111)";
    expect(checks.filter((check: { status: string }) => check.status !== "ok")).toEqual(
      ["S3UnlockBucketPolicy", "SQSUnlockQueuePolicy"].map((task) => ({
        check: `root task ${task}`,
        status: "problem",
        task,
        accounts: MEMBERS,
        detail: expect.stringMatching(
          new RegExp(
            `^blocked in 2 of 2 member accounts \\(${where.replace(/[()]/g, "\\$&")}: 222222222222, 333333333333\\): ` +
              `SCP deny-root \\(p-classic\\) statement "DenyRoot", attached to ${where.replace(/[()]/g, "\\$&")}, denies `,
          ),
        ),
        fix: expect.stringContaining('add "Null": { "aws:AssumedRoot": "true" }'),
      })),
    );
    expect(summary).toEqual({ ok: expect.any(Number), problems: 2, limited: 0, cannotTell: 0 });
  });

  it("reports a policy it cannot evaluate as cannot tell, never ok", async () => {
    organizationWith([{ id: "p-odd", name: "odd", content: "{not json", target: ROOT }]);
    const { code, stdout } = await run();
    expect(code).toBe(2);
    expect(stdout).toContain(
      "CANNOT TELL  root task S3UnlockBucketPolicy: cannot tell in 2 of 2 member accounts (OU workloads (ou-abcd-11111111): " +
        '222222222222, 333333333333): SCP odd (p-odd) statement "the policy", attached to the root r-abcd, cannot be ' +
        "evaluated for s3:GetBucketPolicy, s3:DeleteBucketPolicy: the policy is not valid JSON",
    );
  });

  it("does not apply an SCP attached only to the management account", async () => {
    organizationWith([{ id: "p-classic", name: "deny-root", content: CLASSIC, target: MANAGEMENT }]);
    const { code, stdout } = await run();
    expect(code).toBe(0);
    expect(stdout).toContain("ok           root task S3UnlockBucketPolicy: works in all 2 active member accounts");
  });

  it("says what a member's credentials and missing prerequisites need", async () => {
    organizationWith([]);
    sts.on(GetCallerIdentityCommand).resolves({ Account: "444444444444" });
    organizations.on(ListDelegatedAdministratorsCommand).resolves({ DelegatedAdministrators: [] });
    organizations.on(ListAWSServiceAccessForOrganizationCommand).resolves({ EnabledServicePrincipals: [] });
    iam
      .on(ListOrganizationsFeaturesCommand)
      .rejects(
        new IAMServiceException({ name: "ServiceAccessNotEnabledException", $fault: "client", $metadata: {}, message: "no" }),
      );
    const { code, stdout } = await run();
    expect(code).toBe(2);
    expect(stdout).toContain("PROBLEM      credentials: account 444444444444 is neither the management account (111111111111)");
    expect(stdout).toContain("PROBLEM      IAM trusted access: iam.amazonaws.com has no trusted access");
    expect(stdout).toContain("PROBLEM      root access features: ListOrganizationsFeatures answered ServiceAccessNotEnabled");
  });

  it("turns an unreadable part into cannot tell and goes on", async () => {
    organizationWith([]);
    organizations.on(ListPoliciesCommand).rejects(Object.assign(new Error("denied"), { name: "AccessDeniedException" }));
    const { code, stdout } = await run();
    expect(code).toBe(2);
    expect(stdout).toContain("CANNOT TELL  service control policies: the read failed (AccessDenied)");
    expect(stdout).toContain("CANNOT TELL  root task S3UnlockBucketPolicy: the organization's SCPs could not be read");
    expect(stdout).toContain("ok           root access features: enabled: RootSessions");
  });

  it("before an apply, does not count what the apply does, but still counts a blocking SCP", async () => {
    // GIVEN an organization without IAM trusted access or features yet, under a classic root-deny SCP
    organizationWith([{ id: "p-classic", name: "deny-root", content: CLASSIC, target: OU }]);
    organizations.on(ListAWSServiceAccessForOrganizationCommand).resolves({ EnabledServicePrincipals: [] });
    iam.on(ListOrganizationsFeaturesCommand).resolves({ EnabledFeatures: [] });
    // WHEN the doctor runs before the apply
    const { code, stdout } = await run(["--before-apply"]);
    // THEN trusted access and the features are left to the apply, and the SCP is still the one problem
    expect(code).toBe(2);
    expect(stdout).toContain("ok           IAM trusted access: iam.amazonaws.com has no trusted access yet: the apply does this");
    expect(stdout).toContain(
      "ok           root access features: RootSessions not enabled (enabled: none) yet: the apply does this",
    );
    expect(stdout).toContain("PROBLEM      root task S3UnlockBucketPolicy: blocked in 2 of 2 member accounts");
  });

  it("before a create-mode stack's first apply, an account in no organization is fine", async () => {
    sts.on(GetCallerIdentityCommand).resolves({ Account: MANAGEMENT });
    organizations
      .on(DescribeOrganizationCommand)
      .rejects(Object.assign(new Error("none"), { name: "AWSOrganizationsNotInUseException" }));
    expect((await run(["--before-apply"])).code).toBe(0);
    expect((await run([])).code).toBe(2);
  });

  it("refuses a stray argument with one line and the usage", async () => {
    const { code, stderr } = await run(["a", "b"]);
    expect(code).toBe(1);
    expect(stderr).toBe(
      'doctor: unexpected argument "b"\nUsage: npm run doctor -- [<stack>] [--json] [--before-apply | --plan <plan.json> | --policy <file> --attach <target>...] [--markdown] (--help for more)',
    );
  });

  it("gives CIS 2.1.1 evidence for the stack's organization only: pass with the feature, cannot tell with another's credentials", async () => {
    // GIVEN a healthy organization with RootCredentialsManagement enabled
    organizationWith([]);
    iam.on(ListOrganizationsFeaturesCommand).resolves({
      OrganizationId: "o-a1b2c3d4e5",
      EnabledFeatures: ["RootCredentialsManagement", "RootSessions"],
    });
    // WHEN the doctor runs for it THEN the control passes, naming what was read
    const own = JSON.parse((await run(["--json"])).stdout) as { controls: { status: string; evidence: string }[] };
    expect(own.controls).toEqual([
      expect.objectContaining({
        id: "CIS AWS Foundations Benchmark v7.0.0 2.1.1",
        status: "pass",
        evidence: "iam:ListOrganizationsFeatures for o-a1b2c3d4e5: enabled: RootCredentialsManagement, RootSessions",
      }),
    ]);
    // WHEN the stack names another organization than the credentials' THEN there is no evidence for it
    const config = path.join(projectRoot, "root-access.config.json");
    fs.writeFileSync(
      config,
      JSON.stringify({ stacks: [{ name: "org", organization: { mode: "external", id: "o-zzzzzzzzzz" } }] }),
    );
    try {
      const other = JSON.parse((await run(["--json"])).stdout) as { controls: { status: string }[] };
      expect(other.controls.map((control) => control.status)).toEqual(["cannot tell"]);
    } finally {
      fs.rmSync(config);
    }
  });
});
