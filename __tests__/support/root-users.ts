import { EnableOrganizationsRootCredentialsManagementCommand } from "@aws-sdk/client-iam";
import { CloseAccountCommand, CreateOrganizationCommand, EnableAWSServiceAccessCommand } from "@aws-sdk/client-organizations";
import { Emulator, RootUserSeed } from "../../tools/emulator/emulator";
import { createMemberAccount, iamAs, organizationsAs } from "./aws";

/** Root-user credentials by kind, as the scenarios seed them. */
export const ROOT_USER_KINDS = {
  passwordOnly: { password: true },
  keysOnly: { accessKeys: [{ status: "Active", lastUsed: true }, { status: "Inactive" }] },
  virtualMfa: { mfaDevices: [{ type: "virtual" }] },
  hardwareMfa: { mfaDevices: [{ type: "hardware" }] },
  certificates: { signingCertificates: [{ status: "Active" }] },
  everything: {
    password: true,
    accessKeys: [{ status: "Active", lastUsed: true }],
    mfaDevices: [{ type: "virtual" }, { type: "hardware" }],
    signingCertificates: [{ status: "Active" }],
  },
  clean: {},
} as const satisfies Record<string, Omit<RootUserSeed, "accountId">>;

export type RootUserKind = keyof typeof ROOT_USER_KINDS;

/** An organization with IAM trusted access and RootCredentialsManagement, made through the API; returns its id. */
export async function organizationWithRootCredentialsManagement(env: NodeJS.ProcessEnv): Promise<string> {
  const { Organization } = await organizationsAs(env).send(new CreateOrganizationCommand({ FeatureSet: "ALL" }));
  await organizationsAs(env).send(new EnableAWSServiceAccessCommand({ ServicePrincipal: "iam.amazonaws.com" }));
  await iamAs(env).send(new EnableOrganizationsRootCredentialsManagementCommand({}));
  return Organization!.Id!;
}

/** Creates one member account per kind and seeds its root user; returns the account ids by position. */
export async function seedMembers(emulator: Emulator, env: NodeJS.ProcessEnv, kinds: readonly RootUserKind[]): Promise<string[]> {
  const ids: string[] = [];
  for (const [index, kind] of kinds.entries()) {
    const id = await createMemberAccount(env, `${kind}-${index}`);
    await emulator.seedRootUser({ accountId: id, ...ROOT_USER_KINDS[kind] });
    ids.push(id);
  }
  return ids;
}

/** A member account that is then closed (SUSPENDED): it stays in the organization, and AWS opens no root session in it. */
export async function suspendedMember(emulator: Emulator, env: NodeJS.ProcessEnv): Promise<string> {
  const [id] = await seedMembers(emulator, env, ["everything"]);
  await organizationsAs(env).send(new CloseAccountCommand({ AccountId: id }));
  return id;
}
