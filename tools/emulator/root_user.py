"""Member accounts' root users and central root sessions (sts:AssumeRoot), which moto 5.2.1 does not model.

What AWS documents (see ../shared/DESIGN.md, "Root credentials: AWS facts"), and what this emulates:
  - sts:AssumeRoot: TargetPrincipal (account id or arn:aws:iam::<id>:root), TaskPolicyArn.arn (one of the five
    root-task policies), DurationSeconds 0-900 (default 900). Only from the organization's management account or
    IAM's delegated administrator; only for active member accounts of that organization (never the management
    account); only when the organization has the feature the task needs. The credentials act as
    arn:aws:iam::<member>:root.
  - Inside a root session, IAM calls omit UserName and act on the root user; a task policy denies everything it
    does not list (AccessDenied), and a session past its expiry answers ExpiredToken. S3 and SQS calls (the unlock
    tasks) pass the same checks, then moto serves them as the member account; moto enforces no bucket or queue
    policy, so a deny-all policy locks nobody out here: tests check the session log instead.
  - "firstRootSessionCalls": N makes each account's first session (per task) expire after N calls, as a session
    that outlives its 15 minutes in a slow run does: the program must open another and keep what the first did.
  - The emulator evaluates no service control policy; "rootSessionDeniedActions" refuses the listed actions in
    every root session with the AccessDenied an SCP would give, for tests of a removal that stops partway.

Where AWS is silent, the less convenient side, and a knob for the other:
  - Which feature a task needs: "by-task" (default): the IAM credential tasks need RootCredentialsManagement, the
    S3 and SQS unlock tasks RootSessions; "both": every task needs both.
  - A refused AssumeRoot (no such member, feature off, caller not allowed) answers AccessDenied.
  - AssumeRoot's rate limit, which AWS does not publish, nor its shape: "assumeRootCallsPerSecond" with
    "assumeRootLimiter" "window" (at most that many calls in any one second) or "bucket" (a token bucket refilled
    at that rate, holding "assumeRootBurst" calls).
"""

import base64
import datetime
import os
import threading
import time
import uuid
from collections import deque
from urllib.parse import parse_qs
from xml.sax.saxutils import escape

TASK_POLICY_PREFIX = "arn:aws:iam::aws:policy/root-task/"

# What each task policy allows; every other action is denied (the policies are deny-only).
TASK_ACTIONS = {
    "IAMAuditRootUserCredentials": {
        "iam:GetAccountSummary",
        "iam:GetLoginProfile",
        "iam:ListAccessKeys",
        "iam:GetAccessKeyLastUsed",
        "iam:ListMFADevices",
        "iam:ListSigningCertificates",
        "iam:GetUser",
    },
    "IAMDeleteRootUserCredentials": {
        "iam:DeleteLoginProfile",
        "iam:DeleteAccessKey",
        "iam:DeleteSigningCertificate",
        "iam:DeactivateMFADevice",
        "iam:DeleteVirtualMFADevice",
        "iam:GetLoginProfile",
        "iam:ListAccessKeys",
        "iam:GetAccessKeyLastUsed",
        "iam:ListMFADevices",
        "iam:ListSigningCertificates",
        "iam:GetUser",
    },
    "IAMCreateRootUserPassword": {"iam:CreateLoginProfile", "iam:GetLoginProfile"},
    "S3UnlockBucketPolicy": {"s3:DeleteBucketPolicy", "s3:GetBucketPolicy", "s3:ListAllMyBuckets"},
    "SQSUnlockQueuePolicy": {"sqs:DeleteQueuePolicy", "sqs:GetQueueAttributes", "sqs:SetQueueAttributes", "sqs:ListQueues"},
}

FEATURE_BY_TASK = {
    "IAMAuditRootUserCredentials": "RootCredentialsManagement",
    "IAMDeleteRootUserCredentials": "RootCredentialsManagement",
    "IAMCreateRootUserPassword": "RootCredentialsManagement",
    "S3UnlockBucketPolicy": "RootSessions",
    "SQSUnlockQueuePolicy": "RootSessions",
}

STS_NS = "https://sts.amazonaws.com/doc/2011-06-15/"
IAM_NS = "https://iam.amazonaws.com/doc/2010-05-08/"


def now_iso(offset_seconds=0.0):
    moment = datetime.datetime.now(datetime.timezone.utc) + datetime.timedelta(seconds=offset_seconds)
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ")


def random_id(prefix, length):
    return prefix + uuid.uuid4().hex.upper()[: length - len(prefix)]


class RootUser:
    """One member account's root user: what a root session can read and delete."""

    def __init__(self, account_id):
        self.account_id = account_id
        self.password = False
        # True after password recovery (a login profile without a password): the email owner must set one.
        self.password_reset_required = False
        self.access_keys = []  # {"id", "status", "created", "lastUsed" (iso or None)}
        self.mfa_devices = []  # {"serial", "type": "virtual" | "hardware", "active": bool}
        self.signing_certificates = []  # {"id", "status", "uploaded"}

    def describe(self):
        return {
            "accountId": self.account_id,
            "password": self.password,
            "accessKeys": [dict(key) for key in self.access_keys],
            "mfaDevices": [dict(device) for device in self.mfa_devices],
            "signingCertificates": [dict(certificate) for certificate in self.signing_certificates],
        }


class RootSession:
    def __init__(self, caller, account_id, task, expires_at):
        self.caller = caller
        self.account_id = account_id
        self.task = task
        self.expires_at = expires_at
        self.calls_before_expiry = None  # a first session cut short by "firstRootSessionCalls"
        self.actions = []  # ("iam:DeleteAccessKey", "allowed" | "denied" | "expired")


class AwsError(Exception):
    def __init__(self, status, code, message, sender="Sender"):
        super().__init__(message)
        self.status = status
        self.code = code
        self.message = message
        self.sender = sender


class RootUsers:
    """The root users of every account, the root sessions issued, and the AssumeRoot knobs."""

    def __init__(self, organization_of, features_of, account_of_access_key):
        # organization_of(account_id) -> (organizations backend, is_management) or raises; features_of(org_id) -> set
        self.organization_of = organization_of
        self.features_of = features_of
        self.account_of_access_key = account_of_access_key
        self.lock = threading.Lock()
        self.reset()

    def reset(self):
        with self.lock:
            self.users = {}  # account id -> RootUser
            self.sessions = {}  # access key id -> RootSession
            self.features_needed = "by-task"  # or "both"
            self.assume_root_per_second = 0.0  # 0: no limit; else more calls within one second are throttled
            self.assume_root_limiter = "window"  # or "bucket": a token bucket refilled at that rate
            self.assume_root_burst = 0.0  # the bucket's capacity; 0: one second's worth
            self.bucket_tokens = None
            self.bucket_at = 0.0
            self.session_seconds = None  # None: as asked (DurationSeconds); else sessions expire after this long
            self.denied_in_sessions = set()  # actions a service control policy denies to root sessions
            self.first_session_calls = None  # None; else each account's first session expires after this many calls
            self.opened_in = set()  # (account id, task) that had a session
            self.recent_assume_root = deque()

    # ---- control API -------------------------------------------------------------------------------------------

    def configure(self, settings):
        """Validates and applies the AssumeRoot knobs found in `settings`; returns an error text or None."""
        needed = settings.get("assumeRootFeatures", self.features_needed)
        if needed not in ("by-task", "both"):
            return 'assumeRootFeatures must be "by-task" or "both"'
        rate = settings.get("assumeRootCallsPerSecond", self.assume_root_per_second)
        if not isinstance(rate, (int, float)) or rate < 0:
            return "assumeRootCallsPerSecond must be a number of calls (0: no limit)"
        expiry = settings.get("rootSessionSeconds", self.session_seconds)
        if expiry is not None and (not isinstance(expiry, (int, float)) or expiry < 0):
            return "rootSessionSeconds must be a number of seconds, or null for DurationSeconds"
        limiter = settings.get("assumeRootLimiter", self.assume_root_limiter)
        if limiter not in ("window", "bucket"):
            return 'assumeRootLimiter must be "window" (at most the rate in any one second) or "bucket" (a token bucket)'
        burst = settings.get("assumeRootBurst", self.assume_root_burst)
        if not isinstance(burst, (int, float)) or burst < 0:
            return "assumeRootBurst must be a number of calls (0: one second's worth)"
        first_calls = settings.get("firstRootSessionCalls", self.first_session_calls)
        if first_calls is not None and (not isinstance(first_calls, int) or first_calls < 0):
            return "firstRootSessionCalls must be a number of calls, or null"
        denied = settings.get("rootSessionDeniedActions", sorted(self.denied_in_sessions))
        if not isinstance(denied, list) or not all(isinstance(action, str) and ":" in action for action in denied):
            return 'rootSessionDeniedActions must be a list of "service:Action" names'
        with self.lock:
            self.features_needed = needed
            self.assume_root_per_second = float(rate)
            self.session_seconds = None if expiry is None else float(expiry)
            self.denied_in_sessions = set(denied)
            self.first_session_calls = first_calls
            self.assume_root_limiter = limiter
            self.assume_root_burst = float(burst)
            self.bucket_tokens = None
        return None

    def settings(self):
        return {
            "assumeRootFeatures": self.features_needed,
            "assumeRootCallsPerSecond": self.assume_root_per_second,
            "rootSessionSeconds": self.session_seconds,
            "rootSessionDeniedActions": sorted(self.denied_in_sessions),
            "firstRootSessionCalls": self.first_session_calls,
            "assumeRootLimiter": self.assume_root_limiter,
            "assumeRootBurst": self.assume_root_burst,
        }

    def seed(self, spec):
        """Gives an account's root user credentials: {"accountId", "password", "accessKeys": [{"status",
        "lastUsed"}], "mfaDevices": [{"type"}], "signingCertificates": [{"status"}]}; returns the user."""
        account_id = spec.get("accountId")
        if not isinstance(account_id, str) or not account_id.isdigit() or len(account_id) != 12:
            raise ValueError("accountId must be a 12-digit account id")
        with self.lock:
            user = self.users.setdefault(account_id, RootUser(account_id))
            if spec.get("password"):
                user.password = True
            for key in spec.get("accessKeys", []):
                status = key.get("status", "Active")
                if status not in ("Active", "Inactive"):
                    raise ValueError('accessKeys[].status must be "Active" or "Inactive"')
                user.access_keys.append(
                    {
                        "id": random_id("AKIA", 20),
                        "status": status,
                        "created": now_iso(-86400 * 400),
                        "lastUsed": now_iso(-86400 * 3) if key.get("lastUsed") else None,
                    }
                )
            for device in spec.get("mfaDevices", []):
                kind = device.get("type", "virtual")
                if kind not in ("virtual", "hardware"):
                    raise ValueError('mfaDevices[].type must be "virtual" or "hardware"')
                serial = (
                    f"arn:aws:iam::{account_id}:mfa/root-account-mfa-device-{uuid.uuid4().hex[:6]}"
                    if kind == "virtual"
                    else random_id("GAHT", 12)
                )
                user.mfa_devices.append({"serial": serial, "type": kind, "active": True})
            for certificate in spec.get("signingCertificates", []):
                status = certificate.get("status", "Active")
                if status not in ("Active", "Inactive"):
                    raise ValueError('signingCertificates[].status must be "Active" or "Inactive"')
                user.signing_certificates.append({"id": random_id("", 32), "status": status, "uploaded": now_iso(-86400 * 30)})
            return user.describe()

    def session_log(self):
        with self.lock:
            return [
                {"caller": s.caller, "accountId": s.account_id, "task": s.task, "actions": [list(a) for a in s.actions]}
                for s in self.sessions.values()
            ]

    # ---- the wire ----------------------------------------------------------------------------------------------

    def is_root_session(self, access_key):
        with self.lock:
            return access_key in self.sessions

    def assume_root(self, caller_key, form):
        """sts:AssumeRoot; returns the response XML or raises AwsError."""
        caller = self.account_of_access_key(caller_key)
        if self.is_root_session(caller_key):
            raise AwsError(403, "AccessDenied", "A root session cannot call sts:AssumeRoot.")
        self.throttle()
        target = first(form, "TargetPrincipal")
        task_arn = first(form, "TaskPolicyArn.arn")
        duration_text = first(form, "DurationSeconds") or "900"
        if target is None or task_arn is None:
            raise AwsError(400, "ValidationError", "TargetPrincipal and TaskPolicyArn are required.")
        account_id = target
        if target.startswith("arn:"):
            parts = target.split(":")
            if len(parts) != 6 or parts[2] != "iam" or parts[5] != "root":
                raise AwsError(400, "ValidationError", f"TargetPrincipal {target} is not an account id or root user ARN.")
            account_id = parts[4]
        if not (account_id.isdigit() and len(account_id) == 12):
            raise AwsError(400, "ValidationError", f"TargetPrincipal {target} is not an account id or root user ARN.")
        task = task_arn[len(TASK_POLICY_PREFIX):] if task_arn.startswith(TASK_POLICY_PREFIX) else None
        if task not in TASK_ACTIONS:
            raise AwsError(400, "ValidationError", f"TaskPolicyArn {task_arn} is not a root-task policy.")
        if not duration_text.isdigit() or int(duration_text) > 900:
            raise AwsError(400, "ValidationError", "DurationSeconds must be between 0 and 900.")
        duration = int(duration_text) or 900

        backend, is_management = self.organization_of(caller)
        org = backend.org
        if not is_management and not any(
            admin.account.id == caller and "iam.amazonaws.com" in admin.services for admin in backend.admins
        ):
            raise AwsError(403, "AccessDenied", f"Account {caller} is not the management account or IAM's delegated administrator.")
        member = backend.accounts.by_id.get(account_id)  # the launcher's index (IndexedAccounts), not a scan
        if member is None or account_id == org.master_account_id:
            raise AwsError(403, "AccessDenied", f"Account {account_id} is not a member account of organization {org.id}.")
        if member.status != "ACTIVE":
            raise AwsError(403, "AccessDenied", f"Account {account_id} is not active ({member.status}).")
        needed = {FEATURE_BY_TASK[task]} if self.features_needed == "by-task" else {"RootCredentialsManagement", "RootSessions"}
        missing = sorted(needed - set(self.features_of(org.id)))
        if missing:
            raise AwsError(403, "AccessDenied", f"Organization {org.id} does not have {', '.join(missing)} enabled for {task}.")

        with self.lock:
            lifetime = duration if self.session_seconds is None else min(duration, self.session_seconds)
            access_key = random_id("ASIA", 20)
            session = RootSession(caller, account_id, task, time.time() + lifetime)
            if self.first_session_calls is not None and (account_id, task) not in self.opened_in:
                session.calls_before_expiry = self.first_session_calls
            self.opened_in.add((account_id, task))
            self.sessions[access_key] = session
        secret = base64.b64encode(os.urandom(30)).decode()
        token = base64.b64encode(os.urandom(60)).decode()
        return (
            f'<AssumeRootResponse xmlns="{STS_NS}"><AssumeRootResult><Credentials>'
            f"<AccessKeyId>{access_key}</AccessKeyId><SecretAccessKey>{secret}</SecretAccessKey>"
            f"<SessionToken>{token}</SessionToken><Expiration>{now_iso(lifetime)}</Expiration>"
            f"</Credentials><SourceIdentity></SourceIdentity></AssumeRootResult>"
            f"<ResponseMetadata><RequestId>{uuid.uuid4()}</RequestId></ResponseMetadata></AssumeRootResponse>"
        )

    def throttle(self):
        with self.lock:
            if self.assume_root_per_second <= 0:
                return
            now = time.monotonic()
            if self.assume_root_limiter == "bucket":
                capacity = self.assume_root_burst or self.assume_root_per_second
                if self.bucket_tokens is None:
                    self.bucket_tokens, self.bucket_at = capacity, now
                self.bucket_tokens = min(capacity, self.bucket_tokens + (now - self.bucket_at) * self.assume_root_per_second)
                self.bucket_at = now
                if self.bucket_tokens < 1:
                    raise AwsError(400, "Throttling", "Rate exceeded")
                self.bucket_tokens -= 1
                return
            while self.recent_assume_root and now - self.recent_assume_root[0] >= 1.0:
                self.recent_assume_root.popleft()
            if len(self.recent_assume_root) >= self.assume_root_per_second:
                raise AwsError(400, "Throttling", "Rate exceeded")
            self.recent_assume_root.append(now)

    def authorize(self, access_key, name):
        """Whether a root session may make the call `name` ("service:Action") now: logs it and returns the
        session's account, or raises AwsError (ExpiredToken past its expiry; AccessDenied from the task policy, or
        from the SCP the "rootSessionDeniedActions" knob stands for)."""
        with self.lock:
            session = self.sessions[access_key]
            cut_short = session.calls_before_expiry is not None and len(session.actions) >= session.calls_before_expiry
            if time.time() >= session.expires_at or cut_short:
                session.actions.append((name, "expired"))
                raise AwsError(403, "ExpiredToken", "The security token included in the request is expired")
            if name == "sts:GetCallerIdentity":
                session.actions.append((name, "allowed"))
                return session.account_id
            # An SCP denying the action to root sessions (the emulator evaluates no SCP), or the task policy.
            denied_by = (
                "a service control policy"
                if name in self.denied_in_sessions
                else None if name in TASK_ACTIONS[session.task] else f"the root-task policy {session.task}"
            )
            if denied_by is not None:
                session.actions.append((name, "denied"))
                raise AwsError(
                    403,
                    "AccessDenied",
                    f"User: arn:aws:iam::{session.account_id}:root is not authorized to perform: {name} with an explicit "
                    f"deny in {denied_by}",
                )
            session.actions.append((name, "allowed"))
            return session.account_id

    def session_call(self, access_key, service, action, form):
        """An IAM or STS call made with a root session's credentials; returns (namespace, result XML) or raises
        AwsError. S3 and SQS calls are authorized here (`authorize`) and served by moto as the member account."""
        account_id = self.authorize(access_key, f"{service}:{action}")
        if service == "sts" and action == "GetCallerIdentity":
            return STS_NS, (
                f"<Arn>arn:aws:iam::{account_id}:root</Arn><UserId>{account_id}</UserId><Account>{account_id}</Account>"
            )
        with self.lock:
            user = self.users.setdefault(account_id, RootUser(account_id))
            return IAM_NS, iam_action(user, action, form)


def first(form, name):
    values = form.get(name)
    return values[0] if values else None


def no_such_entity(what):
    return AwsError(404, "NoSuchEntity", f"The {what} cannot be found.")


def find(items, what, key, wanted, **attributes):
    """The item whose `key` is `wanted` (and whose other attributes match), or NoSuchEntity naming it."""
    for item in items:
        if item[key] == wanted and all(item[name] == value for name, value in attributes.items()):
            return item
    raise no_such_entity(f"{what} {escape(wanted or '')}")


def iam_action(user, action, form):
    """The result element of one IAM action on a root user (the lock is held)."""
    account = user.account_id
    if action == "GetAccountSummary":
        summary = {
            "AccountMFAEnabled": int(any(d["active"] for d in user.mfa_devices)),
            "AccountAccessKeysPresent": int(bool(user.access_keys)),
            "AccountSigningCertificatesPresent": int(bool(user.signing_certificates)),
            "AccountPasswordPresent": int(user.password),
            "Users": 0,
            "Roles": 0,
            "Groups": 0,
            "Policies": 0,
        }
        entries = "".join(f"<entry><key>{k}</key><value>{v}</value></entry>" for k, v in summary.items())
        return f"<SummaryMap>{entries}</SummaryMap>"
    if action == "GetUser":
        return (
            f"<User><UserId>{account}</UserId><Arn>arn:aws:iam::{account}:root</Arn><UserName>root</UserName>"
            f"<Path>/</Path><CreateDate>{now_iso(-86400 * 800)}</CreateDate></User>"
        )
    if action == "GetLoginProfile":
        if not user.password:
            raise no_such_entity("Login Profile for root user")
        reset = "true" if user.password_reset_required else "false"
        return f"<LoginProfile><CreateDate>{now_iso(-86400 * 800)}</CreateDate><PasswordResetRequired>{reset}</PasswordResetRequired></LoginProfile>"
    if action == "DeleteLoginProfile":
        if not user.password:
            raise no_such_entity("Login Profile for root user")
        user.password = False
        user.password_reset_required = False
        return ""
    if action == "CreateLoginProfile":
        if first(form, "Password") is not None:
            raise AwsError(400, "ValidationError", "A root session creates the login profile without a password.")
        if user.password:
            raise AwsError(409, "EntityAlreadyExists", "Login Profile for root user already exists.")
        user.password = True
        user.password_reset_required = True
        return f"<LoginProfile><CreateDate>{now_iso()}</CreateDate><PasswordResetRequired>true</PasswordResetRequired></LoginProfile>"
    if action == "ListAccessKeys":
        members = "".join(
            f"<member><AccessKeyId>{k['id']}</AccessKeyId><Status>{k['status']}</Status><CreateDate>{k['created']}</CreateDate></member>"
            for k in user.access_keys
        )
        return f"<AccessKeyMetadata>{members}</AccessKeyMetadata><IsTruncated>false</IsTruncated>"
    if action == "GetAccessKeyLastUsed":
        key = find(user.access_keys, "access key", "id", first(form, "AccessKeyId"))
        used = (
            f"<LastUsedDate>{key['lastUsed']}</LastUsedDate><ServiceName>s3</ServiceName><Region>us-east-1</Region>"
            if key["lastUsed"]
            else "<ServiceName>N/A</ServiceName><Region>N/A</Region>"
        )
        return f"<AccessKeyLastUsed>{used}</AccessKeyLastUsed>"
    if action == "DeleteAccessKey":
        user.access_keys.remove(find(user.access_keys, "access key", "id", first(form, "AccessKeyId")))
        return ""
    if action == "ListMFADevices":
        members = "".join(
            f"<member><UserName>root</UserName><SerialNumber>{escape(d['serial'])}</SerialNumber><EnableDate>{now_iso(-86400 * 90)}</EnableDate></member>"
            for d in user.mfa_devices
            if d["active"]
        )
        return f"<MFADevices>{members}</MFADevices><IsTruncated>false</IsTruncated>"
    if action == "DeactivateMFADevice":
        device = find(user.mfa_devices, "MFA device", "serial", first(form, "SerialNumber"), active=True)
        device["active"] = False
        if device["type"] == "hardware":
            user.mfa_devices.remove(device)
        return ""
    if action == "DeleteVirtualMFADevice":
        device = find(user.mfa_devices, "virtual MFA device", "serial", first(form, "SerialNumber"), type="virtual")
        if device["active"]:
            raise AwsError(409, "DeleteConflict", "MFA device is still in use; deactivate it first.")
        user.mfa_devices.remove(device)
        return ""
    if action == "ListSigningCertificates":
        members = "".join(
            f"<member><UserName>root</UserName><CertificateId>{c['id']}</CertificateId><CertificateBody>-----BEGIN CERTIFICATE-----</CertificateBody>"
            f"<Status>{c['status']}</Status><UploadDate>{c['uploaded']}</UploadDate></member>"
            for c in user.signing_certificates
        )
        return f"<Certificates>{members}</Certificates><IsTruncated>false</IsTruncated>"
    if action == "DeleteSigningCertificate":
        user.signing_certificates.remove(find(user.signing_certificates, "signing certificate", "id", first(form, "CertificateId")))
        return ""
    raise AwsError(400, "InvalidAction", f"The emulator does not model {action} in a root session.")


def query_response(namespace, action, result):
    return (
        f'<{action}Response xmlns="{namespace}"><{action}Result>{result}</{action}Result>'
        f"<ResponseMetadata><RequestId>{uuid.uuid4()}</RequestId></ResponseMetadata></{action}Response>"
    )


def error_response(error, namespace):
    return (
        f'<ErrorResponse xmlns="{namespace}"><Error><Type>{error.sender}</Type><Code>{error.code}</Code>'
        f"<Message>{escape(error.message)}</Message></Error><RequestId>{uuid.uuid4()}</RequestId></ErrorResponse>"
    )


def parse_form(body):
    return parse_qs(body.decode("utf-8", "replace"), keep_blank_values=True)
