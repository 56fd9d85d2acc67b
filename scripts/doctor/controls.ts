import { CONTROLS, Control } from "../shared/controls";

/**
 * The control the doctor gives evidence for: centralized root access management (RootCredentialsManagement)
 * enabled in the organization, as iam:ListOrganizationsFeatures reports it. Unread: "cannot tell".
 */
export function doctorControls(organizationId: string | undefined, enabledFeatures: readonly string[] | undefined): Control[] {
  const control = CONTROLS.centralizedRootAccess;
  if (organizationId === undefined || enabledFeatures === undefined) {
    return [
      {
        ...control,
        status: "cannot tell",
        evidence: "iam:ListOrganizationsFeatures could not be read for the stack's organization",
      },
    ];
  }
  const evidence = `iam:ListOrganizationsFeatures for ${organizationId}: enabled: ${enabledFeatures.join(", ") || "none"}`;
  return [{ ...control, status: enabledFeatures.includes("RootCredentialsManagement") ? "pass" : "fail", evidence }];
}
