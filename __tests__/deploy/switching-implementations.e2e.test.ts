import { rootAccessWrites, useScenario } from "../support/stack-driver";

const scenario = useScenario();
const native = { implementation: "native" };
const BOTH = ["RootCredentialsManagement", "RootSessions"];

describe("switching implementations", () => {
  it("from script to native and back disables nothing on the way", async () => {
    const { driver } = scenario;
    // GIVEN both features enabled by the script
    await driver.given({ features: BOTH });

    // WHEN the stack switches to native THEN the script's resources are forgotten, not destroyed
    const toNative = await driver.callsDuring(() => driver.synth({ ...native, features: BOTH }).applyOk());
    expect(toNative.result.stdout).not.toContain("Destroying...");
    expect(Object.keys(rootAccessWrites(toNative.calls)).filter((call) => call.includes("Disable"))).toEqual([]);
    expect((await driver.state()).rootAccess).toEqual({ enabledFeatures: BOTH });
    expect(await driver.converged()).toEqual({ planExitCode: 0, writes: {} });

    // WHEN it switches back THEN the native resource is forgotten, and the script finds nothing to do
    const toScript = await driver.callsDuring(() => driver.synth({ features: BOTH }).applyOk());
    expect(toScript.result.stdout).not.toContain("Destroying...");
    expect(rootAccessWrites(toScript.calls)).toEqual({});
    expect((await driver.state()).rootAccess).toEqual({ enabledFeatures: BOTH });
    expect(await driver.converged()).toEqual({ planExitCode: 0, writes: {} });
  });
});
