import { IAMClient, ListOrganizationsFeaturesCommand } from "@aws-sdk/client-iam";
import {
  DescribeOrganizationCommand,
  ListAWSServiceAccessForOrganizationCommand,
  OrganizationsClient,
} from "@aws-sdk/client-organizations";

/** What the AWS API says about an organization's root access, read with the credentials in `env`. */
export interface OrganizationState {
  /** null when the caller is in no organization. */
  readonly organization: { readonly id: string; readonly featureSet: string; readonly managementAccountId: string } | null;
  /** Principals with trusted access, sorted. */
  readonly trustedServices: readonly string[];
  /** ListOrganizationsFeatures' answer, or the error code it gave. */
  readonly rootAccess: { readonly enabledFeatures: readonly string[] } | { readonly error: string };
}

/** SDK client settings taken from an environment (not from this process's), so callers can target any account. */
export function clientConfig(env: NodeJS.ProcessEnv) {
  return {
    region: env.AWS_REGION ?? "us-east-1",
    endpoint: env.AWS_ENDPOINT_URL,
    credentials: {
      accessKeyId: env.AWS_ACCESS_KEY_ID ?? "",
      secretAccessKey: env.AWS_SECRET_ACCESS_KEY ?? "",
      sessionToken: env.AWS_SESSION_TOKEN,
    },
  };
}

/** Reads the organization, its trusted services and its root access features. */
export async function readOrganizationState(env: NodeJS.ProcessEnv): Promise<OrganizationState> {
  const organizations = new OrganizationsClient(clientConfig(env));
  const iam = new IAMClient(clientConfig(env));
  const described = await organizations.send(new DescribeOrganizationCommand({})).catch((error: Error) => {
    if (error.name === "AWSOrganizationsNotInUseException") return undefined;
    throw error;
  });
  const organization = described?.Organization
    ? {
        id: described.Organization.Id ?? "",
        featureSet: described.Organization.FeatureSet ?? "",
        managementAccountId: described.Organization.MasterAccountId ?? "",
      }
    : null;
  const trustedServices = organization
    ? ((await organizations.send(new ListAWSServiceAccessForOrganizationCommand({}))).EnabledServicePrincipals ?? [])
        .map((service) => service.ServicePrincipal ?? "")
        .sort()
    : [];
  const rootAccess = await iam.send(new ListOrganizationsFeaturesCommand({})).then(
    (listed) => ({ enabledFeatures: [...(listed.EnabledFeatures ?? [])].sort() }),
    (error: Error) => ({ error: error.name }),
  );
  return { organization, trustedServices, rootAccess };
}
