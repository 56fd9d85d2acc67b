import { AwsProvider, AwsProviderAssumeRole } from "@cdktf/provider-aws/lib/provider";
import { Construct } from "constructs";
import { ROLE_SESSION_NAME } from "../../scripts/shared/program-contract";
import { coveredRegions } from "../../scripts/shared/root-activity";
import type { StackConfig } from "../config/schema";

/** A provider configuration for one region of one calling account. */
export interface RegionalProvider {
  readonly region: string;
  readonly provider: AwsProvider;
}

/** Where AssumeRoot can be called from: the management account's and IAM's delegated administrator's regions. */
export interface AlertProviders {
  /** The management account in every covered region but the home region (the stack's default provider). */
  readonly management: readonly RegionalProvider[];
  /** The delegated administrator's account in every covered region, the home region first; none without one. */
  readonly delegatedAdministrator: readonly RegionalProvider[];
}

/**
 * One AWS provider configuration per covered region and calling account, beside the stack's default one. Terraform
 * starts one provider process per configuration (the AWS provider 5.x has no per-resource region), which is what
 * the alerts cost in memory and start-up time: `rootActivityAlerts.regions` narrows it (docs/design/root-activity-coverage.md).
 */
export function alertProviders(scope: Construct, config: StackConfig): AlertProviders {
  const regions = coveredRegions(config);
  const managementChain: AwsProviderAssumeRole[] = config.assumeRoleArn
    ? [{ roleArn: config.assumeRoleArn, sessionName: ROLE_SESSION_NAME }]
    : [];
  const providerIn = (alias: string, region: string, chain: AwsProviderAssumeRole[]) =>
    new AwsProvider(scope, `aws-${alias}`, { alias, region, assumeRole: chain.length > 0 ? chain : undefined });
  const management = regions
    .slice(1)
    .map((region) => ({ region, provider: providerIn(`management-${region}`, region, managementChain) }));
  const { delegatedAdministratorAccountId: accountId, rootActivityAlerts } = config;
  const roleName = rootActivityAlerts?.delegatedAdministratorRoleName;
  if (accountId === undefined || roleName === undefined) return { management, delegatedAdministrator: [] };
  // From the management account's credentials (or its role), into a role of the delegated administrator's account.
  const chain = [
    ...managementChain,
    { roleArn: `arn:${config.partition}:iam::${accountId}:role/${roleName}`, sessionName: ROLE_SESSION_NAME },
  ];
  const delegatedAdministrator = regions.map((region) => ({
    region,
    provider: providerIn(`delegated-administrator-${region}`, region, chain),
  }));
  return { management, delegatedAdministrator };
}
