import { AssumeRoleCommand } from "@aws-sdk/client-sts";
import { createIamClient } from "../../../scripts/aws/aws-clients";
import { assumedRole } from "../../../scripts/aws/assumed-role";
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

  it("assumes the role again five minutes before its credentials expire, so a long run never signs with stale ones", async () => {
    // GIVEN credentials that expire at noon, and a clock we move
    let now = Date.parse("2030-01-01T11:00:00Z");
    sts
      .on(AssumeRoleCommand)
      .resolvesOnce({ Credentials: credentials("FIRST", "2030-01-01T12:00:00Z") })
      .resolvesOnce({ Credentials: credentials("SECOND", "2030-01-01T13:00:00Z") });
    const provider = assumedRole(ROLE, "us-east-1", undefined, () => now);
    // WHEN they are asked for at 11:00, at 11:54 and at 11:56
    const early = await provider();
    now = Date.parse("2030-01-01T11:54:00Z");
    const before = await provider();
    now = Date.parse("2030-01-01T11:56:00Z");
    const after = await provider();
    // THEN the first two are the first session's, the last a new one's
    expect([early.accessKeyId, before.accessKeyId, after.accessKeyId]).toEqual(["FIRST", "FIRST", "SECOND"]);
    expect(sts).toHaveReceivedCommandTimes(AssumeRoleCommand, 2);
  });

  it("renews credentials that last less than ten minutes at half their lifetime, not five minutes before they expire", async () => {
    // GIVEN credentials issued at 11:00 that last four minutes (shorter than the five-minute margin)
    let now = Date.parse("2030-01-01T11:00:00Z");
    sts
      .on(AssumeRoleCommand)
      .resolvesOnce({ Credentials: credentials("SHORT", "2030-01-01T11:04:00Z") })
      .resolvesOnce({ Credentials: credentials("NEXT", "2030-01-01T11:08:00Z") });
    const provider = assumedRole(ROLE, "us-east-1", undefined, () => now);
    // WHEN they are asked for at 11:00, at 11:01:59 and at 11:02
    const first = await provider();
    now = Date.parse("2030-01-01T11:01:59Z");
    const before = await provider();
    now = Date.parse("2030-01-01T11:02:00Z");
    const after = await provider();
    // THEN they serve the first half of their lifetime, and are renewed from its middle on
    expect([first.accessKeyId, before.accessKeyId, after.accessKeyId]).toEqual(["SHORT", "SHORT", "NEXT"]);
    expect(sts).toHaveReceivedCommandTimes(AssumeRoleCommand, 2);
  });

  it("does not keep a failed assumption: the next call assumes the role again", async () => {
    // GIVEN STS that fails once (a throttle that outlasted retries), then issues credentials
    sts
      .on(AssumeRoleCommand)
      .rejectsOnce(Object.assign(new Error("Rate exceeded"), { name: "Throttling" }))
      .resolvesOnce({ Credentials: credentials("LATER", "2030-01-01T13:00:00Z") });
    const provider = assumedRole(ROLE, "us-east-1", undefined, () => Date.parse("2030-01-01T11:00:00Z"));
    // WHEN asked twice THEN the first call fails and the second gets credentials
    await expect(provider()).rejects.toThrow(ROLE);
    await expect(provider()).resolves.toMatchObject({ accessKeyId: "LATER" });
  });

  it("keeps using credentials that still hold when their renewal fails, and renews on a later call", async () => {
    // GIVEN credentials that expire at noon, a renewal at 11:56 that is throttled, and one at 11:57 that works
    let now = Date.parse("2030-01-01T11:00:00Z");
    sts
      .on(AssumeRoleCommand)
      .resolvesOnce({ Credentials: credentials("FIRST", "2030-01-01T12:00:00Z") })
      .rejectsOnce(Object.assign(new Error("Rate exceeded"), { name: "Throttling" }))
      .resolvesOnce({ Credentials: credentials("SECOND", "2030-01-01T13:00:00Z") });
    const provider = assumedRole(ROLE, "us-east-1", undefined, () => now);
    await provider();
    // WHEN the renewal fails THEN the call still gets the valid credentials, and the next call renews
    now = Date.parse("2030-01-01T11:56:00Z");
    await expect(provider()).resolves.toMatchObject({ accessKeyId: "FIRST" });
    now = Date.parse("2030-01-01T11:57:00Z");
    await expect(provider()).resolves.toMatchObject({ accessKeyId: "SECOND" });
    // AND once they have expired, a failed renewal fails the call
    now = Date.parse("2030-01-01T14:00:00Z");
    sts.on(AssumeRoleCommand).rejects(Object.assign(new Error("Rate exceeded"), { name: "Throttling" }));
    await expect(provider()).rejects.toThrow(ROLE);
  });
});

function credentials(accessKeyId: string, expiration: string) {
  return { AccessKeyId: accessKeyId, SecretAccessKey: "secret", SessionToken: "token", Expiration: new Date(expiration) };
}
