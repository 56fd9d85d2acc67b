import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { builtProgram } from "../../support/paths";

const CLI = builtProgram("plan-gate");
const dir = fs.mkdtempSync(path.join(os.tmpdir(), "plan-gate-"));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

function check(plan: unknown) {
  const file = path.join(dir, `plan-${Math.random().toString(36).slice(2)}.json`);
  fs.writeFileSync(file, typeof plan === "string" ? plan : JSON.stringify(plan));
  const result = spawnSync(process.execPath, [CLI, file], { encoding: "utf8" });
  return { code: result.status, stdout: result.stdout.replace(file, "plan.json") };
}

const orgChange = (before: string[], after: string[]) => ({
  format_version: "1.2",
  planned_values: {},
  configuration: {},
  resource_changes: [
    {
      address: "aws_organizations_organization.organization",
      mode: "managed",
      type: "aws_organizations_organization",
      change: {
        actions: ["update"],
        before: { aws_service_access_principals: before },
        after: { aws_service_access_principals: after },
        after_unknown: {},
      },
    },
  ],
});

describe("npm run plan-gate", () => {
  it("exits 0 and says so when the plan keeps everything", () => {
    const { code, stdout } = check(orgChange(["sso.amazonaws.com"], ["iam.amazonaws.com", "sso.amazonaws.com"]));
    expect(code).toBe(0);
    expect(stdout).toBe(
      [
        "plan-gate: plan.json",
        "  PASS organization-kept: no organization is deleted or replaced",
        "  n/a  organization-creatable: an organization the plan creates does not exist already",
        "  PASS trusted-services-kept: no trusted service principal is removed",
        "  PASS policy-types-kept: no policy type is disabled",
        "  n/a  delegated-administrators-kept: no delegated administrator is deregistered",
        "  n/a  root-user-guardrail-kept: the SCP org-root-access-deny-root-user is neither deleted nor detached",
        "  n/a  root-sessions-kept: a change of org-root-access-deny-root-user blocks no central root session (the doctor's evaluation of the organization as the plan leaves it)",
        "  n/a  root-activity-alerts-kept: the alerting rules (org-root-access-root-sessions, org-root-access-root-sessions-refused) and every region's and account's forwarder, their targets and role, the topic, its policy and its subscriptions keep working",
        "plan-gate: the plan keeps every organization, trusted service, policy type, delegated administrator, root-user guardrail and root-activity alert.",
        "",
      ].join("\n"),
    );
  });

  it("exits 1 listing each offending change", () => {
    const { code, stdout } = check(orgChange(["iam.amazonaws.com", "sso.amazonaws.com"], ["iam.amazonaws.com"]));
    expect(code).toBe(1);
    expect(stdout).toContain(
      "  FAIL trusted-services-kept: no trusted service principal is removed\n         - aws_organizations_organization.organization would disable trusted access for sso.amazonaws.com\n",
    );
    expect(stdout).toContain("plan-gate: 1 rule failed. Do not apply this plan");
  });

  it("exits 1 on a file it cannot read", () => {
    const { code, stdout } = check("not a plan");
    expect(code).toBe(1);
    expect(stdout).toMatch(/^plan-gate: FAIL: cannot read .*: it is not JSON/);
  });
});
