import type { IAMClientConfig } from "@aws-sdk/client-iam";
import { ROLE_SESSION_NAME } from "../shared/program-contract";
import { assumeRoleFailed } from "./aws-errors";

/** What an SDK client takes as `credentials`: a function resolving them. */
export type CredentialProvider = Exclude<NonNullable<IAMClientConfig["credentials"]>, { accessKeyId: string }>;

/**
 * Credentials of `roleArn`, assumed with the default credential chain, once per run (a run lasts minutes, the
 * session an hour). The provider's assume_role credentials do not reach local-exec (terraform issue 21983), so
 * the script assumes the same role itself; pipeline commands do the same as the provider. The STS client is
 * loaded on the first call: the plan gate imports this without loading any SDK client until it reads AWS.
 */
export function assumedRole(roleArn: string, region: string | undefined, stsEndpoint?: string): CredentialProvider {
  let credentials: ReturnType<CredentialProvider> | undefined;
  return () =>
    (credentials ??= import("@aws-sdk/client-sts")
      .then(({ AssumeRoleCommand, STSClient }) =>
        new STSClient({ region }).send(new AssumeRoleCommand({ RoleArn: roleArn, RoleSessionName: ROLE_SESSION_NAME })),
      )
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
