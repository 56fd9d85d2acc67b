import { DataAwsOrganizationsOrganizationalUnitDescendantOrganizationalUnits } from "@cdktf/provider-aws/lib/data-aws-organizations-organizational-unit-descendant-organizational-units";
import { OrganizationsPolicy } from "@cdktf/provider-aws/lib/organizations-policy";
import { OrganizationsPolicyAttachment } from "@cdktf/provider-aws/lib/organizations-policy-attachment";
import { ITerraformDependable, TerraformIterator, Token } from "cdktf";
import { Construct } from "constructs";
import type { Partition } from "../../scripts/shared/partitions";
import {
  ORGANIZATION_ROOT_TARGET,
  ROOT_USER_GUARDRAIL_NAME,
  SERVICE_CONTROL_POLICY,
  rootUserGuardrailDocument,
} from "../../scripts/shared/root-user-guardrail-policy";
import { guardrailCheck } from "../synth-errors";

/** Props of {@link RootUserGuardrail}. */
export interface RootUserGuardrailProps {
  /** Where to attach it: "root" (the organization root), OU ids, member account ids. */
  readonly targets: readonly string[];
  /** An expression (without `${}`) for the organization root's id. */
  readonly rootId: string;
  /** An expression (without `${}`) for the management account's id, which an SCP never applies to. */
  readonly managementAccountId: string;
  /** An expression (without `${}`) for the organization's member accounts (see `Organization.memberAccounts`). */
  readonly memberAccounts: string;
  /** The organization's partition: the guardrail matches root users by ARN, which names it. */
  readonly partition: Partition;
  /** What must exist first: the organization with the SCP policy type enabled. */
  readonly dependsOn: ITerraformDependable[];
}

/**
 * The SCP `org-root-access-deny-root-user` and one attachment per target. The attachments are keyed by the
 * targets as written, so their addresses are known at plan time even before a new organization's root exists.
 */
export class RootUserGuardrail extends Construct {
  /** The policy and its attachments, for what must wait for them. */
  readonly resources: ITerraformDependable[];

  constructor(scope: Construct, id: string, props: RootUserGuardrailProps) {
    super(scope, id);
    const policy = new OrganizationsPolicy(this, "policy", {
      name: ROOT_USER_GUARDRAIL_NAME,
      description:
        "org-root-access: member accounts' root users act only through central root sessions (sts:AssumeRoot); " +
        "managed by terraform",
      type: SERVICE_CONTROL_POLICY,
      content: JSON.stringify(rootUserGuardrailDocument(props.partition)),
      dependsOn: props.dependsOn,
    });
    policy.overrideLogicalId("root-user-guardrail");

    const targets = TerraformIterator.fromMap(
      Object.fromEntries(
        props.targets.map((target) => [target, target === ORGANIZATION_ROOT_TARGET ? `\${${props.rootId}}` : target]),
      ),
    );
    // A target that is not in the organization fails the plan, naming it, before anything is attached (in adopt
    // and external mode the organization is read at plan time). OUs are read below the root, at any depth.
    const named = props.targets.filter((target) => target !== ORGANIZATION_ROOT_TARGET);
    const units = named.some((target) => target.startsWith("ou-"))
      ? new DataAwsOrganizationsOrganizationalUnitDescendantOrganizationalUnits(this, "units", {
          // No dependsOn: a data source that depends on a resource with changes is read only at apply, and the
          // check must fail the plan.
          parentId: `\${${props.rootId}}`,
        })
      : undefined;
    const known = [
      `[for account in ${props.memberAccounts} : account.id]`,
      ...(units ? [`[for unit in ${units.fqn}.children : unit.id]`] : []),
    ];
    const attachment = new OrganizationsPolicyAttachment(this, "attachment", {
      forEach: targets,
      policyId: policy.id,
      targetId: Token.asString(targets.value),
      lifecycle: {
        precondition: [
          {
            condition: `\${each.value != ${props.managementAccountId}}`,
            errorMessage: guardrailCheck.managementAccountTarget(),
          },
          ...(named.length > 0
            ? [
                {
                  condition: `\${each.key == "${ORGANIZATION_ROOT_TARGET}" || contains(concat(${known.join(", ")}), each.value)}`,
                  errorMessage: guardrailCheck.unknownTarget(),
                },
              ]
            : []),
        ],
      },
    });
    attachment.overrideLogicalId("root-user-guardrail");
    this.resources = [policy, attachment];
  }
}
