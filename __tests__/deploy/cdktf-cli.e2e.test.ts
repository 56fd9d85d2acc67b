import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { stripVTControlCharacters } from "node:util";
import { Emulator } from "../../tools/emulator/emulator";
import { readOrganizationState } from "../../tools/emulator/organization-state";
import { Terraform, providerMirror, terraformEnvironment } from "../../tools/terraform/terraform";
import { runTracked } from "../support/processes";
import { copyProject } from "../support/project-copy";

let emulator: Emulator;
let project: string;

beforeAll(async () => {
  emulator = await Emulator.start();
  // A copy, so the CLI's cdktf.out and state file never touch this checkout.
  project = copyProject(path.join(fs.mkdtempSync(path.join(os.tmpdir(), "root-access-cli-")), "org-root-access"));
});
afterAll(async () => {
  await emulator?.stop();
  if (project) fs.rmSync(path.dirname(project), { recursive: true, force: true });
});

// `cdktf deploy`, `diff` and `plan` run `terraform providers lock` after init, which always asks the registry:
// offline, with the providers from a mirror, a pipeline must skip it.
const OFFLINE = providerMirror(process.env) ? ["--skip-provider-lock"] : [];
const DEPLOY = ["deploy", "--auto-approve", ...OFFLINE];

/** Runs `npx cdktf <args>` in the copy, as a pipeline does (CI=1, no TTY). */
async function cdktf(args: string[], env: NodeJS.ProcessEnv): Promise<{ code: number; output: string }> {
  const { code, stdout, stderr } = await runTracked("npx", ["cdktf", ...args], { cwd: project, env: { ...env, CI: "1" } });
  return { code, output: stdout + stderr };
}

describe("the cdktf CLI path a pipeline uses", () => {
  it("npx cdktf deploy --auto-approve enables root access; a second deploy changes nothing and diff shows nothing", async () => {
    // GIVEN the project's default config and the emulator's environment
    const env = terraformEnvironment({ ...emulator.environment(), ROOT_ACCESS_CONFIG: "" }, project);

    // WHEN a pipeline deploys through the CLI
    const deployed = await cdktf(DEPLOY, env);

    // THEN it succeeds and the API shows the organization with RootSessions
    if (deployed.code !== 0) throw new Error(`cdktf deploy exited ${deployed.code}:\n${deployed.output}`);
    const state = await readOrganizationState(env);
    expect(state.trustedServices).toEqual(["iam.amazonaws.com"]);
    expect(state.rootAccess).toEqual({ enabledFeatures: ["RootSessions"] });

    // AND the state sits in the project root, and terraform finds nothing left to do there
    expect(fs.existsSync(path.join(project, "terraform.root-access.tfstate"))).toBe(true);
    const terraform = new Terraform(path.join(project, "cdktf.out", "stacks", "root-access"), env, project);
    expect((await terraform.plan()).code).toBe(0);
    const again = await emulator.calls();
    const redeployed = await cdktf(DEPLOY, env);
    expect(redeployed.code).toBe(0);
    const after = await emulator.calls();
    expect(after["iam:EnableOrganizationsRootSessions"]).toBe(again["iam:EnableOrganizationsRootSessions"]);
    expect(after["iam:ListOrganizationsFeatures"]).toBe(again["iam:ListOrganizationsFeatures"]);

    // AND npx cdktf diff, as a reviewer runs it, reports nothing to change
    const diffed = await cdktf(["diff", ...OFFLINE], env);
    if (diffed.code !== 0) throw new Error(`cdktf diff exited ${diffed.code}:\n${diffed.output}`);
    expect(stripVTControlCharacters(diffed.output)).toContain("No changes. Your infrastructure matches the configuration.");
  });
});
