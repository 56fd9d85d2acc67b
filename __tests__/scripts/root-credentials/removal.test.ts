import {
  DeleteAccessKeyCommand,
  DeleteLoginProfileCommand,
  DeleteVirtualMFADeviceCommand,
  GetLoginProfileCommand,
  ListAccessKeysCommand,
  ListMFADevicesCommand,
  ListSigningCertificatesCommand,
} from "@aws-sdk/client-iam";
import { AssumeRootCommand, STSServiceException } from "@aws-sdk/client-sts";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { selection } from "../../../scripts/root-credentials/removal";
import { iam, iamError, runScript, sentToIam, sts } from "../root-access/harness";

const MEMBER = "222222222222";
const OTHER = "333333333333";
const DELETE_TASK = "arn:aws:iam::aws:policy/root-task/IAMDeleteRootUserCredentials";
const VIRTUAL = `arn:aws:iam::${MEMBER}:mfa/root-account-mfa-device`;

function stsError(code: string): STSServiceException {
  return new STSServiceException({ name: code, $fault: "client", $metadata: { httpStatusCode: 403 }, message: code });
}

const session = {
  Credentials: { AccessKeyId: "ASIAROOT", SecretAccessKey: "secret", SessionToken: "token", Expiration: new Date() },
};

/** A root user with every kind of credential on the first read, and none on the reads after the removal. */
function rootUserWithEverything() {
  iam
    .on(GetLoginProfileCommand)
    .resolvesOnce({ LoginProfile: { CreateDate: new Date() } } as never)
    .rejects(iamError("NoSuchEntity"));
  iam
    .on(ListAccessKeysCommand)
    .resolvesOnce({
      AccessKeyMetadata: [
        { AccessKeyId: "AKIA1", Status: "Active" },
        { AccessKeyId: "AKIA2", Status: "Inactive" },
      ],
    })
    .resolves({ AccessKeyMetadata: [] });
  iam
    .on(ListMFADevicesCommand)
    .resolvesOnce({ MFADevices: [{ SerialNumber: VIRTUAL } as never, { SerialNumber: "GAHT12345678" } as never] })
    .resolves({ MFADevices: [] });
  iam
    .on(ListSigningCertificatesCommand)
    .resolvesOnce({ Certificates: [{ CertificateId: "CERT1" } as never] })
    .resolves({ Certificates: [] });
}

function cleanRootUser() {
  iam.on(GetLoginProfileCommand).rejects(iamError("NoSuchEntity"));
  iam.on(ListAccessKeysCommand).resolves({ AccessKeyMetadata: [] });
  iam.on(ListMFADevicesCommand).resolves({ MFADevices: [] });
  iam.on(ListSigningCertificatesCommand).resolves({ Certificates: [] });
}

const WRITES = /^(Delete|Deactivate|Create)/;

describe("remove-root-credentials", () => {
  it("removes every kind of root credential in a delete-task session, then verifies the account is clean", async () => {
    // GIVEN a member whose root user has a password, two access keys, a virtual and a hardware MFA device, a certificate
    sts.on(AssumeRootCommand).resolves(session);
    rootUserWithEverything();
    // WHEN terraform's step runs for it
    const run = await runScript(["remove-root-credentials", MEMBER]);
    // THEN one session with the delete task, and exactly these writes (only the virtual device is deleted)
    expect(run.code).toBe(0);
    expect(sts.commandCalls(AssumeRootCommand).map((call) => call.args[0].input)).toEqual([
      { TargetPrincipal: MEMBER, TaskPolicyArn: { arn: DELETE_TASK }, DurationSeconds: 900 },
    ]);
    expect(
      sentToIam()
        .filter((name) => WRITES.test(name))
        .sort(),
    ).toEqual([
      "DeactivateMFADevice",
      "DeactivateMFADevice",
      "DeleteAccessKey",
      "DeleteAccessKey",
      "DeleteLoginProfile",
      "DeleteSigningCertificate",
      "DeleteVirtualMFADevice",
    ]);
    expect(iam.commandCalls(DeleteVirtualMFADeviceCommand)[0].args[0].input).toEqual({ SerialNumber: VIRTUAL });
    expect(iam.commandCalls(DeleteAccessKeyCommand).map((call) => call.args[0].input.AccessKeyId)).toEqual(["AKIA1", "AKIA2"]);
    // AND the MFA device was deactivated before the virtual one was deleted
    const order = sentToIam();
    expect(order.indexOf("DeactivateMFADevice")).toBeLessThan(order.indexOf("DeleteVirtualMFADevice"));
    // AND the reads ran twice (before, and to verify)
    expect(iam.commandCalls(ListAccessKeysCommand)).toHaveLength(2);
    expect(run.result).toEqual({
      action: "remove-root-credentials",
      cleaned: [
        {
          accountId: MEMBER,
          removed: {
            DeleteLoginProfile: 1,
            DeleteAccessKey: 2,
            DeleteSigningCertificate: 1,
            DeactivateMFADevice: 2,
            DeleteVirtualMFADevice: 1,
          },
        },
      ],
      alreadyClean: [],
      finishedEarlier: [],
      failed: [],
    });
    expect(run.stderr).toContain(
      `${MEMBER}: removed from the root user: the password, 2 access keys, 1 signing certificate, 2 MFA devices ` +
        "deactivated and 1 virtual MFA device deleted; verified clean.",
    );
  });

  it.each([
    ["us-gov-west-1", "arn:aws-us-gov:iam::aws:policy/root-task/IAMDeleteRootUserCredentials"],
    ["cn-north-1", "arn:aws-cn:iam::aws:policy/root-task/IAMDeleteRootUserCredentials"],
  ])("asks, in region %s, for the task policy of that region's partition", async (region, taskPolicyArn) => {
    // GIVEN a member with credentials, and the stack's region in GovCloud or China
    sts.on(AssumeRootCommand).resolves(session);
    rootUserWithEverything();
    // WHEN terraform's step runs there
    const run = await runScript(["remove-root-credentials", MEMBER], { ROOT_ACCESS_REGION: region });
    // THEN the session is asked for with that partition's task policy (arn:aws: would name no policy there)
    expect(run.code).toBe(0);
    expect(sts.commandCalls(AssumeRootCommand)[0].args[0].input.TaskPolicyArn).toEqual({ arn: taskPolicyArn });
  });

  it("sends no write to an account that is already clean", async () => {
    sts.on(AssumeRootCommand).resolves(session);
    cleanRootUser();
    const run = await runScript(["remove-root-credentials"], { ROOT_ACCESS_ACCOUNTS: `${MEMBER},${OTHER}` });
    expect(run.code).toBe(0);
    expect(sentToIam().filter((name) => WRITES.test(name))).toEqual([]);
    expect(sts.commandCalls(AssumeRootCommand)).toHaveLength(2);
    expect(run.result).toMatchObject({ cleaned: [], alreadyClean: [MEMBER, OTHER], failed: [] });
  });

  it("reports a refused session with what AWS requires, goes on with the other accounts, and fails at the end", async () => {
    sts.on(AssumeRootCommand, { TargetPrincipal: MEMBER }).rejects(stsError("AccessDenied"));
    sts.on(AssumeRootCommand, { TargetPrincipal: OTHER }).resolves(session);
    cleanRootUser();
    const run = await runScript(["remove-root-credentials", MEMBER, OTHER]);
    expect(run.code).toBe(1);
    expect(run.result).toMatchObject({ alreadyClean: [OTHER], failed: [{ accountId: MEMBER }] });
    expect(run.result.failed[0].reason).toMatch(
      /^sts:AssumeRoot into 222222222222 with IAMDeleteRootUserCredentials was refused \(AccessDenied\)\. AWS allows it only when .* RootCredentialsManagement enabled/,
    );
  });

  it("opens the session again once when it expires midway, and finishes", async () => {
    sts.on(AssumeRootCommand).resolves(session);
    iam.on(GetLoginProfileCommand).rejectsOnce(iamError("ExpiredToken")).rejects(iamError("NoSuchEntity"));
    iam.on(ListAccessKeysCommand).resolves({ AccessKeyMetadata: [] });
    iam.on(ListMFADevicesCommand).resolves({ MFADevices: [] });
    iam.on(ListSigningCertificatesCommand).resolves({ Certificates: [] });
    const run = await runScript(["remove-root-credentials", MEMBER]);
    expect(run.code).toBe(0);
    expect(sts.commandCalls(AssumeRootCommand)).toHaveLength(2);
  });

  it("stops partway on a denied delete and says exactly what was removed, what is left, which call failed and why", async () => {
    // GIVEN a root user with everything, and an SCP that denies the second access key's deletion in root sessions
    sts.on(AssumeRootCommand).resolves(session);
    rootUserWithEverything();
    iam
      .on(DeleteAccessKeyCommand, { AccessKeyId: "AKIA2" })
      .rejects(iamError("AccessDenied", "explicit deny in a service control policy"));
    // WHEN terraform's step runs for it
    const run = await runScript(["remove-root-credentials", MEMBER]);
    // THEN the step fails, and the result accounts for every delete that happened before the refusal
    expect(run.code).toBe(1);
    expect(run.result.failed).toEqual([
      {
        accountId: MEMBER,
        removed: { DeleteLoginProfile: 1, DeleteAccessKey: 1 },
        left: "1 access key, 2 MFA devices and 1 signing certificate",
        failedAction: "iam:DeleteAccessKey",
        reason: expect.stringContaining(
          "denied in 222222222222's root session (AccessDenied). The task policy IAMDeleteRootUserCredentials allows it, " +
            "so a service control policy most likely denies it to central root sessions there: npm run doctor names the policy",
        ),
      },
    ]);
    // AND the log says the same, naming the call and the doctor, never "reading the organization"
    expect(run.stderr).toContain(
      `root-access: error: ${MEMBER}: removed the password and 1 access key; left: 1 access key, 2 MFA devices and ` +
        "1 signing certificate; iam:DeleteAccessKey failed: denied in",
    );
    expect(run.stderr).not.toContain("Reading the organization");
    // AND nothing after the refused call was sent
    expect(sentToIam().filter((name) => WRITES.test(name))).toEqual(["DeleteLoginProfile", "DeleteAccessKey", "DeleteAccessKey"]);
  });

  it("keeps what the first session removed when the session expires midway, and reports the account as cleaned", async () => {
    // GIVEN a root user with two access keys, whose session expires right after the first deletion
    sts.on(AssumeRootCommand).resolves(session);
    cleanRootUser();
    iam
      .on(ListAccessKeysCommand)
      .resolvesOnce({ AccessKeyMetadata: [{ AccessKeyId: "AKIA1" }, { AccessKeyId: "AKIA2" }] })
      .resolvesOnce({ AccessKeyMetadata: [{ AccessKeyId: "AKIA2" }] })
      .resolves({ AccessKeyMetadata: [] });
    iam.on(DeleteAccessKeyCommand, { AccessKeyId: "AKIA1" }).resolves({});
    iam.on(DeleteAccessKeyCommand, { AccessKeyId: "AKIA2" }).rejectsOnce(iamError("ExpiredToken")).resolves({});
    // WHEN terraform's step runs for it
    const run = await runScript(["remove-root-credentials", MEMBER]);
    // THEN a second session finished the job, and both deletions are counted
    expect(run.code).toBe(0);
    expect(sts.commandCalls(AssumeRootCommand)).toHaveLength(2);
    expect(run.result).toMatchObject({ cleaned: [{ accountId: MEMBER, removed: { DeleteAccessKey: 2 } }], alreadyClean: [] });
  });

  it("reads again when the verification read expires, instead of taking it for nothing to remove", async () => {
    // GIVEN a root user with a password, whose session expires during the read that verifies the removal
    sts.on(AssumeRootCommand).resolves(session);
    cleanRootUser();
    iam
      .on(GetLoginProfileCommand)
      .resolvesOnce({ LoginProfile: { CreateDate: new Date() } } as never)
      .rejectsOnce(iamError("ExpiredToken"))
      .rejects(iamError("NoSuchEntity"));
    iam.on(DeleteLoginProfileCommand).resolves({});
    // WHEN terraform's step runs for it
    const run = await runScript(["remove-root-credentials", MEMBER]);
    // THEN the account is cleaned (its password removed), not "already clean"
    expect(run.code).toBe(0);
    expect(run.result).toMatchObject({ cleaned: [{ accountId: MEMBER, removed: { DeleteLoginProfile: 1 } }], alreadyClean: [] });
  });

  it("deactivates a FIDO security key and never sends DeleteVirtualMFADevice for it", async () => {
    // GIVEN a root user whose only credential is a security key (its serial is an ARN too, with :u2f/)
    sts.on(AssumeRootCommand).resolves(session);
    cleanRootUser();
    const key = `arn:aws:iam::${MEMBER}:u2f/root-account/fido-key`;
    iam
      .on(ListMFADevicesCommand)
      .resolvesOnce({ MFADevices: [{ SerialNumber: key } as never] })
      .resolves({ MFADevices: [] });
    // WHEN it is removed THEN only DeactivateMFADevice is sent, and counted
    const run = await runScript(["remove-root-credentials", MEMBER]);
    expect(run.code).toBe(0);
    expect(sentToIam().filter((name) => WRITES.test(name))).toEqual(["DeactivateMFADevice"]);
    expect(run.result.cleaned).toEqual([{ accountId: MEMBER, removed: { DeactivateMFADevice: 1 } }]);
  });

  it("deletes in a new session a virtual device the expired session had deactivated, though no read lists it", async () => {
    // GIVEN a virtual device whose deletion meets an expired session right after its deactivation
    sts.on(AssumeRootCommand).resolves(session);
    cleanRootUser();
    iam
      .on(ListMFADevicesCommand)
      .resolvesOnce({ MFADevices: [{ SerialNumber: VIRTUAL } as never] })
      .resolves({ MFADevices: [] });
    iam.on(DeleteVirtualMFADeviceCommand).rejectsOnce(iamError("ExpiredToken")).resolves({});
    // WHEN it is removed
    const run = await runScript(["remove-root-credentials", MEMBER]);
    // THEN the second session deletes the unlisted device, and both writes are counted once
    expect(run.code).toBe(0);
    expect(iam.commandCalls(DeleteVirtualMFADeviceCommand).map((call) => call.args[0].input)).toEqual([
      { SerialNumber: VIRTUAL },
      { SerialNumber: VIRTUAL },
    ]);
    expect(run.result.cleaned).toEqual([{ accountId: MEMBER, removed: { DeactivateMFADevice: 1, DeleteVirtualMFADevice: 1 } }]);
  });

  it("does not count a delete that finds the credential already gone", async () => {
    // GIVEN a password that someone else removes between the read and the delete
    sts.on(AssumeRootCommand).resolves(session);
    cleanRootUser();
    iam
      .on(GetLoginProfileCommand)
      .resolvesOnce({ LoginProfile: { CreateDate: new Date() } } as never)
      .rejects(iamError("NoSuchEntity"));
    iam.on(DeleteLoginProfileCommand).rejects(iamError("NoSuchEntity"));
    // WHEN it is removed THEN the account is clean, and this run is not said to have removed anything
    const run = await runScript(["remove-root-credentials", MEMBER]);
    expect(run.code).toBe(0);
    expect(run.result).toMatchObject({ cleaned: [], alreadyClean: [MEMBER], failed: [] });
  });

  /** The journal of a run of the same selection, started `hoursAgo`, that finished MEMBER before it was killed. */
  function killedRunJournal(hoursAgo: number): string {
    const journal = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "removal-")), ".root-credentials-removal.journal");
    const started = new Date(Date.now() - hoursAgo * 3600_000).toISOString();
    fs.writeFileSync(
      journal,
      `${JSON.stringify({ journal: "org-root-access", verb: "remove-root-credentials", scope: selection([MEMBER, OTHER]), started })}\n` +
        `${JSON.stringify({ accountId: MEMBER, removed: { DeleteLoginProfile: 1 }, at: started })}\n`,
    );
    return journal;
  }

  it("resumes from its journal: an account an earlier (killed) run finished is not opened again, and is not called clean now", async () => {
    // GIVEN the journal of a killed run an hour ago
    const journal = killedRunJournal(1);
    sts.on(AssumeRootCommand).resolves(session);
    cleanRootUser();
    // WHEN terraform runs the step again for the same selection
    const run = await runScript(["remove-root-credentials", MEMBER, OTHER], { ROOT_ACCESS_JOURNAL: journal });
    // THEN only OTHER is opened; MEMBER is reported as finished by the earlier run, when, and what it removed, not as
    // cleaned or clean in this one; and the finished run's journal is gone
    expect(run.code).toBe(0);
    expect(sts.commandCalls(AssumeRootCommand).map((call) => call.args[0].input.TargetPrincipal)).toEqual([OTHER]);
    expect(run.result).toMatchObject({
      cleaned: [],
      alreadyClean: [OTHER],
      finishedEarlier: [{ accountId: MEMBER, removed: { DeleteLoginProfile: 1 }, finishedAt: expect.any(String) }],
    });
    expect(run.stderr).toMatch(/resuming the run started .*: 1 account\(s\) it finished are not opened again/);
    expect(fs.existsSync(journal)).toBe(false);
  });

  it("does not resume a journal older than a day: its results are not today's", async () => {
    // GIVEN the journal of a run killed two days ago
    const journal = killedRunJournal(48);
    sts.on(AssumeRootCommand).resolves(session);
    cleanRootUser();
    // WHEN the step runs again THEN both accounts are opened and read now
    const run = await runScript(["remove-root-credentials", MEMBER, OTHER], { ROOT_ACCESS_JOURNAL: journal });
    expect(run.code).toBe(0);
    expect(
      sts
        .commandCalls(AssumeRootCommand)
        .map((call) => call.args[0].input.TargetPrincipal)
        .sort(),
    ).toEqual([MEMBER, OTHER].sort());
    expect(run.result).toMatchObject({ alreadyClean: [MEMBER, OTHER].sort(), finishedEarlier: [] });
  });

  it("fails when a credential is still there after the removal", async () => {
    sts.on(AssumeRootCommand).resolves(session);
    cleanRootUser();
    iam.on(GetLoginProfileCommand).resolves({ LoginProfile: { CreateDate: new Date() } } as never);
    iam.on(DeleteLoginProfileCommand).resolves({});
    const run = await runScript(["remove-root-credentials", MEMBER]);
    expect(run.code).toBe(1);
    expect(run.result.failed).toEqual([
      {
        accountId: MEMBER,
        removed: { DeleteLoginProfile: 1 },
        left: "a password",
        failedAction: "the verification read",
        reason: expect.stringMatching(/^222222222222 still has a password\. Something added them meanwhile/),
      },
    ]);
  });

  it("does nothing, successfully, when no account is selected", async () => {
    const run = await runScript(["remove-root-credentials"], { ROOT_ACCESS_ACCOUNTS: "" });
    expect(run.code).toBe(0);
    expect(sts.calls()).toHaveLength(0);
    expect(run.stderr).toContain("no member account is selected: nothing to remove.");
  });

  it.each(["12345", "arn:aws:iam::222222222222:root", "22222222222a"])("refuses the account id %p", async (id) => {
    const run = await runScript(["remove-root-credentials", id]);
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/^root-access: error: Invalid command line: account id ".*" is not 12 digits\./);
    expect(sts.calls()).toHaveLength(0);
  });
});
