import {
  CloudTrailClient,
  DescribeTrailsCommand,
  GetEventSelectorsCommand,
  GetTrailStatusCommand,
  Trail,
} from "@aws-sdk/client-cloudtrail";
import { awsErrorCode } from "../aws/aws-errors";
import { Check, DOCTOR_CHECKS } from "./catalogue";
import type { CallingAccount } from "./root-activity-check";

/** CloudTrail in a calling account's region. */
export type TrailClients = (account: CallingAccount, region: string) => CloudTrailClient;

/** Whether a trail logs the management events AssumeRoot is one of: yes, no (why), or cannot tell (why). */
type Logs = { readonly yes: true } | { readonly no: string } | { readonly cannotTell: string };

/**
 * CloudTrail delivers AssumeRoot to EventBridge only where a trail records it: in every covered region of every
 * calling account, a trail that is logging and records management events, read and write (AWS's record of
 * AssumeRoot says readOnly, and does not say whether that stays so). The management account's multi-region
 * trails and its organization trails count; an organization trail covers the delegated administrator's account
 * too. Without the alerts configured, the check is not run.
 */
export async function alertsTrailCheck(
  trails: TrailClients,
  place: { readonly region: string; readonly regions: readonly string[]; readonly delegatedAdministratorAccountId?: string },
): Promise<Check> {
  const check = DOCTOR_CHECKS.rootActivityTrail.name;
  const fix =
    "create a multi-region trail (or an organization trail) that is logging and records management events, read and write";
  try {
    const uncovered: string[] = [];
    const unsure: string[] = [];
    const management = await readTrails(trails, "management", place.region);
    const accounts: [CallingAccount, readonly [Trail, Logs][]][] = [["management", management]];
    if (place.delegatedAdministratorAccountId !== undefined) {
      const organizationTrails = management.filter(([trail]) => trail.IsOrganizationTrail === true);
      const own = organizationTrails.some(([, logs]) => "yes" in logs)
        ? []
        : await readTrails(trails, "delegated administrator", place.region);
      accounts.push(["delegated administrator", [...organizationTrails, ...own]]);
    }
    for (const [account, read] of accounts) {
      const label =
        account === "management"
          ? "the management account"
          : `the delegated administrator's account ${place.delegatedAdministratorAccountId}`;
      for (const region of place.regions) {
        const applying = read.filter(([trail]) => trail.IsMultiRegionTrail === true || trail.HomeRegion === region);
        if (applying.some(([, logs]) => "yes" in logs)) continue;
        const reasons = applying.map(
          ([trail, logs]) => `${trail.Name}: ${"no" in logs ? logs.no : "cannotTell" in logs ? logs.cannotTell : ""}`,
        );
        const where = `${region} of ${label}${reasons.length > 0 ? ` (${reasons.join("; ")})` : ""}`;
        (applying.some(([, logs]) => "cannotTell" in logs) ? unsure : uncovered).push(where);
      }
    }
    if (uncovered.length > 0) {
      return {
        check,
        status: "problem",
        detail: `no trail records management events in ${uncovered.join(", ")}: CloudTrail does not deliver AssumeRoot to EventBridge there, and root sessions open without an alert`,
        fix,
      };
    }
    if (unsure.length > 0) {
      return { check, status: "cannot tell", detail: `whether a trail records AssumeRoot in ${unsure.join(", ")}`, fix };
    }
    return {
      check,
      status: "ok",
      detail: `a logging trail records management events in ${place.regions.join(", ")} of every calling account`,
    };
  } catch (error) {
    return {
      check,
      status: "cannot tell",
      detail: `the trails could not be read (${awsErrorCode(error) ?? "error"}: ${(error as Error).message})`,
      fix: "allow the caller cloudtrail:DescribeTrails, cloudtrail:GetTrailStatus and cloudtrail:GetEventSelectors (npm run policy -- <stack> --plan prints them)",
    };
  }
}

/** The trails that apply to an account's home region (its own and shadow copies of multi-region ones), each with whether it logs. */
async function readTrails(trails: TrailClients, account: CallingAccount, region: string): Promise<[Trail, Logs][]> {
  const { trailList = [] } = await trails(account, region).send(new DescribeTrailsCommand({ includeShadowTrails: true }));
  return Promise.all(
    trailList.map(async (trail): Promise<[Trail, Logs]> => [trail, await logsManagementEvents(trails, account, trail)]),
  );
}

async function logsManagementEvents(trails: TrailClients, account: CallingAccount, trail: Trail): Promise<Logs> {
  const client = trails(account, trail.HomeRegion ?? "");
  const name = trail.TrailARN ?? trail.Name ?? "";
  try {
    const status = await client.send(new GetTrailStatusCommand({ Name: name }));
    if (status.IsLogging !== true) return { no: "not logging" };
    const selectors = await client.send(new GetEventSelectorsCommand({ TrailName: name }));
    if (selectors.AdvancedEventSelectors !== undefined && selectors.AdvancedEventSelectors.length > 0) {
      const management = selectors.AdvancedEventSelectors.filter((selector) =>
        (selector.FieldSelectors ?? []).some((field) => field.Field === "eventCategory" && field.Equals?.includes("Management")),
      );
      if (management.length === 0) return { no: "its advanced event selectors record no management events" };
      const plain = management.some((selector) =>
        (selector.FieldSelectors ?? []).every((field) => field.Field === "eventCategory"),
      );
      return plain ? { yes: true } : { cannotTell: "its advanced event selectors filter management events (not evaluated)" };
    }
    const basic = selectors.EventSelectors ?? [];
    // A trail without selectors records every management event (CloudTrail's default).
    if (basic.length === 0) return { yes: true };
    const recorded = basic.filter((selector) => selector.IncludeManagementEvents !== false);
    if (recorded.length === 0) return { no: "it records no management events" };
    if (recorded.some((selector) => (selector.ReadWriteType ?? "All") === "All")) return { yes: true };
    return { cannotTell: `it records ${recorded.map((selector) => selector.ReadWriteType).join(", ")} management events only` };
  } catch (error) {
    return { cannotTell: `not read (${awsErrorCode(error) ?? "error"})` };
  }
}
