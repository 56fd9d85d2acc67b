import { CloudTrailClient } from "@aws-sdk/client-cloudtrail";
import { EventBridgeClient } from "@aws-sdk/client-eventbridge";
import { SNSClient } from "@aws-sdk/client-sns";
import type { StackConfig } from "../../stacks/config/schema";
import { CredentialProvider, chainedRole } from "../aws/assumed-role";
import { ClientSettings, credentialsOf } from "../aws/aws-clients";
import type { TrailClients } from "./alerts-trail-check";
import type { AlertClients, CallingAccount } from "./root-activity-check";

/**
 * The alerts check's clients: the stack's credentials for the management account, and for IAM's delegated
 * administrator the role the stack's provider assumes there (rootActivityAlerts.delegatedAdministratorRoleName),
 * assumed from them. One client per service, account and region, made when first asked for.
 */
export function alertClients(stack: StackConfig, settings: ClientSettings): AlertClients & { readonly trails: TrailClients } {
  const management = credentialsOf(settings);
  const roleName = stack.rootActivityAlerts?.delegatedAdministratorRoleName;
  const administrator =
    stack.delegatedAdministratorAccountId === undefined || roleName === undefined
      ? undefined
      : chainedRole(
          management,
          `arn:${stack.partition}:iam::${stack.delegatedAdministratorAccountId}:role/${roleName}`,
          stack.region,
          settings.endpoints?.sts,
        );
  const credentials = (account: CallingAccount): CredentialProvider | undefined =>
    account === "management" ? management : administrator;
  const made = new Map<string, unknown>();
  const once = <T>(key: string, make: () => T): T => {
    if (!made.has(key)) made.set(key, make());
    return made.get(key) as T;
  };
  return {
    events: (account, region) =>
      once(`events ${account} ${region}`, () => new EventBridgeClient({ region, credentials: credentials(account) })),
    ec2: (account) =>
      once(`ec2 ${account}`, async () => {
        // Loaded only when the alerts are checked: the EC2 client is the largest the doctor uses.
        const { EC2Client, DescribeRegionsCommand } = await import("@aws-sdk/client-ec2");
        return { client: new EC2Client({ region: stack.region, credentials: credentials(account) }), DescribeRegionsCommand };
      }),
    iam: (account) =>
      once(`iam ${account}`, async () => {
        const { IAMClient, GetRoleCommand, GetRolePolicyCommand } = await import("@aws-sdk/client-iam");
        return {
          client: new IAMClient({ region: stack.region, credentials: credentials(account) }),
          GetRoleCommand,
          GetRolePolicyCommand,
        };
      }),
    sns: new SNSClient({ region: stack.region, credentials: management }),
    trails: (account, region) =>
      once(`cloudtrail ${account} ${region}`, () => new CloudTrailClient({ region, credentials: credentials(account) })),
  };
}
