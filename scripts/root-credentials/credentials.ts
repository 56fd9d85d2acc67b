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
import { ScriptError, awsErrorCode, explainAwsError } from "../aws/aws-errors";
import { RootSessionRefused, RootSessions } from "../aws/root-session";
import { ROOT_TASKS } from "../shared/root-tasks";

/** What a member account's root user has: every kind of standing root credential. */
export interface RootCredentialFindings {
  readonly password: boolean;
  readonly accessKeys: readonly { readonly id: string; readonly status: string; readonly lastUsed: string | null }[];
  readonly mfaDevices: readonly { readonly serialNumber: string; readonly type: "virtual" | "security key" | "hardware" }[];
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
 * A removal that stopped partway: exactly what it removed (every delete is counted as it succeeds, across every
 * session the account took), what is left, which call failed, why, and the likely cause. Removal cannot be undone,
 * so this is what a person reads before running it again; the next run removes only what is left.
 */
export class RemovalFailed extends ScriptError {
  override readonly name = "RemovalFailed";

  constructor(
    readonly accountId: string,
    readonly removed: Readonly<Record<string, number>>,
    /** What the root user still has, as far as the last read and the deletes after it tell; undefined if never read. */
    readonly left: RootCredentialFindings | undefined,
    readonly failedAction: string,
    readonly reason: string,
  ) {
    super(
      `${accountId}: removed ${describeRemoved(removed)}; left: ${left === undefined ? "not read" : describeFindings(left)}; ` +
        `${failedAction} failed: ${reason}`,
    );
  }
}

/** A call inside a root session that failed, named with its action and explained. */
class SessionCallFailed extends ScriptError {
  override readonly name = "SessionCallFailed";

  constructor(
    readonly action: string,
    readonly reason: string,
    options: { readonly cause: unknown },
  ) {
    super(`${action} failed: ${reason}`, options);
  }
}

/**
 * Reads and removes member accounts' root credentials, each task in its own short root session with the task
 * policy made for it: audit reads with IAMAuditRootUserCredentials, remove with IAMDeleteRootUserCredentials,
 * recover with IAMCreateRootUserPassword. Every operation reads first and writes only what is there.
 */
export class RootCredentials {
  constructor(private readonly sessions: RootSessions) {}

  /** What `accountId`'s root user has, read in an audit session. */
  async audit(accountId: string): Promise<RootCredentialFindings> {
    const task = ROOT_TASKS.audit;
    try {
      return await this.sessions.run(accountId, task, (iam) => readFindings(session(iam, accountId, task), { lastUsed: true }));
    } catch (error) {
      throw error instanceof SessionCallFailed ? new ScriptError(`${accountId}: ${error.message}`, { cause: error }) : error;
    }
  }

  /**
   * Removes every root credential of `accountId` (password, access keys, signing certificates; MFA devices are
   * deactivated and virtual ones deleted), then reads again to verify. A clean account costs one session and
   * reads, no write. With `dryRun`, only reads, in an audit session. Every delete is counted as it succeeds; a
   * session that expires midway is opened again and goes on from a new read, so nothing it did is lost and a
   * verification read that expires is read again, never taken for "nothing to remove". A failure throws
   * {@link RemovalFailed} with the exact account of what was done.
   */
  async remove(accountId: string, options: { readonly dryRun?: boolean } = {}): Promise<RemovalResult> {
    if (options.dryRun) {
      return { accountId, before: await this.audit(accountId), removed: {}, dryRun: true };
    }
    const task = ROOT_TASKS.delete;
    const removed: Record<string, number> = {};
    let before: RootCredentialFindings | undefined;
    let latest: RootCredentialFindings | undefined;
    const gone = new Set<string>(); // what was removed (or found gone) since the latest read
    // Virtual devices deactivated but not yet deleted: ListMFADevices no longer lists them, so a new session must
    // remember to delete them.
    const deactivated = new Map<string, RootCredentialFindings["mfaDevices"][number]>();
    let iam: SessionClient | undefined;
    try {
      await this.sessions.run(accountId, task, async (client) => {
        iam = session(client, accountId, task);
        const calls = iam;
        latest = await readFindings(calls, { lastUsed: false });
        before ??= latest;
        gone.clear();
        // A delete that finds the credential gone (a person, a concurrent run) is not counted: it was not this one.
        const remove = async (operation: string, item: string, send: (iam: IAMClient) => Promise<unknown>) => {
          if (await ignoreMissing(calls.call(`iam:${operation}`, send))) removed[operation] = (removed[operation] ?? 0) + 1;
          gone.add(item);
        };
        const deleteVirtual = async (device: RootCredentialFindings["mfaDevices"][number]) => {
          await remove("DeleteVirtualMFADevice", `device ${device.serialNumber}`, (c) =>
            c.send(new DeleteVirtualMFADeviceCommand({ SerialNumber: device.serialNumber })),
          );
          deactivated.delete(device.serialNumber);
        };
        if (latest.password) await remove("DeleteLoginProfile", "password", (c) => c.send(new DeleteLoginProfileCommand({})));
        for (const key of latest.accessKeys) {
          await remove("DeleteAccessKey", `key ${key.id}`, (c) => c.send(new DeleteAccessKeyCommand({ AccessKeyId: key.id })));
        }
        for (const certificate of latest.signingCertificates) {
          await remove("DeleteSigningCertificate", `certificate ${certificate.id}`, (c) =>
            c.send(new DeleteSigningCertificateCommand({ CertificateId: certificate.id })),
          );
        }
        for (const device of [...deactivated.values()]) await deleteVirtual(device);
        for (const device of latest.mfaDevices) {
          const item = `device ${device.serialNumber}`;
          await remove("DeactivateMFADevice", device.type === "virtual" ? `${item} active` : item, (c) =>
            c.send(new DeactivateMFADeviceCommand({ SerialNumber: device.serialNumber })),
          );
          if (device.type === "virtual") {
            deactivated.set(device.serialNumber, device);
            await deleteVirtual(device);
          }
        }
        if (Object.keys(removed).length > 0 || gone.size > 0) {
          latest = await readFindings(calls, { lastUsed: false });
          gone.clear();
          if (!isClean(latest)) {
            throw new SessionCallFailed(
              "the verification read",
              `${accountId} still has ${describeFindings(latest)}. Something added them meanwhile, or IAM has not caught ` +
                "up: run again (only what is there is removed).",
              { cause: undefined },
            );
          }
        }
      });
    } catch (error) {
      const read = latest && withoutGone(latest, gone);
      // A virtual device deactivated but not deleted is still the root user's, though no read lists it now.
      const left = read && {
        ...read,
        mfaDevices: [
          ...read.mfaDevices,
          ...[...deactivated.values()].filter(
            (device) => !read.mfaDevices.some((listed) => listed.serialNumber === device.serialNumber),
          ),
        ],
      };
      if (error instanceof SessionCallFailed) throw new RemovalFailed(accountId, removed, left, error.action, error.reason);
      if (error instanceof RootSessionRefused) throw new RemovalFailed(accountId, removed, left, "sts:AssumeRoot", error.message);
      const lastAction = iam?.lastAction ?? "the removal";
      if (awsErrorCode(error) === "ExpiredToken") {
        throw new RemovalFailed(
          accountId,
          removed,
          left,
          lastAction,
          "the root session expired in the middle of the removal three times (ExpiredToken): IAM answers slowly or this " +
            "machine's clock is off; run again (only what is left is removed).",
        );
      }
      throw new RemovalFailed(accountId, removed, left, lastAction, `${(error as Error)?.name}: ${(error as Error)?.message}`);
    }
    return { accountId, before: before!, removed, dryRun: false };
  }

  /**
   * Password recovery: a login profile without a password (IAMCreateRootUserPassword), so that whoever owns the
   * account's email address can set a new password. Nothing is created when the root user has a password.
   */
  async recover(accountId: string): Promise<RecoveryResult> {
    const task = ROOT_TASKS.createPassword;
    try {
      return await this.sessions.run(accountId, task, async (client) => {
        const iam = session(client, accountId, task);
        if (await hasLoginProfile(iam)) return { accountId, created: false };
        await iam.call("iam:CreateLoginProfile", (c) => c.send(new CreateLoginProfileCommand({})));
        return { accountId, created: true };
      });
    } catch (error) {
      throw error instanceof SessionCallFailed ? new ScriptError(`${accountId}: ${error.message}`, { cause: error }) : error;
    }
  }
}

/** What the removal counted, in words: "the password, 2 access keys and 1 MFA device deactivated", or "nothing". */
export function describeRemoved(removed: Readonly<Record<string, number>>): string {
  const count = (operation: string) => removed[operation] ?? 0;
  const parts = [
    ...(count("DeleteLoginProfile") > 0 ? ["the password"] : []),
    ...counted(count("DeleteAccessKey"), "access key"),
    ...counted(count("DeleteSigningCertificate"), "signing certificate"),
    ...counted(count("DeactivateMFADevice"), "MFA device").map((text) => `${text} deactivated`),
    ...counted(count("DeleteVirtualMFADevice"), "virtual MFA device").map((text) => `${text} deleted`),
  ];
  if (parts.length === 0) return "nothing";
  return parts.length === 1 ? parts[0] : `${parts.slice(0, -1).join(", ")} and ${parts[parts.length - 1]}`;
}

// The latest read, less what was removed after it.
function withoutGone(findings: RootCredentialFindings, gone: ReadonlySet<string>): RootCredentialFindings {
  return {
    password: findings.password && !gone.has("password"),
    accessKeys: findings.accessKeys.filter((key) => !gone.has(`key ${key.id}`)),
    signingCertificates: findings.signingCertificates.filter((certificate) => !gone.has(`certificate ${certificate.id}`)),
    mfaDevices: findings.mfaDevices.filter((device) => !gone.has(`device ${device.serialNumber}`)),
  };
}

/** An IAM client acting in one root session, whose calls fail naming themselves. */
interface SessionClient {
  call<T>(action: string, send: (iam: IAMClient) => Promise<T>): Promise<T>;
  /** The call made last, for a failure that is not a call's own (a session that keeps expiring). */
  readonly lastAction?: string;
}

function session(iam: IAMClient, accountId: string, task: string): SessionClient {
  const client: { lastAction?: string } & Pick<SessionClient, "call"> = {
    async call(action, send) {
      client.lastAction = action;
      try {
        return await send(iam);
      } catch (error) {
        const code = awsErrorCode(error);
        // Left as they are: the session reopens on ExpiredToken, and NoSuchEntity means "not there" to the caller.
        if (code === "ExpiredToken" || code === "NoSuchEntity") throw error;
        throw new SessionCallFailed(action, sessionCallProblem(accountId, task, action, error), { cause: error });
      }
    },
  };
  return client;
}

// Why a call in a root session failed, and its likely cause: the task policy allows every call this project
// makes in it, so AccessDenied there is a service control policy (or a permissions boundary the root user cannot
// have), which the doctor names.
function sessionCallProblem(accountId: string, task: string, action: string, error: unknown): string {
  const code = awsErrorCode(error);
  if (code === "AccessDenied") {
    return (
      `denied in ${accountId}'s root session (AccessDenied). The task policy ${task} allows it, so a service control ` +
      `policy most likely denies it to central root sessions there: npm run doctor names the policy and the fix.`
    );
  }
  if (code === "Throttling" || code === "ThrottlingException" || code === "TooManyRequests") {
    return `IAM throttled it past the SDK's retries (${code}): run again later; only what is left is removed.`;
  }
  const known = explainAwsError(error, { operation: `${action} in ${accountId}'s root session`, permission: action });
  return known ?? `${(error as Error)?.name}: ${(error as Error)?.message}`;
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
async function readFindings(iam: SessionClient, options: { readonly lastUsed: boolean }): Promise<RootCredentialFindings> {
  const [password, keys, devices, certificates] = await Promise.all([
    hasLoginProfile(iam),
    iam.call("iam:ListAccessKeys", (c) => c.send(new ListAccessKeysCommand({}))),
    iam.call("iam:ListMFADevices", (c) => c.send(new ListMFADevicesCommand({}))),
    iam.call("iam:ListSigningCertificates", (c) => c.send(new ListSigningCertificatesCommand({}))),
  ]);
  const accessKeys = await Promise.all(
    (keys.AccessKeyMetadata ?? []).map(async (key) => ({
      id: key.AccessKeyId ?? "",
      status: key.Status ?? "Unknown",
      lastUsed: options.lastUsed
        ? ((
            await iam.call("iam:GetAccessKeyLastUsed", (c) =>
              c.send(new GetAccessKeyLastUsedCommand({ AccessKeyId: key.AccessKeyId })),
            )
          ).AccessKeyLastUsed?.LastUsedDate?.toISOString() ?? null)
        : null,
    })),
  );
  return {
    password,
    accessKeys,
    mfaDevices: (devices.MFADevices ?? []).map((device) => ({
      serialNumber: device.SerialNumber ?? "",
      // Virtual devices' serial numbers are ARNs with ":mfa/", FIDO security keys' ARNs with ":u2f/", hardware
      // tokens' a device serial. Only virtual devices are deleted; the others are deactivated.
      type: device.SerialNumber?.includes(":mfa/")
        ? ("virtual" as const)
        : device.SerialNumber?.includes(":u2f/")
          ? ("security key" as const)
          : ("hardware" as const),
    })),
    signingCertificates: (certificates.Certificates ?? []).map((certificate) => ({
      id: certificate.CertificateId ?? "",
      status: certificate.Status ?? "Unknown",
    })),
  };
}

// GetLoginProfile answers NoSuchEntity when the root user has no password.
async function hasLoginProfile(iam: SessionClient): Promise<boolean> {
  try {
    await iam.call("iam:GetLoginProfile", (c) => c.send(new GetLoginProfileCommand({})));
    return true;
  } catch (error) {
    if (awsErrorCode(error) === "NoSuchEntity") return false;
    throw error;
  }
}

// Removed meanwhile (a concurrent run, a person): what was to be removed is gone, which is the goal. True when
// this call removed it.
async function ignoreMissing(sending: Promise<unknown>): Promise<boolean> {
  try {
    await sending;
    return true;
  } catch (error) {
    if (awsErrorCode(error) !== "NoSuchEntity") throw error;
    return false;
  }
}
