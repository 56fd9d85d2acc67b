import {
  DisableOrganizationsRootCredentialsManagementCommand,
  DisableOrganizationsRootSessionsCommand,
  EnableOrganizationsRootCredentialsManagementCommand,
  EnableOrganizationsRootSessionsCommand,
  IAMClient,
  ListOrganizationsFeaturesCommand,
} from "@aws-sdk/client-iam";
import { ScriptError, awsErrorCode, explainAwsError, notVerified } from "../aws/aws-errors";
import { Log, ServiceAccessWait } from "../aws/service-access-wait";
import { RootAccessFeature } from "../shared/program-contract";
import { wrongOrganization } from "./program-errors";

/** What enable or disable found and did; printed as the JSON result line. Null where IAM would not say. */
export interface ChangeResult {
  readonly action: "enable" | "disable";
  readonly feature: RootAccessFeature;
  readonly organizationId: string | null;
  readonly before: readonly string[] | null;
  readonly after: readonly string[] | null;
  readonly changed: boolean;
}

/** What check found; printed as the JSON result line. */
export interface CheckResult {
  readonly action: "check";
  readonly organizationId: string | null;
  readonly expected: readonly RootAccessFeature[];
  /** What IAM lists, or null when it would not say (its trusted access is not enabled). */
  readonly enabled: readonly string[] | null;
  /** Expected features IAM lists as not enabled. */
  readonly missing: readonly RootAccessFeature[];
  /** Expected features whose state IAM would not say. */
  readonly unknown: readonly RootAccessFeature[];
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

  /** Enables `feature` unless it already is; verifies the result by reading again, while IAM catches up. */
  async enable(feature: RootAccessFeature): Promise<ChangeResult> {
    const before = await this.read({ waitForServiceAccess: true });
    this.assertOrganization(before);
    if (before.enabled.includes(feature)) {
      this.log(`${feature} is already enabled in ${before.organizationId}; nothing to change.`);
      return changeResult("enable", feature, before, before);
    }
    await this.write(WRITES[feature].enable, before);
    const after = await this.wait.untilVisible(
      () => this.read({ waitForServiceAccess: true }),
      (state) => state.enabled.includes(feature),
      `${feature} enabled`,
    );
    if (!after.enabled.includes(feature)) {
      throw notVerified(feature, "enable", after.enabled, this.wait.waitSetting);
    }
    this.log(`${feature} is enabled in ${after.organizationId}.`);
    return changeResult("enable", feature, before, after);
  }

  /**
   * Disables `feature` if it is enabled. With no organization there is nothing to disable. With IAM trusted
   * access disabled, IAM will not say whether the feature is still on (and whether it keeps features for when
   * trusted access returns is not documented): the result says it is unknown, never that it is off.
   */
  async disable(feature: RootAccessFeature): Promise<ChangeResult> {
    let before: FeatureState;
    try {
      before = await this.read({ waitForServiceAccess: false });
    } catch (error) {
      const code = awsErrorCode(causeOf(error));
      if (code === "OrganizationNotFound") {
        this.log(`ListOrganizationsFeatures answered ${code}: there is no organization, so nothing to disable.`);
        const none = { organizationId: this.settings.organizationId ?? null, enabled: [] };
        return changeResult("disable", feature, none, none);
      }
      if (code !== "ServiceAccessNotEnabled") throw error;
      this.log(
        `Cannot tell whether ${feature} is still enabled: IAM trusted access is not enabled, so IAM does not answer ` +
          `(ServiceAccessNotEnabledException), and whether IAM keeps features to apply again when trusted access ` +
          `returns is not documented. Nothing was changed. To be sure it is off: enable trusted access for ` +
          `iam.amazonaws.com, run "root-access disable ${feature}", then disable trusted access again.`,
      );
      return {
        action: "disable",
        feature,
        organizationId: this.settings.organizationId ?? null,
        before: null,
        after: null,
        changed: false,
      };
    }
    this.assertOrganization(before);
    if (!before.enabled.includes(feature)) {
      this.log(`${feature} is already disabled in ${before.organizationId}; nothing to change.`);
      return changeResult("disable", feature, before, before);
    }
    await this.write(WRITES[feature].disable, before);
    const after = await this.wait.untilVisible(
      () => this.read({ waitForServiceAccess: false }),
      (state) => !state.enabled.includes(feature),
      `${feature} disabled`,
    );
    if (after.enabled.includes(feature)) {
      throw notVerified(feature, "disable", after.enabled, this.wait.waitSetting);
    }
    this.log(`${feature} is disabled in ${after.organizationId}.`);
    return changeResult("disable", feature, before, after);
  }

  /**
   * Reports which of `expected` are not enabled. With IAM trusted access disabled the features' state is
   * unknown: the stack is not in its desired state (it needs trusted access), but no feature is called disabled.
   */
  async check(expected: readonly RootAccessFeature[]): Promise<CheckResult> {
    let state: FeatureState;
    try {
      state = await this.read({ waitForServiceAccess: false });
    } catch (error) {
      if (awsErrorCode(causeOf(error)) !== "ServiceAccessNotEnabled") {
        throw error;
      }
      this.log(
        `Drift: IAM trusted access is not enabled in the organization, which centralized root access needs; IAM does ` +
          `not say whether ${expected.join(", ")} ${expected.length === 1 ? "is" : "are"} still enabled. Enable trusted ` +
          `access for iam.amazonaws.com (apply the stack) and check again.`,
      );
      const organizationId = this.settings.organizationId ?? null;
      return { action: "check", organizationId, expected, enabled: null, missing: [], unknown: expected, inDesiredState: false };
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
      unknown: [],
      inDesiredState: missing.length === 0,
    };
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
        permission: "iam:ListOrganizationsFeatures and the iam:Enable*/Disable* action for the feature",
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
