import {
  CreateLoginProfileCommand,
  DeactivateMFADeviceCommand,
  DeleteAccessKeyCommand,
  DeleteLoginProfileCommand,
  DeleteSigningCertificateCommand,
  DeleteVirtualMFADeviceCommand,
  GetAccessKeyLastUsedCommand,
  GetLoginProfileCommand,
  IAMClient,
  ListAccessKeysCommand,
  ListMFADevicesCommand,
  ListSigningCertificatesCommand,
} from "@aws-sdk/client-iam";
import { ScriptError, awsErrorCode } from "../aws/aws-errors";
import { RootSessions } from "../aws/root-session";
import { ROOT_TASKS } from "../shared/root-tasks";

/** What a member account's root user has: every kind of standing root credential. */
export interface RootCredentialFindings {
  readonly password: boolean;
  readonly accessKeys: readonly { readonly id: string; readonly status: string; readonly lastUsed: string | null }[];
  readonly mfaDevices: readonly { readonly serialNumber: string; readonly type: "virtual" | "hardware" }[];
  readonly signingCertificates: readonly { readonly id: string; readonly status: string }[];
}

/** True when the root user has no standing credential at all. */
function isClean(findings: RootCredentialFindings): boolean {
  return (
    !findings.password &&
    findings.accessKeys.length === 0 &&
    findings.mfaDevices.length === 0 &&
    findings.signingCertificates.length === 0
  );
}

/** What remove did in one account: the writes it sent, by operation. */
export interface RemovalResult {
  readonly accountId: string;
  readonly before: RootCredentialFindings;
  readonly removed: Readonly<Record<string, number>>;
  readonly dryRun: boolean;
}

/** What recover did: whether the account had a password already, and whether a login profile was created. */
export interface RecoveryResult {
  readonly accountId: string;
  readonly created: boolean;
}

/**
 * Reads and removes member accounts' root credentials, each task in its own short root session with the task
 * policy made for it: audit reads with IAMAuditRootUserCredentials, remove with IAMDeleteRootUserCredentials,
 * recover with IAMCreateRootUserPassword. Every operation reads first and writes only what is there.
 */
export class RootCredentials {
  constructor(private readonly sessions: RootSessions) {}

  /** What `accountId`'s root user has, read in an audit session. */
  audit(accountId: string): Promise<RootCredentialFindings> {
    return this.sessions.run(accountId, ROOT_TASKS.audit, (iam) => readFindings(iam, { lastUsed: true }));
  }

  /**
   * Removes every root credential of `accountId` (password, access keys, signing certificates; MFA devices are
   * deactivated and virtual ones deleted), then reads again to verify. A clean account costs one session and
   * reads, no write. With `dryRun`, only reads, in an audit session.
   */
  async remove(accountId: string, options: { readonly dryRun?: boolean } = {}): Promise<RemovalResult> {
    if (options.dryRun) {
      return { accountId, before: await this.audit(accountId), removed: {}, dryRun: true };
    }
    return this.sessions.run(accountId, ROOT_TASKS.delete, async (iam) => {
      const before = await readFindings(iam, { lastUsed: false });
      const removed: Record<string, number> = {};
      const write = async (operation: string, send: () => Promise<unknown>) => {
        await send();
        removed[operation] = (removed[operation] ?? 0) + 1;
      };
      if (before.password) {
        await write("DeleteLoginProfile", () => ignoreMissing(iam.send(new DeleteLoginProfileCommand({}))));
      }
      for (const key of before.accessKeys) {
        await write("DeleteAccessKey", () => ignoreMissing(iam.send(new DeleteAccessKeyCommand({ AccessKeyId: key.id }))));
      }
      for (const certificate of before.signingCertificates) {
        await write("DeleteSigningCertificate", () =>
          ignoreMissing(iam.send(new DeleteSigningCertificateCommand({ CertificateId: certificate.id }))),
        );
      }
      for (const device of before.mfaDevices) {
        await write("DeactivateMFADevice", () =>
          ignoreMissing(iam.send(new DeactivateMFADeviceCommand({ SerialNumber: device.serialNumber }))),
        );
        if (device.type === "virtual") {
          await write("DeleteVirtualMFADevice", () =>
            ignoreMissing(iam.send(new DeleteVirtualMFADeviceCommand({ SerialNumber: device.serialNumber }))),
          );
        }
      }
      if (Object.keys(removed).length > 0) {
        const after = await readFindings(iam, { lastUsed: false });
        if (!isClean(after)) {
          throw new ScriptError(
            `Removed root credentials of ${accountId}, but it still has ${describeFindings(after)}. Something added ` +
              `them meanwhile, or IAM has not caught up: run again (only what is there is removed).`,
          );
        }
      }
      return { accountId, before, removed, dryRun: false };
    });
  }

  /**
   * Password recovery: a login profile without a password (IAMCreateRootUserPassword), so that whoever owns the
   * account's email address can set a new password. Nothing is created when the root user has a password.
   */
  recover(accountId: string): Promise<RecoveryResult> {
    return this.sessions.run(accountId, ROOT_TASKS.createPassword, async (iam) => {
      if (await hasLoginProfile(iam)) return { accountId, created: false };
      await iam.send(new CreateLoginProfileCommand({}));
      return { accountId, created: true };
    });
  }
}

/** "a password, 2 access keys and 1 MFA device", or "no root credentials". */
export function describeFindings(findings: RootCredentialFindings): string {
  const parts = [
    ...(findings.password ? ["a password"] : []),
    ...counted(findings.accessKeys.length, "access key"),
    ...counted(findings.mfaDevices.length, "MFA device"),
    ...counted(findings.signingCertificates.length, "signing certificate"),
  ];
  if (parts.length === 0) return "no root credentials";
  return parts.length === 1 ? parts[0] : `${parts.slice(0, -1).join(", ")} and ${parts[parts.length - 1]}`;
}

function counted(count: number, noun: string): string[] {
  return count === 0 ? [] : [`${count} ${noun}${count === 1 ? "" : "s"}`];
}

// Inside a root session every call omits UserName: it acts on the root user. No root user has enough of any
// credential to page (AWS allows two access keys, eight MFA devices, two certificates).
async function readFindings(iam: IAMClient, options: { readonly lastUsed: boolean }): Promise<RootCredentialFindings> {
  const [password, keys, devices, certificates] = await Promise.all([
    hasLoginProfile(iam),
    iam.send(new ListAccessKeysCommand({})),
    iam.send(new ListMFADevicesCommand({})),
    iam.send(new ListSigningCertificatesCommand({})),
  ]);
  const accessKeys = await Promise.all(
    (keys.AccessKeyMetadata ?? []).map(async (key) => ({
      id: key.AccessKeyId ?? "",
      status: key.Status ?? "Unknown",
      lastUsed: options.lastUsed
        ? ((
            await iam.send(new GetAccessKeyLastUsedCommand({ AccessKeyId: key.AccessKeyId }))
          ).AccessKeyLastUsed?.LastUsedDate?.toISOString() ?? null)
        : null,
    })),
  );
  return {
    password,
    accessKeys,
    mfaDevices: (devices.MFADevices ?? []).map((device) => ({
      serialNumber: device.SerialNumber ?? "",
      // Virtual devices have an ARN as their serial number; hardware ones a device serial.
      type: device.SerialNumber?.startsWith("arn:") ? ("virtual" as const) : ("hardware" as const),
    })),
    signingCertificates: (certificates.Certificates ?? []).map((certificate) => ({
      id: certificate.CertificateId ?? "",
      status: certificate.Status ?? "Unknown",
    })),
  };
}

// GetLoginProfile answers NoSuchEntity when the root user has no password.
async function hasLoginProfile(iam: IAMClient): Promise<boolean> {
  try {
    await iam.send(new GetLoginProfileCommand({}));
    return true;
  } catch (error) {
    if (awsErrorCode(error) === "NoSuchEntity") return false;
    throw error;
  }
}

// Removed meanwhile (a concurrent run, a person): what was to be removed is gone, which is the goal.
async function ignoreMissing(sending: Promise<unknown>): Promise<void> {
  try {
    await sending;
  } catch (error) {
    if (awsErrorCode(error) !== "NoSuchEntity") throw error;
  }
}
