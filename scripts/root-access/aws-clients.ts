import { IAMClient, IAMClientConfig } from "@aws-sdk/client-iam";
import type { OrganizationsClient } from "@aws-sdk/client-organizations";
import { AssumeRoleCommand, STSClient } from "@aws-sdk/client-sts";
import { ROLE_SESSION_NAME } from "./contract";
import { assumeRoleFailed } from "./errors";

/** What an SDK client takes as `credentials`: a function resolving them. */
export type CredentialProvider = Exclude<NonNullable<IAMClientConfig["credentials"]>, { accessKeyId: string }>;

/**
 * The IAM client the script talks through: the SDK's default credential chain, endpoint and standard retry
 * (throttling, 5xx, network), optionally behind an assumed role.
 */
export function createIamClient(options: {
  readonly region?: string;
  readonly roleArn?: string;
  readonly endpoints?: { readonly sts?: string };
}): IAMClient {
  return new IAMClient({
    region: options.region,
    credentials: options.roleArn ? assumedRole(options.roleArn, options.region, options.endpoints?.sts) : undefined,
  });
}

/**
 * The Organizations client, for the one verb that needs it (check-deletable): loaded only then, so enable,
 * disable and check do not pay for it. Same credentials, role and retries as the IAM client.
 */
export async function createOrganizationsClient(options: {
  readonly region?: string;
  readonly roleArn?: string;
  readonly endpoints?: { readonly sts?: string };
}): Promise<OrganizationsClient> {
  const { OrganizationsClient } = await import("@aws-sdk/client-organizations");
  return new OrganizationsClient({
    region: options.region,
    credentials: options.roleArn ? assumedRole(options.roleArn, options.region, options.endpoints?.sts) : undefined,
  });
}

/**
 * Credentials of `roleArn`, assumed with the default credential chain, once per run (a run lasts minutes, the
 * session an hour). The provider's assume_role credentials do not reach local-exec (terraform issue 21983), so
 * the script assumes the same role itself; pipeline commands do the same as the provider.
 */
export function assumedRole(roleArn: string, region: string | undefined, stsEndpoint?: string): CredentialProvider {
  let credentials: ReturnType<CredentialProvider> | undefined;
  return () =>
    (credentials ??= new STSClient({ region })
      .send(new AssumeRoleCommand({ RoleArn: roleArn, RoleSessionName: ROLE_SESSION_NAME }))
      .then(({ Credentials: issued }) => {
        if (!issued?.AccessKeyId || !issued.SecretAccessKey) {
          throw new Error("STS returned no credentials");
        }
        return {
          accessKeyId: issued.AccessKeyId,
          secretAccessKey: issued.SecretAccessKey,
          sessionToken: issued.SessionToken,
          expiration: issued.Expiration,
        };
      })
      .catch((error: unknown) => {
        throw assumeRoleFailed(roleArn, error, stsEndpoint);
      }));
}
