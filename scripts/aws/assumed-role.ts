import type { IAMClientConfig } from "@aws-sdk/client-iam";
import { ROLE_SESSION_NAME } from "../shared/program-contract";
import { assumeRoleFailed } from "./aws-errors";

/** What an SDK client takes as `credentials`: a function resolving them. */
export type CredentialProvider = Exclude<NonNullable<IAMClientConfig["credentials"]>, { accessKeyId: string }>;

/**
 * How long before they expire assumed credentials are renewed: a call signed with them must not outlive them.
 * Five minutes, or half their lifetime when they last less than ten (a role's session may be as short as 15).
 */
const RENEW_BEFORE_EXPIRY_MS = 5 * 60 * 1000;

type Credentials = Awaited<ReturnType<CredentialProvider>>;

/** Assumed credentials, and when they are to be renewed. */
interface Held {
  readonly credentials: Credentials;
  readonly renewAt: number;
}

/**
 * Credentials of `roleArn`, assumed with the default credential chain, shared by every client made from them and
 * renewed before they expire (a run in a large organization can outlast the role's session). A
 * failed assumption is not kept: the next call tries again. The provider's assume_role credentials do not reach
 * local-exec (terraform issue 21983), so the script assumes the same role itself; pipeline commands do the same
 * as the provider. The STS client is loaded on the first call: the plan gate imports this without loading any SDK
 * client until it reads AWS.
 */
export function assumedRole(
  roleArn: string,
  region: string | undefined,
  stsEndpoint?: string,
  now: () => number = Date.now,
): CredentialProvider {
  return renewed(() => assume(roleArn, region, stsEndpoint), now);
}

/**
 * Credentials of `roleArn` assumed with `from` (another role's, or the default chain's when undefined): a role
 * chain, such as the management account's role into a role of IAM's delegated administrator. Renewed the same way.
 */
export function chainedRole(
  from: CredentialProvider | undefined,
  roleArn: string,
  region: string | undefined,
  stsEndpoint?: string,
  now: () => number = Date.now,
): CredentialProvider {
  return renewed(() => assume(roleArn, region, stsEndpoint, from), now);
}

function renewed(issue: () => Promise<Credentials>, now: () => number): CredentialProvider {
  let current: Held | undefined;
  let assuming: Promise<Credentials> | undefined;
  const valid = ({ credentials }: Held) => credentials.expiration === undefined || credentials.expiration.getTime() > now();
  return () => {
    if (current !== undefined && current.renewAt > now()) return Promise.resolve(current.credentials);
    assuming ??= issue()
      .then((credentials) => (current = held(credentials, now())).credentials)
      .catch((error: unknown) => {
        // A renewal that fails while the credentials still hold leaves them in use; the next call tries again.
        if (current !== undefined && valid(current)) return current.credentials;
        throw error;
      })
      .finally(() => {
        assuming = undefined;
      });
    return assuming;
  };
}

function held(credentials: Credentials, issuedAt: number): Held {
  const expiresAt = credentials.expiration?.getTime();
  if (expiresAt === undefined) return { credentials, renewAt: Infinity };
  return { credentials, renewAt: expiresAt - Math.min(RENEW_BEFORE_EXPIRY_MS, (expiresAt - issuedAt) / 2) };
}

async function assume(
  roleArn: string,
  region: string | undefined,
  stsEndpoint?: string,
  from?: CredentialProvider,
): Promise<Credentials> {
  try {
    const { AssumeRoleCommand, STSClient } = await import("@aws-sdk/client-sts");
    const { Credentials: issued } = await new STSClient({ region, credentials: from }).send(
      new AssumeRoleCommand({ RoleArn: roleArn, RoleSessionName: ROLE_SESSION_NAME }),
    );
    if (!issued?.AccessKeyId || !issued.SecretAccessKey) throw new Error("STS returned no credentials");
    return {
      accessKeyId: issued.AccessKeyId,
      secretAccessKey: issued.SecretAccessKey,
      sessionToken: issued.SessionToken,
      expiration: issued.Expiration,
    };
  } catch (error) {
    throw assumeRoleFailed(roleArn, error, stsEndpoint);
  }
}
