import {
  DisableOrganizationsRootCredentialsManagementCommand,
  DisableOrganizationsRootSessionsCommand,
  EnableOrganizationsRootCredentialsManagementCommand,
  EnableOrganizationsRootSessionsCommand,
  IAMClient,
  ListOrganizationsFeaturesCommand,
} from "@aws-sdk/client-iam";
import { RootAccessFeature } from "./contract";
import { ScriptError, awsErrorCode, explainAwsError, notVerified, wrongOrganization } from "./errors";
import { Log, ServiceAccessWait } from "./service-access-wait";

/** What enable or disable found and did; printed as the JSON result line. */
export interface ChangeResult {
  readonly action: "enable" | "disable";
  readonly feature: RootAccessFeature;
  readonly organizationId: string | null;
  readonly before: readonly string[];
  readonly after: readonly string[];
  readonly changed: boolean;
}

/** What check found; printed as the JSON result line. */
export interface CheckResult {
  readonly action: "check";
  readonly organizationId: string | null;
  readonly expected: readonly RootAccessFeature[];
  readonly enabled: readonly string[];
  readonly missing: readonly RootAccessFeature[];
  readonly inDesiredState: boolean;
}

interface FeatureState {
  readonly organizationId: string | null;
  readonly enabled: readonly string[];
}

type Write = { readonly operation: string; readonly send: (iam: IAMClient) => Promise<unknown> };

const WRITES: Record<RootAccessFeature, Record<"enable" | "disable", Write>> = {
  RootCredentialsManagement: {
    enable: {
      operation: "EnableOrganizationsRootCredentialsManagement",
      send: (iam) => iam.send(new EnableOrganizationsRootCredentialsManagementCommand({})),
    },
    disable: {
      operation: "DisableOrganizationsRootCredentialsManagement",
      send: (iam) => iam.send(new DisableOrganizationsRootCredentialsManagementCommand({})),
    },
  },
  RootSessions: {
    enable: {
      operation: "EnableOrganizationsRootSessions",
      send: (iam) => iam.send(new EnableOrganizationsRootSessionsCommand({})),
    },
    disable: {
      operation: "DisableOrganizationsRootSessions",
      send: (iam) => iam.send(new DisableOrganizationsRootSessionsCommand({})),
    },
  },
};

// Errors of ListOrganizationsFeatures that mean no feature can be enabled, so there is nothing to disable.
const NOTHING_TO_DISABLE = new Set(["OrganizationNotFound", "ServiceAccessNotEnabled"]);

/** Reads IAM's root access features and writes only what is missing; every verb is safe to re-run. */
export class FeatureSwitch {
  constructor(
    private readonly iam: IAMClient,
    private readonly settings: {
      readonly organizationId?: string;
      readonly roleArn?: string;
      readonly endpoints?: { readonly iam?: string };
    },
    private readonly wait: ServiceAccessWait,
    private readonly log: Log,
  ) {}

  /** Enables `feature` unless it already is; verifies the result by reading again. */
  async enable(feature: RootAccessFeature): Promise<ChangeResult> {
    const before = await this.read({ waitForServiceAccess: true });
    this.assertOrganization(before);
    if (before.enabled.includes(feature)) {
      this.log(`${feature} is already enabled in ${before.organizationId}; nothing to change.`);
      return changeResult("enable", feature, before, before);
    }
    await this.write(WRITES[feature].enable, before);
    const after = await this.read({ waitForServiceAccess: true });
    if (!after.enabled.includes(feature)) {
      throw notVerified(feature, "enable", after.enabled);
    }
    this.log(`${feature} is enabled in ${after.organizationId}.`);
    return changeResult("enable", feature, before, after);
  }

  /** Disables `feature` if it is enabled; a missing organization or trusted access leaves nothing to do. */
  async disable(feature: RootAccessFeature): Promise<ChangeResult> {
    const before = await this.readForDisable();
    if (!before) {
      return changeResult("disable", feature, this.unknownState(), this.unknownState());
    }
    this.assertOrganization(before);
    if (!before.enabled.includes(feature)) {
      this.log(`${feature} is already disabled in ${before.organizationId}; nothing to change.`);
      return changeResult("disable", feature, before, before);
    }
    await this.write(WRITES[feature].disable, before);
    const after = await this.read({ waitForServiceAccess: false });
    if (after.enabled.includes(feature)) {
      throw notVerified(feature, "disable", after.enabled);
    }
    this.log(`${feature} is disabled in ${after.organizationId}.`);
    return changeResult("disable", feature, before, after);
  }

  /** Reports which of `expected` are not enabled; missing trusted access counts as all of them missing. */
  async check(expected: readonly RootAccessFeature[]): Promise<CheckResult> {
    let state: FeatureState;
    try {
      state = await this.read({ waitForServiceAccess: false });
    } catch (error) {
      if (awsErrorCode(causeOf(error)) !== "ServiceAccessNotEnabled") {
        throw error;
      }
      this.log("IAM trusted access is not enabled in the organization, so no root access feature is in effect.");
      state = this.unknownState();
    }
    this.assertOrganization(state);
    const missing = expected.filter((feature) => !state.enabled.includes(feature));
    this.log(
      missing.length === 0
        ? `All expected features are enabled in ${state.organizationId}: ${expected.join(", ")}.`
        : `Drift: not enabled in ${state.organizationId ?? "the organization"}: ${missing.join(", ")}.`,
    );
    return {
      action: "check",
      organizationId: state.organizationId,
      expected,
      enabled: state.enabled,
      missing,
      inDesiredState: missing.length === 0,
    };
  }

  private async readForDisable(): Promise<FeatureState | undefined> {
    try {
      return await this.read({ waitForServiceAccess: false });
    } catch (error) {
      const code = awsErrorCode(causeOf(error));
      if (code === undefined || !NOTHING_TO_DISABLE.has(code)) {
        throw error;
      }
      this.log(`ListOrganizationsFeatures answered ${code}: no root access feature can be enabled; nothing to disable.`);
      return undefined;
    }
  }

  private async read(options: { readonly waitForServiceAccess: boolean }): Promise<FeatureState> {
    const operation = "ListOrganizationsFeatures";
    const output = await this.send(operation, () => this.iam.send(new ListOrganizationsFeaturesCommand({})), options);
    return { organizationId: output.OrganizationId ?? null, enabled: [...(output.EnabledFeatures ?? [])].sort() };
  }

  private async write(write: Write, before: FeatureState): Promise<void> {
    this.log(`Calling ${write.operation} for ${before.organizationId}.`);
    await this.send(write.operation, () => write.send(this.iam), { waitForServiceAccess: true });
  }

  private async send<T>(operation: string, send: () => Promise<T>, options: { readonly waitForServiceAccess: boolean }) {
    try {
      return options.waitForServiceAccess ? await this.wait.call(operation, send) : await send();
    } catch (error) {
      const explanation = explainAwsError(error, {
        operation,
        roleArn: this.settings.roleArn,
        endpoint: this.settings.endpoints?.iam,
      });
      throw explanation ? new ScriptError(explanation, { cause: error }) : error;
    }
  }

  private assertOrganization(state: FeatureState): void {
    const expected = this.settings.organizationId;
    if (expected !== undefined && state.organizationId !== expected) {
      throw wrongOrganization(expected, state.organizationId);
    }
  }

  private unknownState(): FeatureState {
    return { organizationId: this.settings.organizationId ?? null, enabled: [] };
  }
}

function changeResult(
  action: "enable" | "disable",
  feature: RootAccessFeature,
  before: FeatureState,
  after: FeatureState,
): ChangeResult {
  return {
    action,
    feature,
    organizationId: after.organizationId,
    before: before.enabled,
    after: after.enabled,
    changed: before.enabled.includes(feature) !== after.enabled.includes(feature),
  };
}

function causeOf(error: unknown): unknown {
  return error instanceof ScriptError ? error.cause : error;
}
