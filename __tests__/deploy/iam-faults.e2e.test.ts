import { rootAccessCalls, unwrapped, useScenario } from "../support/stack-driver";

const scenario = useScenario();

describe("faults in IAM", () => {
  it.each([
    [
      "server errors past the SDK's retries",
      "server-error",
      "IAM answered a server error (ServiceFailureException, HTTP 500) even after the SDK's retries.",
    ],
    ["dropped connections", "drop", "failed: the connection to"],
  ] as const)(
    "fails clearly on %s, leaves the step tainted, and converges once the fault is lifted",
    async (_what, fault, message) => {
      const { driver, emulator } = scenario;
      // GIVEN IAM's root access calls fail
      await emulator.configure({ fault });
      driver.synth();

      // WHEN the stack is applied from nothing
      const failed = await driver.apply();

      // THEN the organization is in place, the feature step failed with the explanation and is tainted
      expect(failed.code).toBe(1);
      expect(unwrapped(failed.stderr)).toContain(message);
      expect(driver.taintedResources()).toEqual(["terraform_data.root-sessions[0]"]);

      // WHEN the fault is lifted and terraform applies again
      await emulator.configure({ fault: "none" });
      expect((await driver.state()).rootAccess).toEqual({ enabledFeatures: [] });
      const recovered = await driver.callsDuring(() => driver.applyOk());

      // THEN only the tainted step ran again (the deletion check, which waits for it, is created with it and runs
      // nothing), the feature is enabled, and the stack has converged
      expect(recovered.result.stdout).toContain("Apply complete! Resources: 2 added, 0 changed, 1 destroyed.");
      expect(recovered.result.stdout).toContain("terraform_data.organization-deletion-check[0]: Creation complete");
      expect(rootAccessCalls(recovered.calls)["iam:EnableOrganizationsRootSessions"]).toBe(1);
      expect((await driver.state()).rootAccess).toEqual({ enabledFeatures: ["RootSessions"] });
      expect(driver.taintedResources()).toEqual([]);
      expect(await driver.converged()).toEqual({ planExitCode: 0, writes: {} });
    },
  );
});

describe("IAM that throttles and is slow to show a change", () => {
  it("still converges from nothing: the SDK retries the throttling, the script waits for the change to show", async () => {
    const { driver, emulator } = scenario;
    // GIVEN IAM throttles the first two Enable calls, and lists a change only 3 s after it
    await emulator.configure({ throttleCalls: { "iam:EnableOrganizationsRootSessions": 2 }, featureLagSeconds: 3 });
    driver.synth();
    // WHEN the stack is applied from nothing
    const { result, calls } = await driver.callsDuring(() => driver.applyOk());
    // THEN the enable got through on its third attempt, was verified after the lag, and the stack has converged
    expect(calls["iam:EnableOrganizationsRootSessions"]).toBe(3);
    expect(result.stdout).toContain("RootSessions enabled does not show yet; reading again in");
    expect(result.stdout).toContain('"action":"enable","feature":"RootSessions"');
    expect((await driver.state()).rootAccess).toEqual({ enabledFeatures: ["RootSessions"] });
    expect(await driver.converged()).toEqual({ planExitCode: 0, writes: {} });
  });
});
