import { DataResource, Fn, ITerraformDependable, TerraformSelf } from "cdktf";
import { Construct } from "constructs";
import { SCRIPT_ENVIRONMENT } from "../../scripts/shared/program-contract";
import type { RootCredentialsConfig } from "../config/schema";
import { rootCredentialsCheck } from "../synth-errors";

/** The removal's journal, in the stack folder terraform runs it in (the program keeps it; a file name only). */
const REMOVAL_JOURNAL = ".root-credentials-removal.journal";

/** Props of {@link RootCredentialsRemoval}. */
export interface RootCredentialsRemovalProps {
  /** Which member accounts to clean ("all" or ids) and which to leave alone. */
  readonly selection: RootCredentialsConfig;
  /** An expression for the organization's member accounts (see `Organization.memberAccounts`). */
  readonly memberAccounts: string;
  /** The organization, for the removal's identity. */
  readonly organizationId: string;
  /** The stack's name, so the script's messages can name the stack's settings. */
  readonly stackName: string;
  /** The bundled root-access script, as a path relative to the stack folder. */
  readonly scriptPath: string;
  readonly region: string;
  readonly assumeRoleArn?: string;
  /** What must exist first: RootCredentialsManagement enabled (AWS opens the sessions only then). */
  readonly dependsOn: ITerraformDependable[];
}

/**
 * Removes the root credentials of the selected member accounts: one `terraform_data` whose identity
 * (`triggers_replace`) is the sorted list of account ids the selection gives today, read from the organization on
 * every plan. So the plan names, by id, the accounts the apply cleans (known at plan time in an existing
 * organization; after apply in a brand-new one, whose first apply works all the same); an account that joins
 * later changes the list, which replaces the resource, and its create-time step runs `root-access
 * remove-root-credentials` for the list (clean accounts cost a session and reads, no write). A re-apply with no
 * new account changes nothing and opens no session. Destroying it, or leaving an account out, restores nothing:
 * there is no destroy-time step, and removal is irreversible except by password recovery.
 */
export class RootCredentialsRemoval extends Construct {
  /** The resource, for what must be destroyed before it. */
  readonly resource: DataResource;

  constructor(scope: Construct, id: string, props: RootCredentialsRemovalProps) {
    super(scope, id);
    const { remove, keep } = props.selection;
    const listed = remove === "all" ? [] : remove;
    const selected = [
      'account.status == "ACTIVE"',
      ...(keep.length > 0 ? [`!contains(${JSON.stringify(keep)}, account.id)`] : []),
      ...(remove === "all" ? [] : [`contains(${JSON.stringify(listed)}, account.id)`]),
    ].join(" && ");
    const activeIds = `[for account in ${props.memberAccounts} : account.id if account.status == "ACTIVE"]`;
    const memberIds = `[for account in ${props.memberAccounts} : account.id]`;
    const missing = (ids: readonly string[], from: string) => `join(", ", sort(setsubtract(${JSON.stringify(ids)}, ${from})))`;
    // Every id the selection names must be a member: a mistyped `keep` would keep nothing, and remove the
    // credentials of the account it meant (a mistyped `remove` would remove nothing it meant).
    const checks = [
      ...(listed.length > 0
        ? [
            {
              condition: `\${length(setsubtract(${JSON.stringify(listed)}, ${activeIds})) == 0}`,
              errorMessage: rootCredentialsCheck.notActiveMembers(`\${${missing(listed, activeIds)}}`),
            },
          ]
        : []),
      ...(keep.length > 0
        ? [
            {
              condition: `\${length(setsubtract(${JSON.stringify(keep)}, ${memberIds})) == 0}`,
              errorMessage: rootCredentialsCheck.keptNotMembers(`\${${missing(keep, memberIds)}}`),
            },
          ]
        : []),
    ];
    this.resource = new DataResource(this, "removal", {
      dependsOn: props.dependsOn,
      triggersReplace: {
        organization_id: props.organizationId,
        accounts: `\${sort([for account in ${props.memberAccounts} : account.id if ${selected}])}`,
      },
      // The kept accounts too, for the plan summary (a joined string: lists in `input` synthesize as maps).
      input: { region: props.region, assume_role_arn: props.assumeRoleArn ?? "", kept: [...keep].sort().join(",") },
      lifecycle: checks.length > 0 ? { precondition: checks } : undefined,
      provisioners: [
        {
          type: "local-exec",
          interpreter: ["node", props.scriptPath],
          command: "remove-root-credentials",
          environment: {
            [SCRIPT_ENVIRONMENT.accounts]: Fn.join(",", TerraformSelf.getAny("triggers_replace.accounts") as string[]),
            [SCRIPT_ENVIRONMENT.region]: TerraformSelf.getString("input.region"),
            [SCRIPT_ENVIRONMENT.roleArn]: TerraformSelf.getString("input.assume_role_arn"),
            [SCRIPT_ENVIRONMENT.stack]: props.stackName,
            // In the stack folder: an apply that was killed resumes, opening no session for an account it finished.
            [SCRIPT_ENVIRONMENT.journal]: REMOVAL_JOURNAL,
          },
        },
      ],
    });
    this.resource.overrideLogicalId("root-credentials");
  }
}
