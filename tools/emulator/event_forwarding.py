"""Regions an account has enabled, and EventBridge rules forwarding to another region's or account's event bus, as
AWS runs them where moto 5.2.1 does not.

  - ec2:DescribeRegions: moto lists every region it knows, enabled or not, and calls some opt-in regions
    "opt-in-not-required". AWS lists only the account's enabled regions unless AllRegions is true: the 17
    commercial regions of before March 2019 (and every GovCloud and China region) need no opt-in; any other is
    "not-opted-in" until the account opts in. The knob "optedInRegions" ({"<account id>": ["af-south-1"]}) opts
    accounts in. The "opt-in-status" and "region-name" filters are applied.
  - A rule whose target is an event bus in another region or account: moto puts a new event there, with the
    receiving bus's region and account. AWS delivers the event itself, keeping its account and region (which the
    alerts' message names), and only when the target has a role that EventBridge may assume (one that trusts
    events.amazonaws.com) whose policy lets it put events on that bus, and, for another account's bus, when that
    bus's policy lets the sending account put events. Otherwise AWS drops the event (the rule's FailedInvocations
    metric counts it): so does the emulator. What the role's or bus's policy says beyond a plain Allow is not
    evaluated: such a policy delivers nothing, the less convenient side.
"""

import json
import threading

ENABLED_WITHOUT_OPT_IN = {
    "ap-northeast-1", "ap-northeast-2", "ap-northeast-3", "ap-south-1", "ap-southeast-1", "ap-southeast-2",
    "ca-central-1", "eu-central-1", "eu-north-1", "eu-west-1", "eu-west-2", "eu-west-3", "sa-east-1",
    "us-east-1", "us-east-2", "us-west-1", "us-west-2",
}


def as_list(value):
    return value if isinstance(value, list) else ([] if value is None else [value])


class Regions:
    """Which opt-in regions each account has enabled (the knob); cleared with moto's reset."""

    def __init__(self):
        self.lock = threading.Lock()
        self.reset()

    def reset(self):
        with self.lock:
            self.opted_in = {}  # account id -> set of region names

    def configure(self, settings):
        """Validates and applies "optedInRegions"; returns an error text or None."""
        if "optedInRegions" not in settings:
            return None
        value = settings["optedInRegions"]
        if not isinstance(value, dict) or not all(
            isinstance(regions, list) and all(isinstance(region, str) for region in regions) for regions in value.values()
        ):
            return 'optedInRegions must map an account id to a list of regions, for example {"111122223333": ["af-south-1"]}'
        with self.lock:
            self.opted_in = {account: set(regions) for account, regions in value.items()}
        return None

    def settings(self):
        with self.lock:
            return {"optedInRegions": {account: sorted(regions) for account, regions in self.opted_in.items()}}

    def status(self, account_id, region):
        if region in ENABLED_WITHOUT_OPT_IN or region.startswith(("us-gov-", "cn-")):
            return "opt-in-not-required"
        with self.lock:
            return "opted-in" if region in self.opted_in.get(account_id, ()) else "not-opted-in"


REGIONS = Regions()


def describe_regions_as_aws():
    from moto.ec2.models.availability_zones_and_regions import Region
    from moto.ec2.responses.availability_zones_and_regions import AvailabilityZonesAndRegions
    from moto.core.responses import ActionResult

    def describe_regions(self):
        self.error_on_dryrun()
        names = self._get_param("RegionNames", [])
        all_regions = str(self._get_param("AllRegions", False)).lower() == "true"
        filters = self._filters_from_querystring()
        account = self.current_account
        partition = lambda name: "gov" if name.startswith("us-gov-") else "cn" if name.startswith("cn-") else "aws"  # noqa: E731
        regions = []
        for region in self.ec2_backend.describe_regions(names):
            if partition(region.name) != partition(self.region):
                continue
            status = REGIONS.status(account, region.name)
            if not all_regions and not names and status == "not-opted-in":
                continue
            if "opt-in-status" in filters and status not in filters["opt-in-status"]:
                continue
            if "region-name" in filters and region.name not in filters["region-name"]:
                continue
            regions.append(Region(region.name, region.endpoint, status))
        return ActionResult({"Regions": regions})

    AvailabilityZonesAndRegions.describe_regions = describe_regions


def statements_allow(policy_text, action, resource, principal_account=None):
    """Whether a policy has a plain Allow (no condition) of `action` on `resource`, for `principal_account` when
    given (a resource policy), and no Deny at all."""
    try:
        policy = json.loads(policy_text) if isinstance(policy_text, str) else (policy_text or {})
    except ValueError:
        return False
    statements = as_list(policy.get("Statement"))
    if any(statement.get("Effect") == "Deny" for statement in statements):
        return False
    service = action.split(":")[0]
    for statement in statements:
        if statement.get("Effect") != "Allow" or statement.get("Condition"):
            continue
        if not ({action, f"{service}:*", "*"} & set(as_list(statement.get("Action")))):
            continue
        if not ({resource, "*"} & set(as_list(statement.get("Resource")))):
            continue
        if principal_account is not None:
            principal = statement.get("Principal")
            principals = ["*"] if principal == "*" else as_list((principal or {}).get("AWS") if isinstance(principal, dict) else None)
            if not any(p == "*" or p == principal_account or p.endswith(f"::{principal_account}:root") for p in principals):
                continue
        return True
    return False


def role_may_put_events(account, role_arn, bus_arn):
    """The target's role is in the sending account, trusts events.amazonaws.com, and may put events on the bus."""
    from moto.iam.models import iam_backends

    if not role_arn or role_arn.split(":")[4:5] != [account]:
        return False
    backend = iam_backends[account]["global"]
    role = next((role for role in backend.roles.values() if role.arn == role_arn), None)
    if role is None:
        return False
    trust = json.loads(role.assume_role_policy_document) if isinstance(role.assume_role_policy_document, str) else role.assume_role_policy_document
    trusted = any(
        statement.get("Effect") == "Allow"
        and "events.amazonaws.com" in as_list((statement.get("Principal") or {}).get("Service"))
        for statement in as_list((trust or {}).get("Statement"))
    )
    return trusted and any(statements_allow(policy, "events:PutEvents", bus_arn) for policy in role.policies.values())


def forward_to_buses_as_aws():
    """Event-bus targets deliver the event itself, as AWS does, and only with the role and permission AWS needs."""
    from moto.events import models as events_models

    original = events_models.Rule.send_to_targets
    if getattr(original, "forwards", False):
        return
    lock = threading.Lock()

    def is_bus(target):
        parts = target["Arn"].split(":", 5)
        return parts[2:3] == ["events"] and parts[5].startswith("event-bus/")

    def send_to_targets(self, original_event, transform_input=True):
        buses = [target for target in self.targets if is_bus(target)]
        if buses and self.state != "DISABLED" and self.event_pattern.matches_event(original_event):
            for target in buses:
                _, _, _, region, account, resource = target["Arn"].split(":", 5)
                backend = events_models.events_backends[account][region]
                bus = backend.event_buses.get(resource[len("event-bus/"):])
                if bus is None or not role_may_put_events(self.account_id, target.get("RoleArn"), target["Arn"]):
                    continue
                if account != self.account_id and not statements_allow(bus.policy, "events:PutEvents", target["Arn"], self.account_id):
                    continue
                for rule in list(bus.rules.values()):
                    rule.send_to_targets(dict(original_event))
        others = [target for target in self.targets if not is_bus(target)]
        with lock:  # the other targets as before
            kept, self.targets = self.targets, others
            try:
                original(self, original_event, transform_input)
            finally:
                self.targets = kept

    send_to_targets.forwards = True
    events_models.Rule.send_to_targets = send_to_targets
