"""A local AWS for org-root-access: moto's server, extended in memory (no file on disk is patched).

moto 5.2.1 lacks four things this project needs:
  1. it refuses iam.amazonaws.com as a trusted service and as a delegated-administrator service;
  2. it has no IAM centralized root access operations;
  3. EventBridge's TestEventPattern is a stub (this launcher answers it with moto's own pattern matcher), and
     moto's rules deliver when disabled and cannot deliver to an SNS topic (this launcher does as AWS);
  4. DescribeRegions lists regions an account has not enabled, and a rule forwarding to another region's or
     account's bus rewrites the event's region and account and needs no role (event_forwarding.py).
This launcher adds them, with AWS's semantics, and wraps moto's WSGI app with a small control API for tests:

  GET  /_org-root-access/calls      {"iam:ListOrganizationsFeatures": 2, "organizations:CreateOrganization": 1, ...}
  POST /_org-root-access/settings   {"serviceAccessLagSeconds": 5, "fault": "none" | "server-error" | "drop",
                                     "replyDelaySeconds": {"organizations:CreateOrganization": 30},
                                     "dropReplies": {"organizations:CreateOrganization": 1},
                                     "throttleCalls": {"iam:EnableOrganizationsRootSessions": 2},
                                     "featureLagSeconds": 5,
                                     "featuresWhenTrustedAccessDisabled": "kept" | "forgotten",
                                     "memberEnableError": "CallerIsNotManagementAccount" |
                                                          "AccountNotManagementOrDelegatedAdministrator",
                                     "assumeRootFeatures": "by-task" | "both",
                                     "assumeRootCallsPerSecond": 5, "assumeRootLimiter": "window" | "bucket",
                                     "assumeRootBurst": 20, "rootSessionSeconds": 2,
                                     "rootSessionDeniedActions": ["iam:DeleteAccessKey"],
                                     "roleSessionSeconds": 3,
                                     "holdReplies": {"organizations:DescribeOrganization": 1},
                                     "optedInRegions": {"111122223333": ["af-south-1"]}}
  POST /_org-root-access/root-user  {"accountId": "111122223333", "password": true, "accessKeys": [{"status": "Active",
                                     "lastUsed": true}], "mfaDevices": [{"type": "virtual" | "hardware"}],
                                     "signingCertificates": [{"status": "Active"}]}: gives a root user credentials
  POST /_org-root-access/confirm-subscription  {"endpoint": "security@example.com"}: its owner confirms the
                                     pending email subscriptions of that address (AWS keeps them pending until then)
  GET  /_org-root-access/connections   {"opened": 12}: client connections that sent a request since the reset
  GET  /_org-root-access/usage         {"cpuSeconds": 4.2, "peakMb": 180}: what the emulator itself has used (benchmarks)
  GET  /_org-root-access/held        {"held": 1, "conditionalWritesRefused": 2}: replies held now ("holdReplies"),
                                     and S3 writes refused by their If-None-Match condition (a state lock taken)
  POST /_org-root-access/release     sends every held reply
  GET  /_org-root-access/root-sessions  every sts:AssumeRoot session issued: caller, account, task, the actions it
                                     made and whether each was allowed
  POST /moto-api/reset              moto's own reset; also clears the features, counters and settings kept here,
                                    and which accounts belong to which organization (moto's reset keeps that)

Where AWS is silent, the emulator takes the less convenient side, and a knob chooses the other: features stay
(unseen) when IAM trusted access is disabled unless "forgotten"; a member account calling Enable* gets
CallerIsNotManagementAccountException unless the other code is chosen. "throttleCalls" answers the next N calls
of an action with the service's throttling error; "featureLagSeconds" delays when ListOrganizationsFeatures
shows an Enable or Disable. Root sessions (sts:AssumeRoot) and member accounts' root users: see root_user.py.

Reply faults, for any service's action: "replyDelaySeconds" handles the call, then waits before replying (a
slow network); "dropReplies" handles the next N calls, then closes the connection without a reply (a reply
lost on the way back, after the change was made: the caller cannot tell whether it happened); "holdReplies" handles
the next N calls and holds each reply until POST /_org-root-access/release (or a reset): a test can keep a
terraform apply inside its state lock for exactly as long as it needs, whatever the machine's load.

Usage: python3 moto_server.py [--host 127.0.0.1] [--port 0] [--exit-with-stdin]
Prints "org-root-access emulator listening on http://HOST:PORT (pid PID)" once it accepts connections.

       python3 moto_server.py --fork-server SOCKET [--host 127.0.0.1]
Imports moto once and forks a fresh emulator per connection to the Unix socket SOCKET (the tests' global setup
starts one: a fork starts in milliseconds where an import takes a second of CPU). Each fork writes its listening
line to its connection and stops when that connection closes; the fork server stops when its stdin closes.
"""

import argparse
import io
import json
import logging
import os
import re
import resource
import select
import signal
import socket
import sys
import threading
import time
import traceback
from collections import Counter
from urllib.parse import parse_qs

from moto.core.exceptions import ServiceException
from moto.core.responses import ActionResult
from moto.iam.responses import IamResponse
from moto.moto_api._internal import mock_random
from moto.moto_server.werkzeug_app import DomainDispatcherApplication, create_backend_app
from moto.organizations import models as organizations
from werkzeug.serving import make_server

from event_forwarding import REGIONS, describe_regions_as_aws, forward_to_buses_as_aws
from keep_alive import KeepAliveRequestHandler
from root_user import IAM_NS, STS_NS, AwsError, RootUsers, error_response, parse_form, query_response

IAM_PRINCIPAL = "iam.amazonaws.com"
ROOT_ACCESS_ACTIONS = {
    "ListOrganizationsFeatures",
    "EnableOrganizationsRootSessions",
    "DisableOrganizationsRootSessions",
    "EnableOrganizationsRootCredentialsManagement",
    "DisableOrganizationsRootCredentialsManagement",
}
CONTROL_PREFIX = "/_org-root-access/"
HOLD_LIMIT_SECONDS = 600
FAULTS = ("none", "server-error", "drop")


class State:
    """What this launcher keeps beside moto's backends; cleared with moto's reset."""

    def __init__(self):
        self.lock = threading.Lock()
        self.reset()

    def reset(self):
        with self.lock:
            self.features = {}  # organization id -> set of enabled feature names
            self.calls = Counter()  # "service:Action" -> count
            self.connections = set()  # the client address and port of each connection that sent a request
            self.service_access_lag_seconds = 0.0
            self.fault = "none"
            self.reply_delay_seconds = {}  # "service:Action" -> seconds between handling a call and replying
            self.drop_replies = Counter()  # "service:Action" -> how many more replies to lose after handling
            self.throttle_calls = Counter()  # "service:Action" -> how many more calls to answer with a throttling error
            self.feature_lag_seconds = 0.0  # ListOrganizationsFeatures shows a change only this long after it
            self.feature_history = {}  # organization id -> [(time, frozenset of features)], oldest first
            self.features_when_trusted_access_disabled = "kept"  # or "forgotten"
            self.member_enable_error = "CallerIsNotManagementAccount"  # or "AccountNotManagementOrDelegatedAdministrator"
            self.role_session_seconds = None  # sts:AssumeRole credentials last this long; None: what moto gives
            self.role_session_expiry = {}  # access key of shortened role credentials -> when they expire (time.time())
            self.hold_replies = Counter()  # "service:Action" -> how many more replies to hold until a release
            self.held = 0  # replies held now
            self.conditional_writes_refused = 0  # S3 PUTs with If-None-Match answered 412 (a lock already taken)
            # Held replies wait for this; a release or a reset sets it (a new one for the next holds).
            self.release = getattr(self, "release", None)
            if self.release is not None:
                self.release.set()
            self.release = threading.Event()


STATE = State()


def organization_of(account_id):
    """The caller's Organizations backend and whether it is the management account; AccessDenied outside one."""
    try:
        return management_backend(account_id, "aws")
    except ServiceException as error:
        raise AwsError(403, "AccessDenied", f"Account {account_id} is not in an organization.") from error


def features_of(organization_id):
    with STATE.lock:
        return set(STATE.features.get(organization_id, set()))


def account_of_access_key(access_key):
    from moto.iam.models import get_account_id_from

    return get_account_id_from(access_key)


ROOT_USERS = RootUsers(organization_of, features_of, account_of_access_key)


class IamError(ServiceException):
    """An IAM error on the wire. Defined outside moto's packages so moto serializes it with IAM's model."""


def iam_error(code, message):
    return IamError(code, message)


def allow_iam_principal():
    """moto keeps allow-lists of services; AWS accepts IAM in both."""
    if IAM_PRINCIPAL not in organizations.FakeServiceAccess.TRUSTED_SERVICES:
        organizations.FakeServiceAccess.TRUSTED_SERVICES.append(IAM_PRINCIPAL)
    if IAM_PRINCIPAL not in organizations.FakeDelegatedAdministrator.SUPPORTED_SERVICES:
        organizations.FakeDelegatedAdministrator.SUPPORTED_SERVICES.append(IAM_PRINCIPAL)


def features_follow_trusted_access_knob():
    """What IAM does with enabled features when its trusted access is disabled is undocumented: a knob decides.
    "kept" (the default, the less convenient assumption): they stay, unseen while IAM answers
    ServiceAccessNotEnabled, and are in effect again when trusted access returns. "forgotten": they are gone."""
    original = organizations.OrganizationsBackend.disable_aws_service_access

    def disable_aws_service_access(self, **kwargs):
        original(self, **kwargs)
        if kwargs.get("ServicePrincipal") == IAM_PRINCIPAL and self.org is not None:
            with STATE.lock:
                if STATE.features_when_trusted_access_disabled == "forgotten":
                    STATE.features.pop(self.org.id, None)
                    STATE.feature_history.pop(self.org.id, None)

    organizations.OrganizationsBackend.disable_aws_service_access = disable_aws_service_access


def constraint_violation(reason, message):
    """Organizations' ConstraintViolationException with its Reason, as AWS sends it (moto's has no Reason)."""
    from moto.organizations.exceptions import ConstraintViolationException

    error = ConstraintViolationException(message)
    error.Reason = reason  # moto serializes the error model's attributes it finds on the exception
    return error


def organizations_preconditions():
    """Preconditions AWS enforces and moto skips: trusted access and delegated administrators need an organization
    with all features, and a delegated administrator for a service needs trusted access for it first."""
    backend_class = organizations.OrganizationsBackend
    original_enable = backend_class.enable_aws_service_access
    original_register = backend_class.register_delegated_administrator

    def require_all_features(backend):
        if backend.org is not None and backend.org.feature_set != "ALL":
            raise constraint_violation(
                "ORGANIZATION_NOT_IN_ALL_FEATURES_MODE",
                "You can't perform the operation because your organization doesn't have all features enabled.",
            )

    def enable_aws_service_access(self, **kwargs):
        require_all_features(self)
        return original_enable(self, **kwargs)

    def register_delegated_administrator(self, **kwargs):
        require_all_features(self)
        principal = kwargs.get("ServicePrincipal")
        if not any(service["ServicePrincipal"] == principal for service in self.services):
            raise constraint_violation(
                "SERVICE_ACCESS_NOT_ENABLED",
                f"You must enable trusted access for {principal} before you register a delegated administrator for it.",
            )
        return original_register(self, **kwargs)

    backend_class.enable_aws_service_access = enable_aws_service_access
    backend_class.register_delegated_administrator = register_delegated_administrator


def management_backend(account_id, partition):
    """The Organizations backend holding the caller's organization, and whether the caller is its management account."""
    backends = organizations.organizations_backends
    own = backends[account_id][partition]
    if own.org is not None:
        return own, True
    if account_id in backends.master_accounts:
        management_id, management_partition = backends.master_accounts[account_id]
        return backends[management_id][management_partition], False
    raise iam_error(
        "OrganizationNotFoundException",
        "The request was rejected because no organization is associated with your account.",
    )


def check_organization(response, action, callers):
    """AWS's preconditions, in order; returns the organization. `callers` is "management" or "management-or-admin"."""
    backend, is_management = management_backend(response.current_account, response.partition)
    org = backend.org
    if org.feature_set != "ALL":
        raise iam_error(
            "OrganizationNotInAllFeaturesModeException",
            "The request was rejected because your organization does not have All features enabled.",
        )
    if not is_management:
        is_admin = any(
            admin.account.id == response.current_account and IAM_PRINCIPAL in admin.services for admin in backend.admins
        )
        if callers == "management" and (is_admin or STATE.member_enable_error == "CallerIsNotManagementAccount"):
            raise iam_error(
                "CallerIsNotManagementAccountException",
                f"The request was rejected because {action} must be called from the organization's management account.",
            )
        if not is_admin:
            raise iam_error(
                "AccountNotManagementOrDelegatedAdministratorException",
                "The request was rejected because the account is not the management account or delegated administrator.",
            )
    iam_access = next((s for s in backend.services if s["ServicePrincipal"] == IAM_PRINCIPAL), None)
    lagging = iam_access is not None and time.time() - iam_access["DateEnabled"] < STATE.service_access_lag_seconds
    if iam_access is None or lagging:
        raise iam_error(
            "ServiceAccessNotEnabledException",
            "The request was rejected because trusted access for IAM is not enabled for the organization.",
        )
    return org


def root_access_action(action, feature=None, enable=None):
    """An IamResponse method for one of the five operations."""
    callers = "management" if enable else "management-or-admin"

    def method(self):
        org = check_organization(self, action, callers)
        with STATE.lock:
            features = STATE.features.setdefault(org.id, set())
            history = STATE.feature_history.setdefault(org.id, [(0.0, frozenset())])
            if enable is None:
                # A read sees the features as they were featureLagSeconds ago (propagation).
                visible_at = time.time() - STATE.feature_lag_seconds
                enabled = sorted(next(snapshot for when, snapshot in reversed(history) if when <= visible_at))
            else:
                if enable:
                    features.add(feature)
                else:
                    features.discard(feature)
                history.append((time.time(), frozenset(features)))
                enabled = sorted(features)
        return ActionResult({"OrganizationId": org.id, "EnabledFeatures": enabled})

    method.__name__ = action
    return method


def add_root_access_actions():
    # moto dispatches action ListOrganizationsFeatures to method list_organizations_features.
    IamResponse.list_organizations_features = root_access_action("ListOrganizationsFeatures")
    for feature in ("RootSessions", "RootCredentialsManagement"):
        snake = "root_sessions" if feature == "RootSessions" else "root_credentials_management"
        setattr(IamResponse, f"enable_organizations_{snake}", root_access_action(f"EnableOrganizations{feature}", feature, True))
        setattr(IamResponse, f"disable_organizations_{snake}", root_access_action(f"DisableOrganizations{feature}", feature, False))


SERVER_ERROR = (
    b'<ErrorResponse xmlns="https://iam.amazonaws.com/doc/2010-05-08/"><Error><Type>Receiver</Type>'
    b"<Code>ServiceFailure</Code><Message>Injected by the org-root-access emulator</Message></Error>"
    b"<RequestId>00000000-0000-0000-0000-000000000000</RequestId></ErrorResponse>"
)


class ControlMiddleware:
    """Counts calls, injects faults into the root access operations, and serves the control API."""

    def __init__(self, app):
        self.app = app

    def __call__(self, environ, start_response):
        path = environ.get("PATH_INFO", "")
        if path.startswith(CONTROL_PREFIX):
            return self.control(environ, start_response, path[len(CONTROL_PREFIX):])
        if path == "/moto-api/reset" and environ.get("REQUEST_METHOD") == "POST":
            STATE.reset()
            ROOT_USERS.reset()
            REGIONS.reset()
            ACCESS_KEY_ACCOUNTS.clear()
            # moto's reset forgets every organization but not which member account belonged to which: without
            # this, an account created in one test would still count as a member in the next.
            organizations.organizations_backends.master_accounts.clear()
        body = self.buffer_body(environ)
        service, action = self.identify(environ, body)
        with STATE.lock:
            expires_at = STATE.role_session_expiry.get(self.access_key(environ))
        if expires_at is not None and time.time() >= expires_at:
            return self.expired_token(environ, start_response)
        # Calls inside a root session act as a member's root user, not as the caller: they go to the session log
        # (GET /_org-root-access/root-sessions), not to the counts, so the counts stay what the caller's policy must allow.
        with STATE.lock:
            STATE.connections.add((environ.get("REMOTE_ADDR"), environ.get("REMOTE_PORT")))
        if action and not ROOT_USERS.is_root_session(self.access_key(environ)):
            with STATE.lock:
                STATE.calls[f"{service}:{action}"] += 1
        if service == "iam" and action in ROOT_ACCESS_ACTIONS:
            if STATE.fault == "server-error":
                start_response("500 Internal Server Error", [("Content-Type", "text/xml")])
                return [SERVER_ERROR]
            if STATE.fault == "drop":
                connection = environ.get("werkzeug.socket")
                if connection is not None:
                    connection.shutdown(socket.SHUT_RDWR)
                start_response("500 Internal Server Error", [])
                return [b""]
        key = f"{service}:{action}"
        with STATE.lock:
            throttled = action is not None and STATE.throttle_calls[key] > 0
            if throttled:
                STATE.throttle_calls[key] -= 1
        if throttled:
            return self.throttling(environ, start_response)
        with STATE.lock:
            delay = STATE.reply_delay_seconds.get(key, 0) if action else 0
            drop = action is not None and STATE.drop_replies[key] > 0
            if drop:
                STATE.drop_replies[key] -= 1
            hold = action is not None and STATE.hold_replies[key] > 0
            if hold:
                STATE.hold_replies[key] -= 1
                STATE.held += 1
                release = STATE.release
        if hold:
            # The call takes effect now; its reply waits for the test's release (at most HOLD_LIMIT_SECONDS, so
            # a test that never releases cannot hang the server).
            reply = list(self.dispatch(environ, start_response, service, action, body))
            release.wait(HOLD_LIMIT_SECONDS)
            with STATE.lock:
                STATE.held = max(0, STATE.held - 1)
            return reply
        if service == "s3" and environ.get("REQUEST_METHOD") == "PUT" and environ.get("HTTP_IF_NONE_MATCH"):
            return self.counting_refused_writes(environ, start_response, service, action, body)
        if drop:
            # The call takes effect; then the connection closes with no reply.
            list(self.dispatch(environ, lambda status, headers, exc_info=None: None, service, action, body))
            connection = environ.get("werkzeug.socket")
            if connection is not None:
                connection.shutdown(socket.SHUT_RDWR)
            start_response("500 Internal Server Error", [])
            return [b""]
        if delay <= 0:
            return self.dispatch(environ, start_response, service, action, body)
        # The call takes effect now; its reply arrives late, as from a slow network or a loaded service.
        reply = list(self.dispatch(environ, start_response, service, action, body))
        time.sleep(delay)
        return reply

    def dispatch(self, environ, start_response, service, action, body):
        """Root sessions and sts:AssumeRoot are served here; everything else by moto."""
        access_key = self.access_key(environ)
        namespace = STS_NS if service == "sts" else IAM_NS
        try:
            if access_key and ROOT_USERS.is_root_session(access_key):
                if service in ("s3", "sqs"):
                    # The unlock tasks: moto serves the call as the member account, once the task policy allows it.
                    name = f"s3:{s3_permission(environ)}" if service == "s3" else f"sqs:{action}"
                    account_id = ROOT_USERS.authorize(access_key, name)
                    ACCESS_KEY_ACCOUNTS[access_key] = account_id
                    return self.app(environ, start_response)
                namespace, result = ROOT_USERS.session_call(access_key, service, action, parse_form(body))
                return self.xml(start_response, "200 OK", query_response(namespace, action, result))
            if service == "sts" and action == "AssumeRoot":
                return self.xml(start_response, "200 OK", ROOT_USERS.assume_root(access_key, parse_form(body)))
            if service == "sts" and action == "AssumeRole" and STATE.role_session_seconds is not None:
                return self.shortened_role_session(environ, start_response)
        except AwsError as error:
            status = {400: "400 Bad Request", 403: "403 Forbidden", 404: "404 Not Found", 409: "409 Conflict"}[error.status]
            if environ.get("HTTP_X_AMZ_TARGET"):  # the JSON protocol (SQS, Organizations)
                start_response(status, [("Content-Type", "application/x-amz-json-1.0")])
                return [json.dumps({"__type": error.code, "message": error.message}).encode()]
            if service == "s3":
                return self.xml(start_response, status, f"<Error><Code>{error.code}</Code><Message>{error.message}</Message></Error>")
            return self.xml(start_response, status, error_response(error, namespace))
        return self.app(environ, start_response)

    def counting_refused_writes(self, environ, start_response, service, action, body):
        """An S3 conditional PUT (terraform's lock file), counted when S3 refuses it because the object exists."""

        def counting(status, headers, exc_info=None):
            if status.startswith("412"):
                with STATE.lock:
                    STATE.conditional_writes_refused += 1
            return start_response(status, headers, exc_info)

        return self.dispatch(environ, counting, service, action, body)

    def shortened_role_session(self, environ, start_response):
        """moto's AssumeRole, with credentials that expire after the "roleSessionSeconds" knob (the reply says so)."""
        reply = {}

        def capture(status, headers, exc_info=None):
            reply["status"], reply["headers"] = status, headers

        body = b"".join(self.app(environ, capture))
        issued = re.search(rb"<AccessKeyId>([^<]+)</AccessKeyId>", body)
        if reply["status"].startswith("200") and issued:
            seconds = STATE.role_session_seconds
            expiration = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(time.time() + seconds))
            body = re.sub(rb"<Expiration>[^<]*</Expiration>", f"<Expiration>{expiration}</Expiration>".encode(), body)
            with STATE.lock:
                STATE.role_session_expiry[issued.group(1).decode()] = time.time() + seconds
        headers = [(name, value) for name, value in reply["headers"] if name.lower() != "content-length"]
        start_response(reply["status"], headers)
        return [body]

    @staticmethod
    def expired_token(environ, start_response):
        """A call signed with expired credentials: STS's ExpiredToken, as the query and the JSON protocols send it."""
        message = "The security token included in the request is expired"
        if environ.get("HTTP_X_AMZ_TARGET"):
            start_response("400 Bad Request", [("Content-Type", "application/x-amz-json-1.1")])
            return [json.dumps({"__type": "ExpiredTokenException", "message": message}).encode()]
        start_response("403 Forbidden", [("Content-Type", "text/xml")])
        return [
            f"<ErrorResponse><Error><Type>Sender</Type><Code>ExpiredToken</Code><Message>{message}</Message></Error>"
            "<RequestId>00000000-0000-0000-0000-000000000000</RequestId></ErrorResponse>".encode()
        ]

    @staticmethod
    def access_key(environ):
        auth = environ.get("HTTP_AUTHORIZATION", "")
        return auth.split("Credential=", 1)[1].split("/", 1)[0] if "Credential=" in auth else None

    @staticmethod
    def xml(start_response, status, text):
        start_response(status, [("Content-Type", "text/xml")])
        return [text.encode()]

    @staticmethod
    def throttling(environ, start_response):
        """The service's own throttling error: Throttling for the query protocol (IAM, STS), TooManyRequestsException
        for the JSON one (Organizations)."""
        if environ.get("HTTP_X_AMZ_TARGET"):
            start_response("400 Bad Request", [("Content-Type", "application/x-amz-json-1.1")])
            return [json.dumps({"__type": "TooManyRequestsException", "message": "Rate exceeded (emulator knob)"}).encode()]
        start_response("400 Bad Request", [("Content-Type", "text/xml")])
        return [
            b'<ErrorResponse><Error><Type>Sender</Type><Code>Throttling</Code><Message>Rate exceeded (emulator knob)'
            b"</Message></Error><RequestId>00000000-0000-0000-0000-000000000000</RequestId></ErrorResponse>"
        ]

    @staticmethod
    def buffer_body(environ):
        length = int(environ.get("CONTENT_LENGTH") or 0)
        body = environ["wsgi.input"].read(length) if length > 0 else b""
        environ["wsgi.input"] = io.BytesIO(body)
        return body

    @staticmethod
    def identify(environ, body):
        """("iam", "ListOrganizationsFeatures") from the SigV4 scope and the query action or JSON target."""
        auth = environ.get("HTTP_AUTHORIZATION", "")
        scope = auth.split("Credential=", 1)[1].split(",", 1)[0].split("/") if "Credential=" in auth else []
        service = scope[3] if len(scope) > 3 else "unknown"
        target = environ.get("HTTP_X_AMZ_TARGET")
        if target:
            return service, target.rsplit(".", 1)[-1]
        if body and environ.get("CONTENT_TYPE", "").startswith("application/x-www-form-urlencoded"):
            action = parse_qs(body.decode("utf-8", "replace")).get("Action")
            return service, action[0] if action else None
        return service, None

    def control(self, environ, start_response, route):
        if route == "calls" and environ.get("REQUEST_METHOD") == "GET":
            with STATE.lock:
                return self.json(start_response, dict(STATE.calls))
        if route == "usage" and environ.get("REQUEST_METHOD") == "GET":
            used = resource.getrusage(resource.RUSAGE_SELF)
            return self.json(start_response, {"cpuSeconds": used.ru_utime + used.ru_stime, "peakMb": used.ru_maxrss / 1024})
        if route == "confirm-subscription" and environ.get("REQUEST_METHOD") == "POST":
            endpoint = json.loads(self.buffer_body(environ) or b"{}").get("endpoint")
            if not isinstance(endpoint, str):
                return self.json(start_response, {"error": "endpoint must be the subscribed address"}, "400 Bad Request")
            return self.json(start_response, {"confirmed": confirm_subscriptions(endpoint)})
        if route == "held" and environ.get("REQUEST_METHOD") == "GET":
            with STATE.lock:
                return self.json(start_response, {"held": STATE.held, "conditionalWritesRefused": STATE.conditional_writes_refused})
        if route == "release" and environ.get("REQUEST_METHOD") == "POST":
            with STATE.lock:
                STATE.release.set()
                STATE.release = threading.Event()
            return self.json(start_response, {"released": True})
        if route == "connections" and environ.get("REQUEST_METHOD") == "GET":
            with STATE.lock:
                return self.json(start_response, {"opened": len(STATE.connections)})
        if route == "settings" and environ.get("REQUEST_METHOD") == "POST":
            settings = json.loads(self.buffer_body(environ) or b"{}")
            fault = settings.get("fault", STATE.fault)
            if fault not in FAULTS:
                return self.json(start_response, {"error": f"fault must be one of {FAULTS}"}, "400 Bad Request")
            delays = settings.get("replyDelaySeconds", STATE.reply_delay_seconds)
            if not isinstance(delays, dict) or not all(isinstance(v, (int, float)) and v >= 0 for v in delays.values()):
                return self.json(start_response, {"error": "replyDelaySeconds must map service:Action to seconds"}, "400 Bad Request")
            drops = settings.get("dropReplies", dict(STATE.drop_replies))
            if not isinstance(drops, dict) or not all(isinstance(v, int) and v >= 0 for v in drops.values()):
                return self.json(start_response, {"error": "dropReplies must map service:Action to a count"}, "400 Bad Request")
            holds = settings.get("holdReplies", dict(STATE.hold_replies))
            if not isinstance(holds, dict) or not all(isinstance(v, int) and v >= 0 for v in holds.values()):
                return self.json(start_response, {"error": "holdReplies must map service:Action to a count"}, "400 Bad Request")
            throttles = settings.get("throttleCalls", dict(STATE.throttle_calls))
            if not isinstance(throttles, dict) or not all(isinstance(v, int) and v >= 0 for v in throttles.values()):
                return self.json(start_response, {"error": "throttleCalls must map service:Action to a count"}, "400 Bad Request")
            lag = settings.get("featureLagSeconds", STATE.feature_lag_seconds)
            if not isinstance(lag, (int, float)) or lag < 0:
                return self.json(start_response, {"error": "featureLagSeconds must be a number of seconds"}, "400 Bad Request")
            kept = settings.get("featuresWhenTrustedAccessDisabled", STATE.features_when_trusted_access_disabled)
            if kept not in ("kept", "forgotten"):
                return self.json(start_response, {"error": 'featuresWhenTrustedAccessDisabled must be "kept" or "forgotten"'}, "400 Bad Request")
            member_error = settings.get("memberEnableError", STATE.member_enable_error)
            if member_error not in ("CallerIsNotManagementAccount", "AccountNotManagementOrDelegatedAdministrator"):
                return self.json(start_response, {"error": "memberEnableError must name one of the two errors"}, "400 Bad Request")
            role_seconds = settings.get("roleSessionSeconds", STATE.role_session_seconds)
            if role_seconds is not None and (not isinstance(role_seconds, (int, float)) or role_seconds <= 0):
                return self.json(start_response, {"error": "roleSessionSeconds must be a number of seconds, or null for moto's"}, "400 Bad Request")
            root_problem = ROOT_USERS.configure(settings) or REGIONS.configure(settings)
            if root_problem:
                return self.json(start_response, {"error": root_problem}, "400 Bad Request")
            with STATE.lock:
                STATE.throttle_calls = Counter(throttles)
                STATE.feature_lag_seconds = float(lag)
                STATE.features_when_trusted_access_disabled = kept
                STATE.member_enable_error = member_error
                STATE.role_session_seconds = role_seconds
                STATE.fault = fault
                STATE.service_access_lag_seconds = float(settings.get("serviceAccessLagSeconds", STATE.service_access_lag_seconds))
                STATE.reply_delay_seconds = {key: float(value) for key, value in delays.items()}
                STATE.drop_replies = Counter(drops)
                STATE.hold_replies = Counter(holds)
                current = {
                    "fault": STATE.fault,
                    "serviceAccessLagSeconds": STATE.service_access_lag_seconds,
                    "replyDelaySeconds": STATE.reply_delay_seconds,
                    "dropReplies": dict(STATE.drop_replies),
                    "holdReplies": dict(STATE.hold_replies),
                    "throttleCalls": dict(STATE.throttle_calls),
                    "featureLagSeconds": STATE.feature_lag_seconds,
                    "featuresWhenTrustedAccessDisabled": STATE.features_when_trusted_access_disabled,
                    "memberEnableError": STATE.member_enable_error,
                    "roleSessionSeconds": STATE.role_session_seconds,
                    **ROOT_USERS.settings(),
                    **REGIONS.settings(),
                }
            return self.json(start_response, current)
        if route == "root-user" and environ.get("REQUEST_METHOD") == "POST":
            try:
                return self.json(start_response, ROOT_USERS.seed(json.loads(self.buffer_body(environ) or b"{}")))
            except (ValueError, AttributeError, TypeError) as error:
                return self.json(start_response, {"error": str(error)}, "400 Bad Request")
        if route == "root-sessions" and environ.get("REQUEST_METHOD") == "GET":
            return self.json(start_response, ROOT_USERS.session_log())
        return self.json(start_response, {"error": f"no control route {route}"}, "404 Not Found")

    @staticmethod
    def json(start_response, value, status="200 OK"):
        start_response(status, [("Content-Type", "application/json")])
        return [json.dumps(value).encode()]


S3_POLICY_ACTIONS = {"GET": "GetBucketPolicy", "PUT": "PutBucketPolicy", "DELETE": "DeleteBucketPolicy"}


def s3_permission(environ):
    """The IAM action an S3 REST request needs, for the task policies: the bucket policy calls and ListBuckets by
    name; anything else by method and path (which no task policy allows)."""
    method = environ.get("REQUEST_METHOD", "GET")
    path = environ.get("PATH_INFO", "/")
    query = parse_qs(environ.get("QUERY_STRING", ""), keep_blank_values=True)
    if path.strip("/") == "" and method == "GET":
        return "ListAllMyBuckets"
    if "policy" in query and method in S3_POLICY_ACTIONS and "/" not in path.strip("/"):
        return S3_POLICY_ACTIONS[method]
    return f"{method} {path}"


def exit_when_closed(server, stream):
    """Whoever holds the other end of `stream` started us: when it dies, even without cleaning up, we go too."""

    def watch():
        while stream.read(4096):
            pass
        server.shutdown()

    threading.Thread(target=watch, daemon=True).start()


# moto finds the account of a request's access key by scanning every account's IAM backend in every partition
# (creating the missing ones as it goes), on every request: an organization of 10,000 accounts made each call
# cost as much as the organization is large. An index kept by the backends' own access-key dictionaries answers
# the same in constant time: a key maps to the account whose backend holds it; an unknown key to moto's default.
ACCESS_KEY_ACCOUNTS = {}


class IndexedAccessKeys(dict):
    """An IAM backend's access keys that keep ACCESS_KEY_ACCOUNTS up to date (moto only sets and deletes them)."""

    def __init__(self, account_id, keys):
        super().__init__()
        self.account_id = account_id
        for key, value in keys.items():
            self[key] = value

    def __setitem__(self, key, value):
        super().__setitem__(key, value)
        ACCESS_KEY_ACCOUNTS[key] = self.account_id

    def __delitem__(self, key):
        super().__delitem__(key)
        ACCESS_KEY_ACCOUNTS.pop(key, None)


def index_access_keys():
    from moto.iam import models as iam_models

    if getattr(iam_models.IAMBackend.__init__, "indexed", False):
        return
    original = iam_models.IAMBackend.__init__

    def init(self, region_name, account_id):
        original(self, region_name, account_id)
        self.access_keys = IndexedAccessKeys(account_id, self.access_keys)

    init.indexed = True
    iam_models.IAMBackend.__init__ = init
    # Backends made before this point (none, as the launcher runs) keep their keys findable too.
    for account_id, partitions in list(iam_models.iam_backends.items()):
        for backend in list(dict.values(partitions)):
            if not isinstance(backend.access_keys, IndexedAccessKeys):
                backend.access_keys = IndexedAccessKeys(account_id, backend.access_keys)
    iam_models.get_account_id_from = lambda access_key: ACCESS_KEY_ACCOUNTS.get(access_key, iam_models.DEFAULT_ACCOUNT_ID)


# moto keeps an organization's accounts in a list and scans it: a lookup by id for each DescribeAccount,
# AssumeRoot or policy attachment, and every ListAccounts page describes and sorts every account before slicing
# one page out (an organization of 10,000 accounts paid 500 pages x 10,000 accounts for one listing). The list
# below keeps an index by id, and ListAccounts pages through it: accounts join at the end, so the list is already
# in the order of JoinedTimestamp that moto sorts by.
LIST_ACCOUNTS_PAGE = 20


class IndexedAccounts(list):
    """An organization's accounts, in the order they joined, with an index by id that every change keeps."""

    def __init__(self, accounts=()):
        super().__init__(accounts)
        self.by_id = {account.id: account for account in self}

    def append(self, account):
        super().append(account)
        self.by_id[account.id] = account

    def remove(self, account):
        super().remove(account)
        self.by_id.pop(account.id, None)

    def _unsupported(self, *args, **kwargs):
        raise NotImplementedError("IndexedAccounts: moto changed how it edits an organization's accounts")

    insert = extend = pop = clear = __setitem__ = __delitem__ = __iadd__ = _unsupported


def index_organization_accounts():
    from moto.organizations.exceptions import AccountNotFoundException, InvalidInputException
    from moto.utilities.paginator import InvalidToken

    backend_class = organizations.OrganizationsBackend
    if getattr(backend_class.__init__, "indexed", False):
        return
    original = backend_class.__init__

    def init(self, *args, **kwargs):
        original(self, *args, **kwargs)
        self.accounts = IndexedAccounts(self.accounts)

    def get_account_by_id(self, account_id):
        account = self.accounts.by_id.get(account_id)
        if account is None:
            raise AccountNotFoundException
        return account

    def list_accounts(self, max_results=None, next_token=None):
        # AWS's pages hold 20 accounts at most (MaxResults 1-20); moto's 100 would hide a caller that stops at one.
        if max_results is not None and not 1 <= max_results <= LIST_ACCOUNTS_PAGE:
            raise InvalidInputException(f"MaxResults {max_results} is out of range: 1 to {LIST_ACCOUNTS_PAGE}.")
        # The token names the last account of the previous page; an account that left since costs a scan.
        start = 0
        if next_token:
            last = self.accounts.by_id.get(next_token)
            if last is None:
                raise InvalidToken("Invalid token")
            start = self.accounts.index(last) + 1
        page = self.accounts[start : start + (max_results or LIST_ACCOUNTS_PAGE)]
        more = start + len(page) < len(self.accounts)
        return [account.describe() for account in page], (page[-1].id if more else None)

    init.indexed = True
    backend_class.__init__ = init
    backend_class.get_account_by_id = get_account_by_id
    backend_class.list_accounts = list_accounts


# The fields AWS requires of TestEventPattern's Event ("Parameter Event is not valid" without them).
TEST_EVENT_FIELDS = ("id", "account", "source", "time", "region", "resources", "detail-type")


def add_test_event_pattern():
    """EventBridge's TestEventPattern, which moto 5.2.1 stubs (it answers nothing): moto's own pattern matcher,
    with AWS's checks of the pattern and of the event."""
    from moto.events.exceptions import ValidationException
    from moto.events.models import EventPattern, EventPatternParser
    from moto.events.responses import EventsHandler

    def test_event_pattern(self):
        raw_pattern = self._get_param("EventPattern")
        raw_event = self._get_param("Event")
        pattern = EventPatternParser(raw_pattern).parse()
        try:
            event = json.loads(raw_event or "")
        except ValueError:
            raise ValidationException("Parameter Event is not valid.") from None
        if not isinstance(event, dict) or any(field not in event for field in TEST_EVENT_FIELDS):
            raise ValidationException("Parameter Event is not valid.")
        return json.dumps({"Result": EventPattern(raw_pattern, pattern).matches_event(event)})

    EventsHandler.test_event_pattern = test_event_pattern


def events_may_publish(policy, topic_arn, rule_arn):
    """Whether a topic policy lets events.amazonaws.com publish for `rule_arn`: an Allow for the service (or "*")
    with sns:Publish on the topic, whose conditions (if any) are aws:SourceArn equal to the rule. No Deny is honoured
    beyond that: a policy with one delivers nothing, the less convenient side."""
    as_list = lambda value: value if isinstance(value, list) else ([] if value is None else [value])  # noqa: E731
    statements = as_list(policy.get("Statement"))
    if any(statement.get("Effect") == "Deny" for statement in statements):
        return False
    for statement in statements:
        principal = statement.get("Principal")
        service = principal == "*" or "events.amazonaws.com" in as_list((principal or {}).get("Service") if isinstance(principal, dict) else None)
        actions = {"sns:publish", "sns:*", "*"} & {str(action).lower() for action in as_list(statement.get("Action"))}
        resources = {topic_arn, "*"} & set(as_list(statement.get("Resource")))
        conditions = statement.get("Condition") or {}
        only_source = all(
            operator in ("ArnEquals", "StringEquals") and all(key == "aws:SourceArn" and rule_arn in as_list(value) for key, value in keys.items())
            for operator, keys in conditions.items()
        )
        if statement.get("Effect") == "Allow" and service and actions and resources and only_source:
            return True
    return False


def deliver_rules_as_aws():
    """EventBridge rules as AWS runs them, where moto 5.2.1 does not: a DISABLED rule delivers nothing (moto
    delivers anyway), and an SNS topic target gets the event, input transformer applied, as a message published
    to the topic (moto fails the PutEvents call). A template that renders a JSON string is published as that
    text, as SNS delivers it to an email subscription."""
    from moto.events import models as events_models
    from moto.events.utils import EventTemplateParser
    from moto.sns.models import sns_backends

    original = events_models.Rule.send_to_targets
    if getattr(original, "as_aws", False):
        return
    lock = threading.Lock()

    def send_to_targets(self, original_event, transform_input=True):
        if self.state == "DISABLED":
            return
        topics = [target for target in self.targets if target["Arn"].split(":")[2:3] == ["sns"]]
        if topics and self.event_pattern.matches_event(original_event):
            for target in topics:
                transformer = target.get("InputTransformer", {}) if transform_input else {}
                rendered = EventTemplateParser.parse(
                    input_template=transformer.get("InputTemplate"),
                    input_paths_map=transformer.get("InputPathsMap", {}),
                    event=original_event,
                )
                _, _, _, region, account, _ = target["Arn"].split(":", 5)
                backend = sns_backends[account][region]
                topic = backend.topics.get(target["Arn"])
                # AWS drops the delivery when the topic's policy does not let EventBridge publish for this rule.
                if topic is None or not events_may_publish(topic._policy_json, target["Arn"], self.arn):
                    continue
                message = rendered if isinstance(rendered, str) else json.dumps(rendered)
                backend.publish(message=message, arn=target["Arn"])
        others = [target for target in self.targets if target not in topics]
        with lock:  # moto's own delivery, to the other targets only
            kept, self.targets = self.targets, others
            try:
                original(self, original_event, transform_input)
            finally:
                self.targets = kept

    send_to_targets.as_aws = True
    events_models.Rule.send_to_targets = send_to_targets


EMAIL_PROTOCOLS = ("email", "email-json")


def email_subscriptions_pending():
    """An email subscription waits for its owner to confirm it, as on AWS (moto confirms every subscription at
    once): ListSubscriptions* show "PendingConfirmation" for its ARN and GetSubscriptionAttributes says
    PendingConfirmation "true", until POST /_org-root-access/confirm-subscription confirms it."""
    from moto.sns import models as sns_models

    original = sns_models.SNSBackend.subscribe
    if getattr(original, "pending", False):
        return

    def subscribe(self, topic_arn, endpoint, protocol):
        subscription = original(self, topic_arn, endpoint, protocol)
        if protocol in EMAIL_PROTOCOLS and not getattr(subscription, "confirmed_by_owner", False):
            subscription.subscription_arn = "PendingConfirmation"  # what moto's serializer reads first
            subscription.attributes["PendingConfirmation"] = "true"
        return subscription

    subscribe.pending = True
    sns_models.SNSBackend.subscribe = subscribe


def confirm_subscriptions(endpoint):
    """Confirms every pending email subscription of `endpoint` (its owner clicked the link); returns how many."""
    from moto.sns.models import sns_backends

    confirmed = 0
    for _, _, backend in sns_backends.iter_backends():
        for subscription in backend.subscriptions.values():
            if subscription.endpoint == endpoint and getattr(subscription, "subscription_arn", None) == "PendingConfirmation":
                del subscription.subscription_arn
                subscription.confirmed_by_owner = True
                subscription.attributes["PendingConfirmation"] = "false"
                confirmed += 1
    return confirmed


def extend_moto():
    """Everything this launcher adds to moto, before the first request."""
    allow_iam_principal()
    features_follow_trusted_access_knob()
    organizations_preconditions()
    add_root_access_actions()
    index_access_keys()
    index_organization_accounts()
    add_test_event_pattern()
    deliver_rules_as_aws()
    email_subscriptions_pending()
    describe_regions_as_aws()
    forward_to_buses_as_aws()


def make_emulator(host, port):
    """A threaded server of moto plus the extension on host:port (0 picks a free port), already listening."""
    listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    listener.bind((host, port))
    listener.listen(128)
    host, port = listener.getsockname()
    app = ControlMiddleware(DomainDispatcherApplication(create_backend_app))
    return make_server(host, port, app, threaded=True, fd=listener.fileno(), request_handler=KeepAliveRequestHandler)


def listening_line(server):
    return f"org-root-access emulator listening on http://{server.host}:{server.port} (pid {os.getpid()})"


def serve_forks(path, host):
    """Imports moto once, then forks a fresh emulator for each connection to the Unix socket at `path`.

    Importing moto takes about a second of CPU; a fork takes milliseconds and starts from the same untouched
    state as a new process (nothing here handles a request before forking). The forked emulator writes its
    listening line to the connection and stops when the connection closes. This process stops when its
    standard input closes; it is single-threaded, so a fork copies no lock another thread holds.
    """
    listener = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    listener.bind(path)
    listener.listen(16)
    signal.signal(signal.SIGCHLD, signal.SIG_IGN)  # the kernel reaps the forks
    print(f"org-root-access emulator forks on {path}", flush=True)
    try:
        while True:
            readable, _, _ = select.select([listener, sys.stdin], [], [])
            if sys.stdin in readable and not os.read(sys.stdin.fileno(), 4096):
                return
            if listener in readable:
                connection, _ = listener.accept()
                if os.fork() == 0:
                    listener.close()
                    serve_fork(connection, host)
                connection.close()
    finally:
        listener.close()
        os.unlink(path)


def serve_fork(connection, host):
    """In a fork of serve_forks: one emulator, for as long as `connection` stays open. Never returns."""
    signal.signal(signal.SIGCHLD, signal.SIG_DFL)
    # Python reseeds its own `random` in a fork; moto's generator (IDs, keys) would repeat its parent's sequence.
    mock_random.seed()
    # Like a spawned emulator whose logs nobody reads after it started: nothing may block on a full pipe.
    devnull = os.open(os.devnull, os.O_RDWR)
    for stream in (0, 1, 2):
        os.dup2(devnull, stream)
    status = 1
    try:
        server = make_emulator(host, 0)
        exit_when_closed(server, connection.makefile("rb", buffering=0))
        connection.sendall(f"{listening_line(server)}\n".encode())
        server.serve_forever()
        server.server_close()
        status = 0
    except BaseException:  # noqa: BLE001: the parent waits for a line; it gets the reason instead
        try:
            connection.sendall(traceback.format_exc().encode())
        except OSError:
            pass
    finally:
        os._exit(status)


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=0, help="0 picks a free port")
    parser.add_argument("--exit-with-stdin", action="store_true", help="stop when standard input closes")
    parser.add_argument("--fork-server", metavar="SOCKET", help="fork an emulator per connection to this Unix socket")
    parser.add_argument("--verbose", action="store_true", help="log every request")
    args = parser.parse_args()
    if not args.verbose:
        logging.getLogger("werkzeug").setLevel(logging.WARNING)

    extend_moto()
    if args.fork_server:
        serve_forks(args.fork_server, args.host)
        return
    server = make_emulator(args.host, args.port)
    if args.exit_with_stdin:
        exit_when_closed(server, sys.stdin.buffer)
    print(listening_line(server), flush=True)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()


if __name__ == "__main__":
    main()
