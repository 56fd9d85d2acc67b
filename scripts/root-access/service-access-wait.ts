import { awsErrorCode, serviceAccessStillNotEnabled } from "./errors";

const FIRST_DELAY_MS = 1000;
const MAX_DELAY_MS = 10_000;

/** Progress lines go here (stderr in the CLI). */
export type Log = (line: string) => void;

/**
 * The one retry layer on top of the SDK's own: IAM can answer ServiceAccessNotEnabledException for a while
 * after trusted access for iam.amazonaws.com is switched on. Retries that error only, with growing delays,
 * until one deadline shared by every call of the run.
 */
export class ServiceAccessWait {
  private readonly startedAt = Date.now();
  private readonly deadline: number;

  constructor(
    private readonly waitSeconds: number,
    private readonly log: Log,
  ) {
    this.deadline = this.startedAt + waitSeconds * 1000;
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
          throw serviceAccessStillNotEnabled(operation, this.waitSeconds);
        }
        const pause = Math.min(delay, remaining);
        const waited = Math.round((Date.now() - this.startedAt) / 1000);
        this.log(
          `IAM does not see trusted access yet (${operation}: ServiceAccessNotEnabledException); ` +
            `retrying in ${Math.ceil(pause / 1000)} s (waited ${waited} of ${this.waitSeconds} s).`,
        );
        await new Promise((resolve) => setTimeout(resolve, pause));
      }
    }
  }
}

/** True for IAM's ServiceAccessNotEnabled error, in either spelling. */
export function isServiceAccessNotEnabled(error: unknown): boolean {
  return awsErrorCode(error) === "ServiceAccessNotEnabled";
}
