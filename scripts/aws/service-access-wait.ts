import { WaitSetting, awsErrorCode, serviceAccessStillNotEnabled } from "./aws-errors";

const FIRST_DELAY_MS = 1000;
const MAX_DELAY_MS = 10_000;

/** Progress lines go here (stderr in the CLI). */
export type Log = (line: string) => void;

/**
 * The one wait on top of the SDK's retries, for IAM catching up, with one deadline shared by every call of the
 * run: IAM can answer ServiceAccessNotEnabledException for a while after trusted access for iam.amazonaws.com
 * is switched on (`call` retries that error only), and a change it accepted can take a while to show in
 * ListOrganizationsFeatures (`untilVisible` reads again). Growing delays, up to 10 s.
 */
export class ServiceAccessWait {
  private readonly startedAt = Date.now();
  private readonly deadline: number;

  constructor(
    private readonly setting: WaitSetting,
    private readonly log: Log,
  ) {
    this.deadline = this.startedAt + setting.seconds * 1000;
  }

  /** The wait's length and where it was set, for messages. */
  get waitSetting(): WaitSetting {
    return this.setting;
  }

  /**
   * Reads until `visible(value)` or the deadline; returns the last value read either way (the caller decides
   * what an unconfirmed change means).
   */
  async untilVisible<T>(read: () => Promise<T>, visible: (value: T) => boolean, what: string): Promise<T> {
    for (let delay = FIRST_DELAY_MS; ; delay = Math.min(delay * 2, MAX_DELAY_MS)) {
      const value = await read();
      const remaining = this.deadline - Date.now();
      if (visible(value) || remaining <= 0) return value;
      const pause = Math.min(delay, remaining);
      this.log(`${what} does not show yet; reading again in ${Math.ceil(pause / 1000)} s.`);
      await new Promise((resolve) => setTimeout(resolve, pause));
    }
  }

  /** Runs `call`, retrying it while IAM answers ServiceAccessNotEnabledException and the deadline allows. */
  async call<T>(operation: string, call: () => Promise<T>): Promise<T> {
    for (let delay = FIRST_DELAY_MS; ; delay = Math.min(delay * 2, MAX_DELAY_MS)) {
      try {
        return await call();
      } catch (error) {
        const remaining = this.deadline - Date.now();
        if (!isServiceAccessNotEnabled(error)) {
          throw error;
        }
        if (remaining <= 0) {
          throw serviceAccessStillNotEnabled(operation, this.setting);
        }
        const pause = Math.min(delay, remaining);
        const waited = Math.round((Date.now() - this.startedAt) / 1000);
        this.log(
          `IAM does not see trusted access yet (${operation}: ServiceAccessNotEnabledException); ` +
            `retrying in ${Math.ceil(pause / 1000)} s (waited ${waited} of ${this.setting.seconds} s).`,
        );
        await new Promise((resolve) => setTimeout(resolve, pause));
      }
    }
  }
}

/** True for IAM's ServiceAccessNotEnabled error, in either spelling. */
function isServiceAccessNotEnabled(error: unknown): boolean {
  return awsErrorCode(error) === "ServiceAccessNotEnabled";
}
