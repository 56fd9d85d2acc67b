import { isDeepStrictEqual } from "node:util";
import type { Account, OrganizationScps, Scp } from "../organization-scps";
import { parsePolicy } from "../policy-document";
import type { OrganizationChange, Ref } from "./organization-changes";

// The organization as a plan (or a policy to be attached) would leave it: the live organization, read now, with
// the changes applied. What the plan cannot know until apply (a content, a target computed elsewhere) is kept as
// "unknowns", named by the plan's address and attribute; the policy or attachment it concerns is evaluated as
// "cannot tell". Pure.

/** The organization after the changes, and what cannot be known before apply. */
export interface FutureOrganization {
  readonly organization: OrganizationScps;
  /**
   * What decides the answer and cannot be evaluated, as sentences: a value known only after apply ("<address>.
   * <attribute> is known only after apply"), a target that is not in the organization, a change not evaluated.
   */
  readonly unknowns: readonly string[];
  /** What the changes refer to that the live organization does not have (a policy id that does not exist, say). */
  readonly notes: readonly string[];
}

/** The id a policy, OU or account that the plan creates goes by in the evaluation and the report. */
export function plannedId(address: string): string {
  return `planned ${address}`;
}

/** AWS attaches FullAWSAccess to every root, OU and account when the SCP type is enabled. */
const FULL_AWS_ACCESS: Scp = {
  id: "p-FullAWSAccess",
  name: "FullAWSAccess",
  statements: parsePolicy(
    JSON.stringify({ Version: "2012-10-17", Statement: [{ Effect: "Allow", Action: "*", Resource: "*" }] }),
  ),
};

export function futureOrganization(live: OrganizationScps, changes: readonly OrganizationChange[]): FutureOrganization {
  const policies = new Map(live.policies);
  const rcps = new Map(live.rcps);
  const attachments = new Map([...live.attachments].map(([node, ids]) => [node, [...ids]]));
  const rcpAttachments = new Map([...live.rcpAttachments].map(([node, ids]) => [node, [...ids]]));
  const units = new Map(live.units);
  const accounts = new Map<string, Account>(live.accounts.map((account) => [account.id, account]));
  let scpsEnabled = live.scpsEnabled;
  const unknowns: string[] = [];
  const notes: string[] = [];
  const idOf = (ref: Ref): string | undefined => {
    if ("id" in ref) return ref.id === "root" ? live.root.id : ref.id;
    if ("created" in ref) return plannedId(ref.created);
    unknowns.push(`${ref.unknown} is known only after apply`);
    return undefined;
  };
  /** Attachments the changes add, checked once every change is applied: their target must exist then. */
  const attached: { readonly address: string; readonly target: string }[] = [];
  const detachEverywhere = (id: string) => {
    for (const map of [attachments, rcpAttachments]) {
      for (const [node, ids] of map)
        map.set(
          node,
          ids.filter((attached) => attached !== id),
        );
    }
  };

  for (const change of changes) {
    switch (change.kind) {
      case "put policy": {
        const id = idOf(change.policy) ?? "";
        const existing = policies.get(id) ?? rcps.get(id);
        if ("id" in change.policy && existing === undefined) {
          notes.push(
            `${change.address} updates ${id}, which the organization does not have (deleted outside terraform?): evaluated as new`,
          );
        } else if (
          existing !== undefined &&
          change.priorContent !== undefined &&
          !isDeepStrictEqual(parsePolicy(change.priorContent, change.type), existing.statements)
        ) {
          notes.push(
            `the plan's prior state of ${id} (${change.address}) is not what the organization has now: the live policy is what the plan changes, and was evaluated as the "before"`,
          );
        }
        const statements =
          change.content === undefined
            ? [{ sid: "the policy", unreadable: `its content is known only after apply (${change.address}.content)` }]
            : parsePolicy(change.content, change.type);
        if (change.content === undefined) unknowns.push(`${change.address}.content is known only after apply`);
        (change.type === "SCP" ? policies : rcps).set(id, { id, name: change.name, statements });
        break;
      }
      case "delete policy":
        policies.delete(change.id);
        rcps.delete(change.id);
        detachEverywhere(change.id);
        break;
      case "attach": {
        const policy = idOf(change.policy);
        const target = idOf(change.target);
        if (policy === undefined || target === undefined) break;
        const map = rcps.has(policy) ? rcpAttachments : policies.has(policy) ? attachments : undefined;
        if (map === undefined) {
          // Not read (the SCP type disabled now, or another kind of policy): what it would do is not known.
          unknowns.push(
            `${change.address} attaches ${policy}, which is none of the SCPs or RCPs the organization's live policies hold`,
          );
          break;
        }
        map.set(target, [...(map.get(target) ?? []), policy]);
        attached.push({ address: change.address, target });
        break;
      }
      case "detach":
        if (![attachments, rcpAttachments].some((map) => map.get(change.targetId)?.includes(change.policyId))) {
          notes.push(
            `${change.address} detaches ${change.policyId} from ${change.targetId}, which the organization does not have attached now (the plan's state is out of date)`,
          );
        }
        for (const map of [attachments, rcpAttachments]) {
          map.set(
            change.targetId,
            (map.get(change.targetId) ?? []).filter((id) => id !== change.policyId),
          );
        }
        break;
      case "policy types": {
        if (change.enabled === undefined) {
          unknowns.push(`${change.address}.enabled_policy_types is known only after apply`);
          break;
        }
        const scp = change.enabled.includes("SERVICE_CONTROL_POLICY");
        if (scp && !scpsEnabled) {
          // Enabling the type attaches FullAWSAccess everywhere; the plan's own SCPs come on top.
          policies.set(FULL_AWS_ACCESS.id, FULL_AWS_ACCESS);
          for (const node of [live.root.id, ...units.keys(), ...accounts.keys()]) {
            attachments.set(node, [FULL_AWS_ACCESS.id, ...(attachments.get(node) ?? [])]);
          }
        }
        scpsEnabled = scp;
        if (!change.enabled.includes("RESOURCE_CONTROL_POLICY")) {
          rcps.clear();
          rcpAttachments.clear();
        }
        break;
      }
      case "move": {
        const account = idOf(change.account);
        const parent = idOf(change.parent);
        if (account === undefined || parent === undefined) break;
        // An account the plan creates is a member account like the others once the apply has run.
        const known = accounts.get(account) ?? { id: account, name: change.address, status: "ACTIVE" };
        accounts.set(account, { ...known, parentId: parent });
        break;
      }
      case "not evaluated":
        unknowns.push(`${change.address} ${change.why}: not evaluated`);
        break;
      case "create unit": {
        const id = idOf(change.unit);
        const parent = idOf(change.parent);
        if (id !== undefined && parent !== undefined) units.set(id, { id, name: change.name, parentId: parent });
        break;
      }
      case "delete unit":
        units.delete(change.id);
        attachments.delete(change.id);
        rcpAttachments.delete(change.id);
        break;
    }
  }
  for (const { address, target } of attached) {
    if (target !== live.root.id && !units.has(target) && !accounts.has(target)) {
      unknowns.push(`${address} attaches to ${target}, which is not the root, an OU or an account of the organization`);
    }
  }
  const organization: OrganizationScps = {
    ...live,
    scpsEnabled,
    units,
    accounts: [...accounts.values()],
    policies,
    attachments,
    rcps,
    rcpAttachments,
  };
  return { organization, unknowns: [...new Set(unknowns)], notes };
}
