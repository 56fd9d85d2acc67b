import { randomUUID } from "node:crypto";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { processesMarked } from "../../support/leaked-processes";
import { builtProgram, PROJECT_ROOT } from "../../support/paths";
import { runTracked, startTracked } from "../../support/processes";

/** The temporary folders the scenarios gave npm start; removed after each scenario, whatever its outcome. */
const temporaryFolders: string[] = [];
afterEach(() => {
  for (const folder of temporaryFolders.splice(0)) fs.rmSync(folder, { recursive: true, force: true });
});

/** npm start, as built (the global setup built it), with its own temporary folder and a marker of its own. */
function startEnvironment() {
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "root-access-npm-start-"));
  temporaryFolders.push(tmp);
  const marker = randomUUID();
  return { tmp, marker, env: { ...process.env, ROOT_ACCESS_CONFIG: "", TMPDIR: tmp, NPM_START_TEST: marker } };
}

/** The processes npm start left behind (terraform, its provider, the emulator), and its leftover folders. */
async function leftoversOf(started: { tmp: string; marker: string }) {
  // Give processes killed at the very end a moment to be reaped.
  for (let waited = 0; processesMarked("NPM_START_TEST", started.marker).length > 0 && waited < 10_000; waited += 250) {
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  return {
    processes: processesMarked("NPM_START_TEST", started.marker).map(({ command }) => command),
    folders: fs.readdirSync(started.tmp).filter((name) => name.startsWith("org-root-access-start-")),
  };
}

/** Resolves once the child has printed `text` on stdout. */
function printed(child: { stdout: NodeJS.ReadableStream }, text: string): Promise<void> {
  return new Promise((resolve) => {
    let seen = "";
    const listen = (chunk: Buffer) => {
      seen += chunk.toString();
      if (seen.includes(text)) {
        child.stdout.off("data", listen);
        resolve();
      }
    };
    child.stdout.on("data", listen);
  });
}

describe("npm start", () => {
  it("applies the default stack against the emulator, prints the summary, and leaves the checkout untouched", async () => {
    // GIVEN the checkout's state file and cdktf.out as they are now
    const stateFile = path.join(PROJECT_ROOT, "terraform.root-access.tfstate");
    const hadState = fs.existsSync(stateFile);
    const outdir = path.join(PROJECT_ROOT, "cdktf.out");
    const outdirBefore = fs.existsSync(outdir) ? fs.statSync(outdir).mtimeMs : undefined;
    const started = startEnvironment();

    // WHEN the main job runs
    const { code, stdout, stderr } = await runTracked(process.execPath, [builtProgram("start")], {
      cwd: PROJECT_ROOT,
      env: started.env,
    });

    // THEN it says what it did while it did it, and where, and how to target a real organization
    expect({ code, stderr }).toEqual({ code: 0, stderr: "" });
    expect(stdout).toMatch(
      /org-root-access: apply of stack "root-access" against http:\/\/127\.0\.0\.1:\d+\.\.\.\norg-root-access: apply of stack "root-access" against http:\/\/127\.0\.0\.1:\d+ done in [\d.]+ s/,
    );
    expect(stdout).toContain('org-root-access: stack "root-access" applied against the LOCAL EMULATOR');
    expect(stdout).toMatch(/Organization {4}o-[a-z0-9]{10,32} \(feature set ALL, management account 123456789012\)/);
    expect(stdout).toContain("Trusted access  iam.amazonaws.com");
    expect(stdout).toContain("Root access     before: no organization yet");
    expect(stdout).toContain("after:  RootSessions");
    expect(stdout).toContain("Plan after      clean: nothing left to change");
    expect(stdout).toMatch(/Time {12}synth [\d.]+ s, init [\d.]+ s, apply [\d.]+ s, plan [\d.]+ s, total [\d.]+ s/);
    expect(stdout).toContain("ok           root task S3UnlockBucketPolicy: no active member account to evaluate");
    expect(stdout).toContain("Centralized root access works here.");
    expect(stdout).toContain("This ran against a local emulator, not AWS");
    expect(stdout).toContain("npx cdktf deploy root-access");
    expect(stdout).toContain('set\norganization.mode to "adopt" and organization.id to its id');
    // AND it wrote nothing into the checkout, and left nothing behind
    expect(fs.existsSync(stateFile)).toBe(hadState);
    expect(fs.existsSync(outdir) ? fs.statSync(outdir).mtimeMs : undefined).toBe(outdirBefore);
    expect(await leftoversOf(started)).toEqual({ processes: [], folders: [] });
  });

  it("stops terraform and the emulator and removes its folder when interrupted during the apply (Ctrl-C)", async () => {
    // GIVEN npm start in the middle of its terraform apply
    const started = startEnvironment();
    const { child, finished } = startTracked(process.execPath, [builtProgram("start")], { cwd: PROJECT_ROOT, env: started.env });
    await printed(child, 'org-root-access: apply of stack "root-access"');

    // WHEN it is interrupted
    child.kill("SIGINT");

    // THEN it says so, exits as interrupted programs do, and leaves no process and no folder behind
    const { code, stderr } = await finished;
    expect(code).toBe(130);
    expect(stderr).toContain("org-root-access: SIGINT: stopping terraform and the emulator, removing the temporary folder...");
    expect(await leftoversOf(started)).toEqual({ processes: [], folders: [] });
  });

  it("stops everything the same way when its output pipe closes (npm start | head)", async () => {
    // GIVEN npm start whose reader goes away after the first line
    const started = startEnvironment();
    const { child, finished } = startTracked(process.execPath, [builtProgram("start")], { cwd: PROJECT_ROOT, env: started.env });
    await printed(child, "org-root-access: starting the local AWS emulator");
    child.stdout.destroy();

    // WHEN it next writes THEN it stops, with a non-zero exit, leaving nothing behind
    const { code } = await finished;
    expect(code).not.toBe(0);
    expect(await leftoversOf(started)).toEqual({ processes: [], folders: [] });
  });

  it("prints its usage for --help and refuses an unknown flag, starting nothing", async () => {
    const help = await runTracked(process.execPath, [builtProgram("start"), "--help"], { cwd: PROJECT_ROOT });
    expect(help).toMatchObject({ code: 0, stderr: "" });
    expect(help.stdout).toMatch(/^Usage: npm start\n/);
    const typo = await runTracked(process.execPath, [builtProgram("start"), "--verbos"], { cwd: PROJECT_ROOT });
    expect(typo).toMatchObject({ code: 2, stdout: "" });
    expect(typo.stderr).toBe("start: unknown flag --verbos\nUsage: npm start (--help for more)\n");
  });
});
