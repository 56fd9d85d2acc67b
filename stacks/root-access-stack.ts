import * as fs from "node:fs";
import { AwsProvider } from "@cdktf/provider-aws/lib/provider";
import { AssetType, ITerraformDependable, LocalBackend, S3Backend, TerraformAsset, TerraformOutput, TerraformStack } from "cdktf";
import { Construct } from "constructs";
import { ROLE_SESSION_NAME } from "../scripts/shared/program-contract";
import type { StackConfig } from "./config/schema";
import { IamDelegatedAdministrator } from "./organization/iam-delegated-administrator";
import { ORGANIZATION_ADDRESS, Organization } from "./organization/organization";
import { OrganizationDeletionCheck } from "./organization/organization-deletion-check";
import { alertProviders } from "./root-activity-alerts/alert-providers";
import { RootActivityAlerts } from "./root-activity-alerts/root-activity-alerts";
import { RootCredentialsRemoval } from "./root-credentials/root-credentials-removal";
import { NativeRootFeatures, NATIVE_FEATURES_ADDRESS } from "./root-features/native-root-features";
import { FEATURE_RESOURCE_IDS, ScriptRootFeatures } from "./root-features/script-root-features";
import { RootUserGuardrail } from "./root-user-guardrail/root-user-guardrail";
import { scriptBundleMissing } from "./synth-errors";
import { assetHashOf } from "./synth/asset-hash";

/** Throws a SynthError saying how to build it unless the bundled root-access script exists at `file`. */
export function requireScriptBundle(file: string): void {
  if (!fs.existsSync(file)) {
    throw scriptBundleMissing(file);
  }
}

/** Props of {@link RootAccessStack}. */
export interface RootAccessStackProps {
  /** The validated configuration of this organization's stack. */
  readonly config: StackConfig;
  /** The bundled root-access script (build/root-access.js) to ship in the stack folder as an asset. */
  readonly scriptBundle: string;
}

/**
 * One organization: provider, state, the organization with IAM trusted access (created, adopted or checked),
 * optionally IAM's delegated administrator, the root access features, the removal of member accounts' root
 * credentials and the root-user guardrail SCP.
 */
export class RootAccessStack extends TerraformStack {
  constructor(scope: Construct, id: string, props: RootAccessStackProps) {
    super(scope, id);
    const { config } = props;

    new AwsProvider(this, "aws", {
      region: config.region,
      assumeRole: config.assumeRoleArn ? [{ roleArn: config.assumeRoleArn, sessionName: ROLE_SESSION_NAME }] : undefined,
    });

    this.addBackend(config);

    const organization = new Organization(this, "organization", {
      mode: config.organization.mode,
      organizationId: config.organization.id,
      serviceAccessPrincipals: config.organization.serviceAccessPrincipals,
      allowDestroy: config.allowOrganizationDestroy,
      serviceControlPolicies: config.rootUserGuardrail !== undefined,
    });
    const ready: ITerraformDependable[] = [organization.ready];

    const imports = [...organization.importBlocks];
    if (config.delegatedAdministratorAccountId) {
      const administrator = new IamDelegatedAdministrator(this, "iam-delegated-administrator", {
        accountId: config.delegatedAdministratorAccountId,
        mode: config.organization.mode,
        dependsOn: [organization.ready],
      });
      ready.push(administrator.resource);
      imports.push(...administrator.importBlocks);
    }
    if (imports.length > 0) this.addOverride("import", imports);

    const { scriptBundle } = props;
    requireScriptBundle(scriptBundle);
    const script = new TerraformAsset(this, "root-access-script", {
      path: scriptBundle,
      type: AssetType.FILE,
      assetHash: assetHashOf(scriptBundle),
    });

    const features =
      config.implementation === "native"
        ? new NativeRootFeatures(this, "root-features", { features: config.features, dependsOn: ready })
        : new ScriptRootFeatures(this, "root-features", {
            stackName: config.name,
            organizationId: organization.organizationId,
            features: config.features,
            scriptPath: script.path,
            dependsOn: ready,
            region: config.region,
            assumeRoleArn: config.assumeRoleArn,
            serviceAccessWaitSeconds: config.serviceAccessWaitSeconds,
          });

    const featureResources = features instanceof NativeRootFeatures ? [features.resource] : Object.values(features.resources);
    const removal =
      config.rootCredentials &&
      new RootCredentialsRemoval(this, "root-credentials", {
        selection: config.rootCredentials,
        memberAccounts: organization.memberAccounts,
        organizationId: organization.organizationId,
        stackName: config.name,
        scriptPath: script.path,
        region: config.region,
        assumeRoleArn: config.assumeRoleArn,
        dependsOn: [...ready, ...featureResources],
      });

    const guardrail =
      config.rootUserGuardrail &&
      new RootUserGuardrail(this, "root-user-guardrail", {
        targets: config.rootUserGuardrail.targets,
        partition: config.partition,
        rootId: organization.rootId,
        memberAccounts: organization.memberAccounts,
        managementAccountId: organization.managementAccountId,
        dependsOn: [organization.ready],
      });

    if (config.rootActivityAlerts) {
      new RootActivityAlerts(this, "root-activity-alerts", {
        alerts: config.rootActivityAlerts,
        region: config.region,
        partition: config.partition,
        delegatedAdministratorAccountId: config.delegatedAdministratorAccountId,
        providers: alertProviders(this, config),
      });
    }

    new OrganizationDeletionCheck(this, "organization-deletion-check", {
      created: config.organization.mode === "create",
      allowDestroy: config.allowOrganizationDestroy,
      stackName: config.name,
      organizationId: organization.organizationId,
      scriptPath: script.path,
      region: config.region,
      assumeRoleArn: config.assumeRoleArn,
      dependsOn: [
        ...ready,
        ...featureResources,
        ...(removal ? [removal.resource] : []),
        ...(guardrail ? guardrail.resources : []),
      ],
    });

    // Resources an earlier version of this stack may have left in state, which must be forgotten, never
    // destroyed: destroying them would delete the organization (switched to external) or disable the features
    // the other implementation takes over (switched between script and native).
    this.forget([
      ...(config.organization.mode === "external" ? [ORGANIZATION_ADDRESS] : []),
      ...(config.implementation === "native"
        ? Object.values(FEATURE_RESOURCE_IDS).map((resourceId) => `terraform_data.${resourceId}`)
        : [NATIVE_FEATURES_ADDRESS]),
    ]);

    new TerraformOutput(this, "organization_id", {
      value: organization.organizationId,
      description: "The organization whose root access this stack manages",
    });
    new TerraformOutput(this, "root_access_features", {
      value: features.enabledFeatures,
      description: "IAM centralized root access features enabled by this stack",
    });
  }

  // `removed` blocks with destroy = false (Terraform >= 1.7): forget these addresses if they are in state;
  // with nothing in state they do nothing.
  private forget(addresses: readonly string[]): void {
    this.addOverride(
      "removed",
      addresses.map((from) => ({ from, lifecycle: { destroy: false } })),
    );
  }

  private addBackend({ backend, name }: StackConfig): void {
    if (backend.type === "local") {
      // cdktf's default writes an absolute path. Relative to the stack folder (terraform's working directory,
      // <outdir>/stacks/<name>), this is the folder that holds the output folder, the project root unless
      // CDKTF_OUTDIR moves it: the same path on every machine, and outside cdktf.out, which synth prunes.
      new LocalBackend(this, { path: `../../../terraform.${name}.tfstate` });
      return;
    }
    new S3Backend(this, {
      bucket: backend.bucket,
      key: backend.key,
      region: backend.region,
      encrypt: backend.encrypt,
      dynamodbTable: backend.dynamodbTable,
    });
    if (backend.useLockfile) {
      // S3-native locking (Terraform >= 1.10); cdktf 0.21's S3Backend has no field for it.
      this.addOverride("terraform.backend.s3.use_lockfile", true);
    }
  }
}
