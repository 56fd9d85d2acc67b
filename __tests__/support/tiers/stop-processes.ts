import { Emulator } from "../../../tools/emulator/emulator";
import { stopTerraformRuns } from "../../../tools/terraform/terraform";
import { stopTrackedProcesses } from "../processes";

// Whatever a test started and did not see end (it failed, or timed out) is stopped before the next test, so a
// leftover terraform can never act on the next scenario's emulator; the emulators go when the file is done.
afterEach(async () => {
  await Promise.all([stopTrackedProcesses(), stopTerraformRuns()]);
});
afterAll(async () => {
  await Emulator.stopAll();
});
