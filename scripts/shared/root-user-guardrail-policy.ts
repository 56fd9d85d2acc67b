import { Partition, rootUserArn } from "./partitions";

// The root-user guardrail as data, with no dependencies beyond the partition: the stack creates it, and the plan
// gate, the plan summary and the doctor recognise it.

/** The guardrail's name in AWS Organizations: it says who made it and what it does. */
export const ROOT_USER_GUARDRAIL_NAME = "org-root-access-deny-root-user";

/** The policy type the guardrail is: an SCP, which the organization must have enabled before it can be attached. */
export const SERVICE_CONTROL_POLICY = "SERVICE_CONTROL_POLICY";

/** The address in state of the guardrail's attachments (one per target, keyed as the config writes it). */
export const ROOT_USER_GUARDRAIL_ATTACHMENT_ADDRESS = "aws_organizations_policy_attachment.root-user-guardrail";

/** The target that stands for the organization's root (every member account). */
export const ORGANIZATION_ROOT_TARGET = "root";

/**
 * The guardrail for a partition: every action of a member account's root user is denied unless the request comes
 * from a central root session (sts:AssumeRoot sets aws:AssumedRoot; Null "true" matches requests without it).
 * AWS's own example SCP for centralized root access, with a Sid, and the root ARN in the organization's partition:
 * written with `arn:aws:` it would match no principal in GovCloud or China. SCPs never apply to the management
 * account.
 */
export function rootUserGuardrailDocument(partition: Partition) {
  return {
    Version: "2012-10-17",
    Statement: [
      {
        Sid: "DenyRootUserOutsideCentralRootSessions",
        Effect: "Deny",
        Action: "*",
        Resource: "*",
        Condition: {
          ArnLike: { "aws:PrincipalArn": [rootUserArn(partition, "*")] },
          Null: { "aws:AssumedRoot": "true" },
        },
      },
    ],
  } as const;
}
