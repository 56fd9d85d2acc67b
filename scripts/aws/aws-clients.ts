import { IAMClient } from "@aws-sdk/client-iam";
import type { OrganizationsClient } from "@aws-sdk/client-organizations";
import { CredentialProvider, assumedRole } from "./assumed-role";
import type { Endpoints } from "./endpoints";

/** What every client of the script is made from: the region, and the role to assume (if any) through STS. */
export interface ClientSettings {
  readonly region?: string;
  readonly roleArn?: string;
  readonly endpoints?: Endpoints;
  /** Credentials resolved once and shared by several clients (see {@link withSharedCredentials}). */
  readonly credentials?: CredentialProvider;
}

/** The credentials a client uses: shared ones, else the role's when one is set, else the SDK's default chain. */
export function credentialsOf(settings: ClientSettings): CredentialProvider | undefined {
  if (settings.credentials) return settings.credentials;
  return settings.roleArn ? assumedRole(settings.roleArn, settings.region, settings.endpoints?.sts) : undefined;
}

/** The same settings with the role assumed once for every client made from them (one sts:AssumeRole, not one each). */
export function withSharedCredentials<T extends ClientSettings>(settings: T): T {
  return { ...settings, credentials: credentialsOf(settings) };
}

/**
 * The IAM client the script talks through: the SDK's default credential chain, endpoint and standard retry
 * (throttling, 5xx, network), optionally behind an assumed role.
 */
export function createIamClient(settings: ClientSettings): IAMClient {
  return new IAMClient({ region: settings.region, credentials: credentialsOf(settings) });
}

/**
 * The Organizations client, for the one verb that needs it (check-deletable): loaded only then, so enable,
 * disable and check do not pay for it. Same credentials, role and retries as the IAM client.
 */
export async function createOrganizationsClient(settings: ClientSettings): Promise<OrganizationsClient> {
  const { OrganizationsClient } = await import("@aws-sdk/client-organizations");
  return new OrganizationsClient({ region: settings.region, credentials: credentialsOf(settings) });
}
