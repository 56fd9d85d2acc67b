import { assumedRole } from "../aws/assumed-role";
import { readOrganizationScps } from "../doctor/organization-scps";
import { organizationChanges } from "../doctor/what-if/organization-changes";
import { WhatIf, whatIf } from "../doctor/what-if/what-if";
import { partitionOfRegion } from "../shared/partitions";
import { ROOT_TASK_DEFINITIONS, RootTask } from "../shared/root-tasks";
import type { Plan, ProviderSettings } from "./plan";

/** What AWS says about the organization of the credentials' account, as far as the gate needs to know. */
export type LiveOrganization =
  | { readonly state: "none" }
  | { readonly state: "member"; readonly id: string; readonly managementAccountId: string }
  | { readonly state: "unknown"; readonly reason: string };

/**
 * Reads the organization the plan's credentials belong to, as the plan's provider would (its region and role;
 * the credentials and endpoint from the environment, like terraform's). Never throws: what it cannot read is
 * "unknown", which the rules treat as a failure. The SDK is loaded here, not when the gate starts: most plans
 * create no organization, and loading it would double the gate's start (0.11 s to 0.35 s measured).
 */
export async function readLiveOrganization(provider: ProviderSettings): Promise<LiveOrganization> {
  const { DescribeOrganizationCommand, OrganizationsClient } = await import("@aws-sdk/client-organizations");
  const client = new OrganizationsClient(actingAs(provider));
  try {
    const { Organization } = await client.send(new DescribeOrganizationCommand({}));
    return Organization?.Id
      ? { state: "member", id: Organization.Id, managementAccountId: Organization.MasterAccountId ?? "?" }
      : { state: "unknown", reason: "DescribeOrganization returned no organization" };
  } catch (error) {
    if ((error as Error).name === "AWSOrganizationsNotInUseException") return { state: "none" };
    return { state: "unknown", reason: `${(error as Error).name}: ${(error as Error).message}` };
  } finally {
    client.destroy();
  }
}

/** Where and as whom the plan's provider acts: its region and role, the credentials from the environment. */
function actingAs(provider: ProviderSettings) {
  const region = provider.region ?? process.env.AWS_REGION ?? process.env.AWS_DEFAULT_REGION;
  return { region, credentials: provider.assumeRoleArn ? assumedRole(provider.assumeRoleArn, region) : undefined };
}

/** What the plan would do to central root sessions, as the doctor's what-if answers it; or why it cannot tell. */
export type RootSessionsAnswer =
  | { readonly state: "answered"; readonly answer: WhatIf }
  | { readonly state: "no organization" }
  | { readonly state: "unknown"; readonly reason: string };

/**
 * The doctor's what-if on the plan (`npm run doctor -- --plan`), for every root task: the organization's SCPs and
 * RCPs read live as the plan's provider would, the plan's changes applied, both evaluated. Never throws.
 */
export async function readRootSessionsAnswer(plan: Plan): Promise<RootSessionsAnswer> {
  const { DescribeOrganizationCommand, OrganizationsClient } = await import("@aws-sdk/client-organizations");
  const { GetCallerIdentityCommand, STSClient } = await import("@aws-sdk/client-sts");
  const { region, credentials } = actingAs(plan.provider);
  const client = new OrganizationsClient({ region, credentials });
  try {
    const { Organization } = await client.send(new DescribeOrganizationCommand({}));
    // Whoever runs the pipeline opens the root sessions: from IAM's delegated administrator, SCPs apply to its own
    // sts:AssumeRoot too, which the doctor evaluates when told the caller.
    const caller = await new STSClient({ region, credentials }).send(new GetCallerIdentityCommand({}));
    const live = await readOrganizationScps(client, {
      id: Organization?.Id ?? "",
      managementAccountId: Organization?.MasterAccountId ?? "",
    });
    const tasks = Object.keys(ROOT_TASK_DEFINITIONS) as RootTask[];
    const answer = whatIf(live, organizationChanges(plan), {
      partition: partitionOfRegion(region ?? "us-east-1") ?? "aws",
      tasks,
      caller: { accountId: caller.Account ?? "", arn: caller.Arn ?? "", region: region ?? "us-east-1" },
    });
    return { state: "answered", answer };
  } catch (error) {
    if ((error as Error).name === "AWSOrganizationsNotInUseException") return { state: "no organization" };
    return { state: "unknown", reason: `${(error as Error).name}: ${(error as Error).message}` };
  } finally {
    client.destroy();
  }
}
