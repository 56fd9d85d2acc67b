import * as fs from "node:fs";
import * as path from "node:path";
import { builtProgram, PROJECT_ROOT } from "../../support/paths";
import { runTracked } from "../../support/processes";

/** npm start, as built (the global setup built it). */
function runStart() {
  return runTracked(process.execPath, [builtProgram("start")], {
    cwd: PROJECT_ROOT,
    env: { ...process.env, ROOT_ACCESS_CONFIG: "" },
  });
}

describe("npm start", () => {
  it("applies the default stack against the emulator, prints the summary, and leaves the checkout untouched", async () => {
    // GIVEN the checkout's state file and cdktf.out as they are now
    const stateFile = path.join(PROJECT_ROOT, "terraform.root-access.tfstate");
    const hadState = fs.existsSync(stateFile);
    const outdirBefore = fs.existsSync(path.join(PROJECT_ROOT, "cdktf.out"))
      ? fs.statSync(path.join(PROJECT_ROOT, "cdktf.out")).mtimeMs
      : undefined;

    // WHEN the main job runs
    const { code, stdout, stderr } = await runStart();

    // THEN it says what it did, and where, and how to target a real organization
    expect({ code, stderr }).toEqual({ code: 0, stderr: "" });
    expect(stdout).toContain('org-root-access: stack "root-access" applied against the LOCAL EMULATOR');
    expect(stdout).toMatch(/Organization {4}o-[a-z0-9]{10,32} \(feature set ALL, management account 123456789012\)/);
    expect(stdout).toContain("Trusted access  iam.amazonaws.com");
    expect(stdout).toContain("Root access     before: no organization yet");
    expect(stdout).toContain("after:  RootSessions");
    expect(stdout).toContain("Plan after      clean: nothing left to change");
    expect(stdout).toMatch(/Time {12}synth [\d.]+ s, init [\d.]+ s, apply [\d.]+ s, plan [\d.]+ s, total [\d.]+ s/);
    expect(stdout).toContain("This ran against a local emulator, not AWS");
    expect(stdout).toContain("npx cdktf deploy root-access");
    // AND it wrote nothing into the checkout
    expect(fs.existsSync(stateFile)).toBe(hadState);
    const outdirAfter = fs.existsSync(path.join(PROJECT_ROOT, "cdktf.out"))
      ? fs.statSync(path.join(PROJECT_ROOT, "cdktf.out")).mtimeMs
      : undefined;
    expect(outdirAfter).toBe(outdirBefore);
  });
});
