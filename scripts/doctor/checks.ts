import { IAMClient, ListOrganizationsFeaturesCommand } from "@aws-sdk/client-iam";
import {
  DescribeOrganizationCommand,
  ListAWSServiceAccessForOrganizationCommand,
  ListDelegatedAdministratorsCommand,
  OrganizationsClient,
} from "@aws-sdk/client-organizations";
import { GetCallerIdentityCommand, STSClient } from "@aws-sdk/client-sts";
import type { StackConfig } from "../../stacks/config/schema";
import { awsErrorCode } from "../aws/aws-errors";
import { DOCTOR_CHECKS } from "./catalogue";
import { ScpFinding, scpFindings } from "./scp-findings";

/** One thing the doctor checked. */
export interface Check {
  readonly check: string;
  readonly status: "ok" | "problem" | "cannot tell";
  readonly detail: string;
  /** What to change, for a problem or what cannot be told. */
  readonly fix?: string;
}

/** The clients the checks read through, all with the stack's credentials. */
export interface DoctorClients {
  readonly organizations: OrganizationsClient;
  readonly iam: IAMClient;
  readonly sts: STSClient;
}

const IAM_PRINCIPAL = "iam.amazonaws.com";

/**
 * Whether centralized root access works in the stack's organization, read-only, in the order a fix has to go:
 * who the credentials are, the organization's prerequisites, the features, the delegated administrator, then the
 * SCPs that would deny central root sessions. A check that cannot read what it needs says "cannot tell".
 */
export async function runChecks(
  clients: DoctorClients,
  stack: StackConfig,
  options: { readonly beforeApply?: boolean } = {},
): Promise<Check[]> {
  const checks: Check[] = [];
  // Before an apply, what the apply itself makes true is not a problem yet.
  const applyFixes = (check: Check, fixedByApply: boolean): Check =>
    options.beforeApply && fixedByApply && check.status === "problem"
      ? { check: check.check, status: "ok", detail: `${check.detail} yet: the apply does this` }
      : check;
  const caller = await clients.sts.send(new GetCallerIdentityCommand({}));
  let organization;
  try {
    ({ Organization: organization } = await clients.organizations.send(new DescribeOrganizationCommand({})));
  } catch (error) {
    if (awsErrorCode(error) !== "AWSOrganizationsNotInUse") throw error;
    return [
      applyFixes(
        {
          check: DOCTOR_CHECKS.organization.name,
          status: "problem",
          detail: `account ${caller.Account} belongs to no organization`,
          fix: 'apply the stack in "create" mode, or run with credentials of the organization\'s management account',
        },
        stack.organization.mode === "create",
      ),
    ];
  }
  const managementAccountId = organization?.MasterAccountId ?? "";
  // Read only when it matters (the caller is not the management account, or the stack registers one): the
  // stack's policy allows ListDelegatedAdministrators only then.
  const needsAdministrators = caller.Account !== managementAccountId || stack.delegatedAdministratorAccountId !== undefined;
  const administrators = needsAdministrators
    ? await readOrCannotTell(checks, DOCTOR_CHECKS.delegatedAdministrator.name, () =>
        clients.organizations
          .send(new ListDelegatedAdministratorsCommand({ ServicePrincipal: IAM_PRINCIPAL }))
          .then((reply) => (reply.DelegatedAdministrators ?? []).map((admin) => admin.Id ?? "")),
      )
    : [];
  checks.push(callerCheck(caller.Account ?? "", managementAccountId, administrators ?? []));

  const expected = stack.organization.id;
  if (expected !== undefined && organization?.Id !== expected) {
    checks.push({
      check: DOCTOR_CHECKS.organization.name,
      status: "problem",
      detail: `the credentials belong to ${organization?.Id}, the stack manages ${expected}`,
      fix: `run with credentials of ${expected}'s management account`,
    });
  }
  checks.push(
    organization?.FeatureSet === "ALL"
      ? { check: DOCTOR_CHECKS.allFeatures.name, status: "ok", detail: `${organization.Id} has all features` }
      : {
          check: DOCTOR_CHECKS.allFeatures.name,
          status: "problem",
          detail: `${organization?.Id} has only consolidated billing`,
          fix: "enable all features (aws organizations enable-all-features; every member account must approve)",
        },
  );

  const trusted = await readOrCannotTell(checks, DOCTOR_CHECKS.iamTrustedAccess.name, () =>
    clients.organizations
      .send(new ListAWSServiceAccessForOrganizationCommand({}))
      .then((reply) => (reply.EnabledServicePrincipals ?? []).some((service) => service.ServicePrincipal === IAM_PRINCIPAL)),
  );
  if (trusted !== undefined) {
    checks.push(
      applyFixes(
        trusted
          ? { check: DOCTOR_CHECKS.iamTrustedAccess.name, status: "ok", detail: `${IAM_PRINCIPAL} is trusted` }
          : {
              check: DOCTOR_CHECKS.iamTrustedAccess.name,
              status: "problem",
              detail: `${IAM_PRINCIPAL} has no trusted access`,
              fix: "apply the stack (create or adopt mode enables it); in external mode, add it to the owning stack",
            },
        stack.organization.mode !== "external",
      ),
    );
  }
  checks.push(applyFixes(await featuresCheck(clients.iam, stack.features), true));

  const wanted = stack.delegatedAdministratorAccountId;
  if (wanted !== undefined && administrators !== undefined) {
    checks.push(
      applyFixes(
        administrators.includes(wanted)
          ? {
              check: DOCTOR_CHECKS.delegatedAdministrator.name,
              status: "ok",
              detail: `${wanted} is IAM's delegated administrator`,
            }
          : {
              check: DOCTOR_CHECKS.delegatedAdministrator.name,
              status: "problem",
              detail: `${wanted} is not IAM's delegated administrator (registered: ${administrators.join(", ") || "none"})`,
              fix: "apply the stack, which registers it",
            },
        true,
      ),
    );
  }

  const findings = await readOrCannotTell(checks, DOCTOR_CHECKS.serviceControlPolicies.name, () =>
    scpFindings(clients.organizations),
  );
  if (findings !== undefined) checks.push(...scpChecks(findings));
  return checks;
}

function callerCheck(account: string, managementAccountId: string, administrators: readonly string[]): Check {
  if (account === managementAccountId) {
    return { check: DOCTOR_CHECKS.credentials.name, status: "ok", detail: `account ${account} is the management account` };
  }
  if (administrators.includes(account)) {
    return {
      check: DOCTOR_CHECKS.credentials.name,
      status: "ok",
      detail:
        `account ${account} is IAM's delegated administrator: it can check and disable the features, audit and ` +
        `remove root credentials, but not enable the features (only the management account can)`,
    };
  }
  return {
    check: DOCTOR_CHECKS.credentials.name,
    status: "problem",
    detail: `account ${account} is neither the management account (${managementAccountId}) nor IAM's delegated administrator`,
    fix: "run with credentials of the management account, or set the stack's assumeRoleArn to a role in it",
  };
}

async function featuresCheck(iam: IAMClient, wanted: readonly string[]): Promise<Check> {
  try {
    const { EnabledFeatures: enabled = [] } = await iam.send(new ListOrganizationsFeaturesCommand({}));
    const missing = wanted.filter((feature) => !enabled.includes(feature as never));
    return missing.length === 0
      ? { check: DOCTOR_CHECKS.rootAccessFeatures.name, status: "ok", detail: `enabled: ${enabled.join(", ") || "none"}` }
      : {
          check: DOCTOR_CHECKS.rootAccessFeatures.name,
          status: "problem",
          detail: `${missing.join(", ")} not enabled (enabled: ${enabled.join(", ") || "none"})`,
          fix: "apply the stack",
        };
  } catch (error) {
    return {
      check: DOCTOR_CHECKS.rootAccessFeatures.name,
      status: awsErrorCode(error) === "ServiceAccessNotEnabled" ? "problem" : "cannot tell",
      detail: `ListOrganizationsFeatures answered ${awsErrorCode(error)}`,
      fix: "enable IAM trusted access first (see above)",
    };
  }
}

function scpChecks(findings: readonly ScpFinding[]): Check[] {
  if (findings.length === 0) {
    return [{ check: DOCTOR_CHECKS.serviceControlPolicies.name, status: "ok", detail: "no SCP denies central root sessions" }];
  }
  return findings.map((finding) => {
    const where = finding.targets.map((target) => `${target.type.toLowerCase().replace(/_/g, " ")} ${target.id}`).join(", ");
    const attached = `attached to ${where}, covering ${finding.accountsCovered} account(s)`;
    const statement = finding.verdict.statement ? ` (${finding.verdict.statement})` : "";
    return finding.verdict.verdict === "blocks"
      ? {
          check: `SCP ${finding.policyId} ${finding.name}`,
          status: "problem",
          detail: `${finding.verdict.reason}${statement}; ${attached}`,
          fix:
            'add "Null": { "aws:AssumedRoot": "true" } to the statement\'s Condition, so that central root sessions are ' +
            "exempt; for Control Tower's root-user control, re-enable it with ExemptAssumeRoot",
        }
      : {
          check: `SCP ${finding.policyId} ${finding.name}`,
          status: "cannot tell",
          detail: `cannot tell ${finding.verdict.reason}${statement}; ${attached}`,
          fix: "read the statement and make sure it exempts aws:AssumedRoot sessions",
        };
  });
}

// A read that AccessDenied (or another AWS error) must not end the report: it becomes one "cannot tell".
async function readOrCannotTell<T>(checks: Check[], check: string, read: () => Promise<T>): Promise<T | undefined> {
  try {
    return await read();
  } catch (error) {
    const code = awsErrorCode(error) ?? String(error);
    checks.push({ check, status: "cannot tell", detail: `the read failed (${code})`, fix: "allow the caller to read it" });
    return undefined;
  }
}
