import { IAMClient } from "@aws-sdk/client-iam";
import { CreateAccountCommand, OrganizationsClient } from "@aws-sdk/client-organizations";
import { AssumeRoleCommand, STSClient } from "@aws-sdk/client-sts";
import { clientConfig } from "../../tools/emulator/organization-state";

/** An IAM client acting with the credentials in `env`. */
export const iamAs = (env: NodeJS.ProcessEnv, maxAttempts = 3) => new IAMClient({ ...clientConfig(env), maxAttempts });

/** An Organizations client acting with the credentials in `env`. */
export const organizationsAs = (env: NodeJS.ProcessEnv) => new OrganizationsClient(clientConfig(env));

/** The credential variables of `accountId`, obtained through STS AssumeRole (moto issues them for any role). */
export async function credentialsOf(env: NodeJS.ProcessEnv, accountId: string): Promise<NodeJS.ProcessEnv> {
  const { Credentials } = await new STSClient(clientConfig(env)).send(
    new AssumeRoleCommand({ RoleArn: `arn:aws:iam::${accountId}:role/e2e`, RoleSessionName: "e2e" }),
  );
  return {
    AWS_ACCESS_KEY_ID: Credentials!.AccessKeyId,
    AWS_SECRET_ACCESS_KEY: Credentials!.SecretAccessKey,
    AWS_SESSION_TOKEN: Credentials!.SessionToken,
  };
}

/** Creates a member account in the caller's organization; returns its id. */
export async function createMemberAccount(env: NodeJS.ProcessEnv, name = "member"): Promise<string> {
  const { CreateAccountStatus } = await organizationsAs(env).send(
    new CreateAccountCommand({ AccountName: name, Email: `${name}@example.com` }),
  );
  return CreateAccountStatus!.AccountId!;
}
