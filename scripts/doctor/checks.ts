import { IAMClient, ListOrganizationsFeaturesCommand } from "@aws-sdk/client-iam";
import {
  DescribeOrganizationCommand,
  ListAWSServiceAccessForOrganizationCommand,
  ListDelegatedAdministratorsCommand,
  OrganizationsClient,
} from "@aws-sdk/client-organizations";
import { GetCallerIdentityCommand, STSClient } from "@aws-sdk/client-sts";
import type { StackConfig } from "../../stacks/config/schema";
import { partitionOfArn } from "../shared/partitions";
import { coveredRegions } from "../shared/root-activity";
import { tasksOf } from "../shared/root-tasks";
import { awsErrorCode } from "../aws/aws-errors";
import { Check, DOCTOR_CHECKS } from "./catalogue";
import { readOrganizationScps } from "./organization-scps";
import { TrailClients, alertsTrailCheck } from "./alerts-trail-check";
import { AlertClients, rootActivityAlertsCheck } from "./root-activity-check";
import { evaluateRootSessionAccess } from "./root-session-access";
import { rootTaskChecks } from "./root-session-report";

/** The clients the checks read through, all with the stack's credentials. */
export interface DoctorClients {
  readonly organizations: OrganizationsClient;
  readonly iam: IAMClient;
  readonly sts: STSClient;
  /** For a stack with rootActivityAlerts: EventBridge, EC2, SNS and CloudTrail in the calling accounts. */
  readonly alerts?: AlertClients & { readonly trails: TrailClients };
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
): Promise<DoctorFindings> {
  const facts: { organizationId?: string; enabledFeatures?: readonly string[] } = {};
  const checks = await collectChecks(clients, stack, options, facts);
  return { checks, ...facts };
}

/** The checks, and what they read that the evidence (controls) needs. */
export interface DoctorFindings {
  readonly checks: Check[];
  readonly organizationId?: string;
  /** What iam:ListOrganizationsFeatures reported; undefined when it could not be read. */
  readonly enabledFeatures?: readonly string[];
}

async function collectChecks(
  clients: DoctorClients,
  stack: StackConfig,
  options: { readonly beforeApply?: boolean },
  facts: { organizationId?: string; enabledFeatures?: readonly string[] },
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
  // The evidence is about the stack's organization only: credentials of another one give none.
  if (stack.organization.id === undefined || stack.organization.id === organization?.Id) facts.organizationId = organization?.Id;
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
  const features = await featuresCheck(clients.iam, stack.features);
  facts.enabledFeatures = features.enabled;
  checks.push(applyFixes(features.result, true));

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

  if (stack.rootActivityAlerts !== undefined && clients.alerts !== undefined) {
    const place = {
      region: stack.region,
      partition: partitionOfArn(caller.Arn ?? "") ?? stack.partition,
      accountId: caller.Account ?? "",
      delegatedAdministratorAccountId: stack.delegatedAdministratorAccountId,
    };
    const { result, missing } = await rootActivityAlertsCheck(clients.alerts, stack.rootActivityAlerts, place);
    // Before the first apply, a missing rule is the apply's to create; a pending subscription is not.
    checks.push(applyFixes(result, missing));
    checks.push(await alertsTrailCheck(clients.alerts.trails, { ...place, regions: coveredRegions(stack) }));
  }

  // SCPs decide whether central root sessions can do their tasks; they never apply to the management account.
  const tasks = tasksOf(stack.features);
  const partition = partitionOfArn(caller.Arn ?? "") ?? stack.partition;
  const scps = await readOrCannotTell(checks, DOCTOR_CHECKS.serviceControlPolicies.name, () =>
    readOrganizationScps(clients.organizations, { id: organization?.Id ?? "", managementAccountId }),
  );
  if (scps === undefined) {
    for (const task of tasks) {
      checks.push({
        check: `${DOCTOR_CHECKS.rootTask.name} ${task}`,
        status: "cannot tell",
        task,
        detail: "the organization's SCPs could not be read",
        fix: "allow the caller the reads of service control policies (npm run policy prints them)",
      });
    }
    return checks;
  }
  checks.push({
    check: DOCTOR_CHECKS.serviceControlPolicies.name,
    status: "ok",
    detail: scps.scpsEnabled
      ? `${scps.policies.size} SCP(s) read, ${scps.accounts.length} account(s) in ${scps.units.size} OU(s)`
      : "the SERVICE_CONTROL_POLICY type is not enabled in the root: no SCP applies",
  });
  const opener = { accountId: caller.Account ?? "", arn: caller.Arn ?? "", region: stack.region };
  checks.push(...rootTaskChecks(scps, tasks, evaluateRootSessionAccess(scps, { partition, tasks, caller: opener })));
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

async function featuresCheck(
  iam: IAMClient,
  wanted: readonly string[],
): Promise<{ readonly result: Check; readonly enabled?: readonly string[] }> {
  try {
    const { EnabledFeatures: enabled = [] } = await iam.send(new ListOrganizationsFeaturesCommand({}));
    const missing = wanted.filter((feature) => !enabled.includes(feature as never));
    const result: Check =
      missing.length === 0
        ? { check: DOCTOR_CHECKS.rootAccessFeatures.name, status: "ok", detail: `enabled: ${enabled.join(", ") || "none"}` }
        : {
            check: DOCTOR_CHECKS.rootAccessFeatures.name,
            status: "problem",
            detail: `${missing.join(", ")} not enabled (enabled: ${enabled.join(", ") || "none"})`,
            fix: "apply the stack",
          };
    return { result, enabled };
  } catch (error) {
    // Without trusted access IAM cannot say which features are on: that is not "none enabled".
    return {
      result: {
        check: DOCTOR_CHECKS.rootAccessFeatures.name,
        status: awsErrorCode(error) === "ServiceAccessNotEnabled" ? "problem" : "cannot tell",
        detail: `ListOrganizationsFeatures answered ${awsErrorCode(error)}`,
        fix: "enable IAM trusted access first (see above)",
      },
    };
  }
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
