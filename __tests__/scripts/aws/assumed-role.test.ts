import { AssumeRoleCommand } from "@aws-sdk/client-sts";
import { createIamClient } from "../../../scripts/aws/aws-clients";
import { sts } from "../root-access/harness";

const ROLE = "arn:aws:iam::111122223333:role/Deployer";

describe("assuming the provider's role", () => {
  it("assumes the role once, with the stack's session name, and calls IAM with its credentials", async () => {
    // GIVEN STS issues credentials for the role
    const expiration = new Date("2030-01-01T00:00:00Z");
    sts.on(AssumeRoleCommand).resolves({
      Credentials: { AccessKeyId: "ASIAEXAMPLE", SecretAccessKey: "secret", SessionToken: "token", Expiration: expiration },
    });
    // WHEN the IAM client resolves its credentials twice
    const client = createIamClient({ region: "us-east-1", roleArn: ROLE });
    const first = await client.config.credentials();
    await client.config.credentials();
    // THEN STS was asked once, for that role and session name
    expect(sts).toHaveReceivedCommandTimes(AssumeRoleCommand, 1);
    expect(sts).toHaveReceivedCommandWith(AssumeRoleCommand, { RoleArn: ROLE, RoleSessionName: "org-root-access" });
    expect(first).toMatchObject({ accessKeyId: "ASIAEXAMPLE", secretAccessKey: "secret", sessionToken: "token", expiration });
  });

  it("does not call STS when no role is configured", () => {
    createIamClient({ region: "us-east-1" });
    expect(sts).not.toHaveReceivedCommand(AssumeRoleCommand);
  });

  it("fails on AccessDenied with what the trust policy and the caller need", async () => {
    sts
      .on(AssumeRoleCommand)
      .rejects(Object.assign(new Error("not authorized to perform: sts:AssumeRole"), { name: "AccessDenied" }));
    const client = createIamClient({ region: "us-east-1", roleArn: ROLE });
    await expect(client.config.credentials()).rejects.toThrow(
      `Could not assume ${ROLE} (AccessDenied: not authorized to perform: sts:AssumeRole). The role's trust policy must allow ` +
        "the calling principal, and the caller needs sts:AssumeRole on the role. Nothing was changed.",
    );
  });

  it("fails with the network explanation when STS cannot be reached", async () => {
    sts.on(AssumeRoleCommand).rejects(Object.assign(new Error("getaddrinfo ENOTFOUND sts.amazonaws.com"), { code: "ENOTFOUND" }));
    const client = createIamClient({ region: "us-east-1", roleArn: ROLE });
    await expect(client.config.credentials()).rejects.toThrow(`sts:AssumeRole on ${ROLE} failed: the connection to`);
  });
});
