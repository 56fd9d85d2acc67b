import * as path from "node:path";
import { ExpectedError } from "../scripts/shared/expected-error";

/** An expected failure of synth: its message is the whole story, printed without a stack trace. */
export class SynthError extends ExpectedError {
  override readonly name: string = "SynthError";
}

/** CDKTF_OUTDIR names a folder whose parent does not exist. */
export function outdirParentMissing(outdir: string): SynthError {
  return new SynthError(
    `CDKTF_OUTDIR names ${outdir}, but ${path.dirname(outdir)} does not exist. Create it, or point CDKTF_OUTDIR at a folder that can be created.`,
  );
}

/** terraform could not be run to check its version. */
export function terraformMissing(binary: string, cause: unknown, minimum: string): SynthError {
  return new SynthError(
    `Cannot run "${binary} version" (${(cause as Error).message.split("\n")[0]}). The synthesized stacks need Terraform ` +
      `${minimum} or newer on PATH (or TERRAFORM_BINARY_NAME naming it).`,
  );
}

/** No terraform at all: synth goes on, and says what plan and apply will need. */
export function terraformNotInstalled(binary: string, minimum: string, forLockfile: boolean): string {
  return (
    `warning: "${binary}" is not on PATH. The stacks are synthesized; terraform plan and apply of them need ` +
    `Terraform ${minimum} or newer${forLockfile ? " (S3 state locking with use_lockfile)" : ""} on PATH (or ` +
    `TERRAFORM_BINARY_NAME naming it).`
  );
}

/** The terraform on PATH is older than the synthesized stacks need. */
export function terraformTooOld(binary: string, found: string, minimum: string, forLockfile: boolean): SynthError {
  return new SynthError(
    `${binary} ${found} is too old: the synthesized stacks need ${minimum} or newer` +
      (forLockfile ? " (S3 state locking with use_lockfile)" : " (removed blocks)") +
      `. Install a newer Terraform${forLockfile ? ', or set "useLockfile": false and a "dynamodbTable" in the backend' : ""}.`,
  );
}

/** The app cannot find the bundled script the stacks ship as an asset. */
export function scriptBundleMissing(file: string): SynthError {
  return new SynthError(
    `The root-access script bundle ${file} does not exist. Build it with "npm run build" (npm run synth builds it before synthesizing).`,
  );
}

/**
 * Terraform error_message texts for the plan-time checks on an existing organization. `${self.*}` is
 * interpolated by terraform from the aws_organizations_organization data source.
 */
export const organizationCheck = {
  wrongOrganization: (expected: string) =>
    `These credentials belong to organization \${self.id}, but organization.id is ${expected}. Nothing was ` +
    `changed. Run with credentials of ${expected}'s management account (or set assumeRoleArn to a role in it), ` +
    `or correct organization.id.`,
  notAllFeatures: (expected: string) =>
    `Organization ${expected} has feature set \${self.feature_set}, and IAM centralized root access needs all ` +
    `features. This stack never changes the feature set (that would replace the organization or send a ` +
    `handshake to every account). Enabling all features needs the approval of every member account: start it ` +
    `in the Organizations console or with "aws organizations enable-all-features", wait until every account ` +
    `has accepted, then plan again.`,
  iamNotTrusted: (expected: string) =>
    `Organization ${expected} does not trust iam.amazonaws.com, which centralized root access needs. In the ` +
    `stack that owns aws_organizations_organization, add "iam.amazonaws.com" to aws_service_access_principals ` +
    `(keeping every principal already listed), apply that stack, then plan this one again. (Or run "aws ` +
    `organizations enable-aws-service-access --service-principal iam.amazonaws.com" if no stack manages it.)`,
};

/** Plan-time checks of the root-user guardrail; `${...}` parts are terraform expressions, filled at plan time. */
export const guardrailCheck = {
  managementAccountTarget: () =>
    `rootUserGuardrail.targets lists \${each.value}, the organization's management account, and service control ` +
    `policies never apply to the management account: the guardrail would protect nothing there. Remove it from ` +
    `targets; protect the management account's root user with MFA and by keeping its credentials unused.`,
  unknownTarget: () =>
    `rootUserGuardrail.targets lists \${each.value}, which is neither an OU nor a member account of the organization: ` +
    `the guardrail cannot be attached there. Correct the id in the configuration, or create the OU (or move the ` +
    `account into the organization) first. Nothing was attached.`,
  scpNotEnabled: (expected: string) =>
    `Organization ${expected} does not have the SERVICE_CONTROL_POLICY policy type enabled, which rootUserGuardrail ` +
    `needs. In the stack that owns aws_organizations_organization, add "SERVICE_CONTROL_POLICY" to ` +
    `enabled_policy_types (keeping every type already listed), apply that stack, then plan this one again. (Or run ` +
    `"aws organizations enable-policy-type --root-id <root id> --policy-type SERVICE_CONTROL_POLICY" if no stack ` +
    `manages it.)`,
};

/** Plan-time checks of rootCredentials; `${...}` parts are terraform expressions, filled at plan time. */
export const rootCredentialsCheck = {
  notActiveMembers: (missing: string) =>
    `rootCredentials.remove lists accounts that are not active member accounts of the organization: ${missing}. ` +
    `Remove them from the list (the management account has no central root session; suspended accounts have none either).`,
  keptNotMembers: (missing: string) =>
    `rootCredentials.keep lists accounts that are not member accounts of the organization: ${missing}. A mistyped id ` +
    `keeps nothing, and the account meant to be kept would lose its root credentials. Nothing was removed. Correct ` +
    `the id (the member accounts: npm run root-credentials -- audit), or take it out of keep.`,
};
