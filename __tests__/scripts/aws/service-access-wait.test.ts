import {
  DisableOrganizationsRootSessionsCommand,
  EnableOrganizationsRootSessionsCommand,
  ListOrganizationsFeaturesCommand,
} from "@aws-sdk/client-iam";
import { iam, iamError, listed, runScript, sentToIam } from "../root-access/harness";

beforeEach(() => jest.useFakeTimers());
afterEach(() => jest.useRealTimers());

/** Starts the script and lets fake time pass in steps until it finishes. */
async function runWithClock(argv: string[], env: Record<string, string> = {}) {
  const finished = runScript(argv, env);
  let done = false;
  void finished.then(() => (done = true));
  let elapsed = 0;
  while (!done && elapsed < 3_600_000) {
    await jest.advanceTimersByTimeAsync(250);
    elapsed += 250;
  }
  return { ...(await finished), elapsedMs: elapsed };
}

describe("waiting for IAM to see trusted access", () => {
  it("retries ServiceAccessNotEnabledException until IAM sees trusted access, then enables", async () => {
    // GIVEN IAM lags twice after trusted access was enabled
    const lag = iamError("ServiceAccessNotEnabledException");
    iam
      .on(ListOrganizationsFeaturesCommand)
      .rejectsOnce(lag)
      .rejectsOnce(lag)
      .resolvesOnce(listed())
      .resolves(listed("RootSessions"));
    iam.on(EnableOrganizationsRootSessionsCommand).resolves(listed("RootSessions"));
    // WHEN the script enables RootSessions
    const { code, stderr, elapsedMs } = await runWithClock(["enable", "RootSessions"]);
    // THEN it waited 1 s and 2 s, then went on, telling the operator each time
    expect(code).toBe(0);
    expect(sentToIam()).toEqual([
      "ListOrganizationsFeatures",
      "ListOrganizationsFeatures",
      "ListOrganizationsFeatures",
      "EnableOrganizationsRootSessions",
      "ListOrganizationsFeatures",
    ]);
    expect(elapsedMs).toBeGreaterThanOrEqual(3000);
    expect(elapsedMs).toBeLessThan(4000);
    expect(stderr).toContain(
      "root-access: IAM does not see trusted access yet (ListOrganizationsFeatures: ServiceAccessNotEnabledException); retrying in 1 s (waited 0 of 120 s).",
    );
    expect(stderr).toContain("retrying in 2 s (waited 1 of 120 s).");
  });

  it("also retries the write, under the same deadline", async () => {
    iam.on(ListOrganizationsFeaturesCommand).resolvesOnce(listed()).resolves(listed("RootSessions"));
    iam
      .on(EnableOrganizationsRootSessionsCommand)
      .rejectsOnce(iamError("ServiceAccessNotEnabled"))
      .resolves(listed("RootSessions"));
    const { code } = await runWithClock(["enable", "RootSessions"]);
    expect(code).toBe(0);
    expect(iam).toHaveReceivedCommandTimes(EnableOrganizationsRootSessionsCommand, 2);
  });

  it("fails at the deadline with the explanation: attempts at 0, 1, 3 and 5 s for a 5 s budget", async () => {
    iam.on(ListOrganizationsFeaturesCommand).rejects(iamError("ServiceAccessNotEnabledException"));
    const { code, stderr, elapsedMs } = await runWithClock(["enable", "RootSessions"], { ROOT_ACCESS_WAIT_SECONDS: "5" });
    expect(code).toBe(1);
    expect(sentToIam()).toEqual(Array(4).fill("ListOrganizationsFeatures"));
    expect(elapsedMs).toBeGreaterThanOrEqual(5000);
    expect(elapsedMs).toBeLessThan(6000);
    expect(stderr).toContain(
      "root-access: error: IAM trusted access is not enabled for the organization: ListOrganizationsFeatures answered ServiceAccessNotEnabledException for 5 s.",
    );
    expect(stderr).toContain("run again with a longer --wait-seconds (or ROOT_ACCESS_WAIT_SECONDS; now 5)");
  });

  it("names the stack's serviceAccessWaitSeconds when terraform runs it for a stack", async () => {
    // GIVEN the script run by the stack's terraform (which sets ROOT_ACCESS_STACK)
    iam.on(ListOrganizationsFeaturesCommand).rejects(iamError("ServiceAccessNotEnabledException"));
    const { stderr } = await runWithClock(["enable", "RootSessions"], {
      ROOT_ACCESS_WAIT_SECONDS: "2",
      ROOT_ACCESS_STACK: "prod",
    });
    // THEN the way out is the setting in the configuration, not a variable the user never set
    expect(stderr).toContain(
      'raise "serviceAccessWaitSeconds" of stack "prod" in the configuration (now 2), synthesize and apply again',
    );
    expect(stderr).not.toContain("--wait-seconds");
  });

  it("verifies an enable that IAM shows only after a while, reading again within the same budget", async () => {
    // GIVEN IAM accepts the enable, but lists it only from the third read after it (propagation)
    iam
      .on(ListOrganizationsFeaturesCommand)
      .resolvesOnce(listed())
      .resolvesOnce(listed())
      .resolvesOnce(listed())
      .resolves(listed("RootSessions"));
    iam.on(EnableOrganizationsRootSessionsCommand).resolves(listed("RootSessions"));
    // WHEN it is enabled
    const { code, stderr, result } = await runWithClock(["enable", "RootSessions"], { ROOT_ACCESS_WAIT_SECONDS: "30" });
    // THEN it waits for the read to show it, writes once, and succeeds
    expect(code).toBe(0);
    expect(sentToIam()).toEqual([
      "ListOrganizationsFeatures",
      "EnableOrganizationsRootSessions",
      "ListOrganizationsFeatures",
      "ListOrganizationsFeatures",
      "ListOrganizationsFeatures",
    ]);
    expect(stderr).toContain("root-access: RootSessions enabled does not show yet; reading again in 1 s.");
    expect(result).toMatchObject({ before: [], after: ["RootSessions"], changed: true });
  });

  it("verifies a disable that IAM shows only after a while", async () => {
    iam
      .on(ListOrganizationsFeaturesCommand)
      .resolvesOnce(listed("RootSessions"))
      .resolvesOnce(listed("RootSessions"))
      .resolves(listed());
    iam.on(DisableOrganizationsRootSessionsCommand).resolves(listed());
    const { code, result } = await runWithClock(["disable", "RootSessions"], { ROOT_ACCESS_WAIT_SECONDS: "30" });
    expect(code).toBe(0);
    expect(sentToIam().filter((call) => call === "ListOrganizationsFeatures")).toHaveLength(3);
    expect(result).toMatchObject({ before: ["RootSessions"], after: [], changed: true });
  });

  it("keeps each pause at 10 s at most, however long the budget", async () => {
    iam.on(ListOrganizationsFeaturesCommand).rejects(iamError("ServiceAccessNotEnabledException"));
    const { stderr } = await runWithClock(["enable", "RootSessions"], { ROOT_ACCESS_WAIT_SECONDS: "60" });
    const pauses = [...stderr.matchAll(/retrying in (\d+) s/g)].map((m) => Number(m[1]));
    expect(pauses).toEqual([1, 2, 4, 8, 10, 10, 10, 10, 5]);
  });

  it.each(["ThrottlingException", "AccessDenied", "OrganizationNotFoundException", "ServiceFailureException"])(
    "does not retry %s: that is the SDK's job, or not retryable at all",
    async (code) => {
      iam.on(ListOrganizationsFeaturesCommand).rejects(iamError(code));
      const run = await runWithClock(["enable", "RootSessions"]);
      expect(run.code).toBe(1);
      expect(sentToIam()).toEqual(["ListOrganizationsFeatures"]);
      expect(run.elapsedMs).toBeLessThanOrEqual(250);
    },
  );
});
