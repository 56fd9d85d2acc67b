import { EnableOrganizationsRootSessionsCommand } from "@aws-sdk/client-iam";
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
    report: JSON.parse(result.stdout || "{}") as { checks: { check: string; status: string; detail: string }[] },
  };
}

describe("npm run doctor against the emulator", () => {
  it("names only the SCP that blocks root sessions, with where it is attached, and is ok once it is detached", async () => {
    // GIVEN an organization with root access, one OU under a classic root-deny SCP and another under the exempted form
    const env = emulator.environment();
    const organizations = organizationsAs(env);
    const { Organization } = await organizations.send(new CreateOrganizationCommand({ FeatureSet: "ALL" }));
    await organizations.send(new EnableAWSServiceAccessCommand({ ServicePrincipal: "iam.amazonaws.com" }));
    await iamAs(env).send(new EnableOrganizationsRootSessionsCommand({}));
    const rootId = (await organizations.send(new ListRootsCommand({}))).Roots![0].Id!;
    await organizations.send(new EnablePolicyTypeCommand({ RootId: rootId, PolicyType: "SERVICE_CONTROL_POLICY" }));
    const units: string[] = [];
    for (const [name, exempt] of [
      ["classic", false],
      ["exempt", true],
    ] as const) {
      const { OrganizationalUnit } = await organizations.send(
        new CreateOrganizationalUnitCommand({ ParentId: rootId, Name: name }),
      );
      const account = await createMemberAccount(env, name);
      await organizations.send(
        new MoveAccountCommand({ AccountId: account, SourceParentId: rootId, DestinationParentId: OrganizationalUnit!.Id }),
      );
      const { Policy } = await organizations.send(
        new CreatePolicyCommand({
          Name: `deny-root-${name}`,
          Description: name,
          Type: "SERVICE_CONTROL_POLICY",
          Content: rootDeny(exempt),
        }),
      );
      await organizations.send(
        new AttachPolicyCommand({ PolicyId: Policy!.PolicySummary!.Id, TargetId: OrganizationalUnit!.Id }),
      );
      units.push(Policy!.PolicySummary!.Id!, OrganizationalUnit!.Id!);
    }
    const [classicPolicy, classicUnit] = units;
    const config = path.join(dir, "root-access.config.json");
    fs.writeFileSync(
      config,
      JSON.stringify({ stacks: [{ name: "org", organization: { mode: "adopt", id: Organization!.Id } }] }),
    );
    const doctorEnv = { ...env, ROOT_ACCESS_CONFIG: config };

    // WHEN the doctor runs
    const first = doctor(doctorEnv);
    // THEN it exits 2 and the only problem is the classic SCP, on its OU, covering one account
    expect(first.code).toBe(2);
    expect(first.report.checks.filter((check) => check.status !== "ok")).toEqual([
      {
        check: `SCP ${classicPolicy} deny-root-classic`,
        status: "problem",
        detail: expect.stringContaining(`attached to organizational unit ${classicUnit}, covering 1 account(s)`),
        fix: expect.any(String),
      },
    ]);

    // WHEN the classic SCP is detached
    await organizations.send(new DetachPolicyCommand({ PolicyId: classicPolicy, TargetId: classicUnit }));
    // THEN every check is ok
    const second = doctor(doctorEnv);
    expect(second.report.checks.filter((check) => check.status !== "ok")).toEqual([]);
    expect(second.code).toBe(0);
  });
});
