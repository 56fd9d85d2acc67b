import { ScriptError } from "../aws/aws-errors";
import {
  DEFAULT_SERVICE_ACCESS_WAIT_SECONDS,
  MAX_SERVICE_ACCESS_WAIT_SECONDS,
  SCRIPT_ENVIRONMENT,
} from "../shared/program-contract";

/** The text of `--help`. */
export const USAGE = `Usage: root-access <verb> [feature...] [flags]

Turns IAM centralized root access features on or off for the organization the
credentials belong to, reading before writing: a feature that is already in the
wanted state is left alone.

Verbs:
  enable <feature>     enable one feature; no write if it is already enabled
  disable <feature>    disable one feature; no write if it is already disabled
                       (or the organization or IAM trusted access is gone)
  check [feature...]   exit 0 if every feature is enabled, 2 if any is not (drift), 1 on error
  check-deletable      exit 1, before a destroy disables anything, if the organization
                       may be deleted (${SCRIPT_ENVIRONMENT.deleteOrganization}=true) but still has
                       member accounts, which AWS refuses; 0 otherwise
  remove-root-credentials [account...]
                       remove every root credential (password, access keys, signing
                       certificates, MFA devices) of these member accounts (or
                       ${SCRIPT_ENVIRONMENT.accounts}), each in an sts:AssumeRoot session with
                       IAMDeleteRootUserCredentials; clean accounts get no write. Irreversible
                       except by password recovery (npm run root-credentials -- recover)

Features: RootCredentialsManagement, RootSessions

Flags (each overrides the environment variable beside it):
  --organization-id o-...  ${SCRIPT_ENVIRONMENT.organizationId}
                           refuse to act unless the credentials belong to this organization
  --features a,b           ${SCRIPT_ENVIRONMENT.features}
                           the features check expects when none are given as arguments
  --role-arn arn:...       ${SCRIPT_ENVIRONMENT.roleArn}
                           assume this role first (terraform's provider credentials do not
                           reach this script, so the stack passes the provider's role here)
  --region us-east-1       ${SCRIPT_ENVIRONMENT.region}
                           otherwise AWS_REGION or the profile's region
  --wait-seconds 120       ${SCRIPT_ENVIRONMENT.waitSeconds}
                           how long to keep retrying while IAM does not yet see trusted
                           access that was just enabled (default ${DEFAULT_SERVICE_ACCESS_WAIT_SECONDS}, at most ${MAX_SERVICE_ACCESS_WAIT_SECONDS})
  -h, --help               this text

Credentials, endpoint and profile come from the usual AWS variables (AWS_PROFILE,
AWS_ACCESS_KEY_ID, AWS_ENDPOINT_URL, ...). One JSON result line goes to stdout,
progress to stderr.`;

/** The first line of the usage text, printed after a command-line error. */
export const SYNOPSIS = USAGE.split("\n")[0];

/** A bad command line: what was wrong, then the synopsis. */
export function usageError(detail: string): ScriptError {
  return new ScriptError(`Invalid command line: ${detail}.\n${SYNOPSIS} (--help for more)`);
}

/** The organization is to be deleted, but AWS refuses while member accounts remain. */
export function organizationNotEmpty(organizationId: string, members: readonly string[]): ScriptError {
  const listed = members.slice(0, 5).join(", ") + (members.length > 5 ? `, and ${members.length - 5} more` : "");
  return new ScriptError(
    `Refusing to destroy: organization ${organizationId} still has ${members.length} member account` +
      `${members.length === 1 ? "" : "s"} (${listed}), and AWS refuses to delete an organization with member ` +
      `accounts (OrganizationNotEmptyException). Nothing was disabled or deleted. Remove the member accounts from ` +
      `the organization (or close them: closed accounts leave it after 90 days), then destroy again; or, to keep the ` +
      `organization, set allowOrganizationDestroy to false.`,
  );
}

/** The credentials belong to another organization than the one the stack manages. */
export function wrongOrganization(expected: string, actual: string | null, reporter = "IAM"): ScriptError {
  return new ScriptError(
    `Wrong organization: ${reporter} reports organization ${actual ?? "(none)"} for these credentials, but this stack ` +
      `manages ${expected}. Nothing was changed. Run with credentials of ${expected}'s management account ` +
      `(or set the stack's assumeRoleArn to a role in it).`,
  );
}
