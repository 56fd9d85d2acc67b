import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { Terraform } from "../../tools/terraform/terraform";
import { copyProject } from "../support/project-copy";
import { PROJECT_ROOT } from "../support/paths";

const tempDirs: string[] = [];
afterAll(() => tempDirs.forEach((dir) => fs.rmSync(dir, { recursive: true, force: true })));

function tempDir(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "root-access-synth-"));
  tempDirs.push(dir);
  return dir;
}

function run(command: string, args: string[], cwd: string, env: NodeJS.ProcessEnv = {}) {
  return spawnSync(command, args, { cwd, env: { ...process.env, ROOT_ACCESS_CONFIG: "", ...env }, encoding: "utf8" });
}

/** `npm run synth` in `cwd`: build, then run the app; returns the stack folder. */
function buildAndSynth(cwd: string, env: NodeJS.ProcessEnv = {}): string {
  const result = run(process.execPath, ["tools/launch.mjs", "main"], cwd, env);
  if (result.status !== 0) throw new Error(`npm run synth failed: ${result.stderr}`);
  return path.join(cwd, "cdktf.out", "stacks", "root-access");
}

function scriptAssetOf(stackDir: string): string {
  const json = JSON.parse(fs.readFileSync(path.join(stackDir, "cdk.tf.json"), "utf8"));
  return json.resource.terraform_data["root-sessions"].provisioner[0]["local-exec"].interpreter[1];
}

describe("npm run synth", () => {
  const outdir = path.join(tempDir(), "cdktf.out");
  let stackDir: string;
  beforeAll(() => {
    const result = run(process.execPath, ["build/main.js", "--hcl"], PROJECT_ROOT, { CDKTF_OUTDIR: outdir });
    expect(result.stderr).toBe("");
    stackDir = path.join(outdir, "stacks", "root-access");
    synthOutput = result.stdout;
  });
  let synthOutput: string;

  it("says which stacks it generated and where, one line each", () => {
    expect(synthOutput).toBe(`synth: stack root-access: cdk.tf.json and cdk.hcl in ${path.relative(PROJECT_ROOT, stackDir)}\n`);
  });

  it("with --quiet prints nothing, and without terraform on PATH only warns that plan and apply need it", () => {
    // GIVEN a PATH with node only
    const bin = tempDir();
    fs.symlinkSync(process.execPath, path.join(bin, "node"));
    const quietOut = path.join(tempDir(), "cdktf.out");
    // WHEN synth runs quietly
    const result = run(process.execPath, ["build/main.js", "--quiet"], PROJECT_ROOT, { CDKTF_OUTDIR: quietOut, PATH: bin });
    // THEN the stack is written, stdout is empty, and stderr is the one warning
    expect(result.status).toBe(0);
    expect(fs.existsSync(path.join(quietOut, "stacks", "root-access", "cdk.tf.json"))).toBe(true);
    expect(result.stdout).toBe("");
    expect(result.stderr).toBe(
      'synth: warning: "terraform" is not on PATH. The stacks are synthesized; terraform plan and apply of them need ' +
        "Terraform 1.7 or newer on PATH (or TERRAFORM_BINARY_NAME naming it).\n",
    );
  });

  it("writes the stack folder with cdk.tf.json and the bundled script at the path the provisioners use", () => {
    const asset = scriptAssetOf(stackDir);
    expect(fs.statSync(path.join(stackDir, asset)).size).toBeGreaterThan(10_000);
    expect(fs.readFileSync(path.join(stackDir, asset))).toEqual(
      fs.readFileSync(path.join(PROJECT_ROOT, "build", "root-access.js")),
    );
  });

  it("ships a script that runs with node alone, with no node_modules anywhere above it", () => {
    // GIVEN the stack folder copied where no node_modules can be found
    const isolated = path.join(tempDir(), "stack");
    fs.cpSync(stackDir, isolated, { recursive: true });
    // WHEN the asset runs THEN it answers, and prints no SDK notice on Node 20
    const help = run(process.execPath, [scriptAssetOf(isolated), "--help"], isolated);
    expect(help.status).toBe(0);
    expect(help.stdout).toContain("Usage: root-access <verb> [feature...] [flags]");
    const unreachable = run(process.execPath, [scriptAssetOf(isolated), "check", "RootSessions"], isolated, {
      AWS_ENDPOINT_URL: "http://127.0.0.1:9",
      AWS_ACCESS_KEY_ID: "test",
      AWS_SECRET_ACCESS_KEY: "test",
      ROOT_ACCESS_REGION: "us-east-1",
      AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: "",
    });
    expect(unreachable.status).toBe(1);
    expect(unreachable.stderr).toBe(
      "root-access: error: ListOrganizationsFeatures failed: the connection to http://127.0.0.1:9 failed (ECONNREFUSED), even " +
        "after the SDK's retries. Check the network, proxy settings and AWS_ENDPOINT_URL, then run again; the script only " +
        "writes what is missing, so a re-run is safe.\n",
    );
  });

  it("with --hcl, also writes a formatted HCL copy for review, under a name terraform does not load", () => {
    const hcl = fs.readFileSync(path.join(stackDir, "cdk.hcl"), "utf8");
    expect(hcl).toContain(
      'resource "aws_organizations_organization" "organization" {\n  aws_service_access_principals = [\n    "iam.amazonaws.com"\n  ]',
    );
    expect(fs.readdirSync(stackDir).filter((name) => name.endsWith(".tf"))).toEqual([]);
  });

  it("passes terraform validate, offline through the provider mirror, with the review copy beside it", async () => {
    const terraform = new Terraform(stackDir, process.env, tempDir());
    await terraform.ok(["init", "-backend=false", "-input=false"]);
    expect((await terraform.ok(["validate"])).stdout).toContain("The configuration is valid.");
  });

  it("writes a review copy that terraform itself accepts, with no deprecated quoted references or keywords", async () => {
    // GIVEN the review copy as the only configuration of a folder
    const folder = tempDir();
    fs.writeFileSync(path.join(folder, "main.tf"), fs.readFileSync(path.join(stackDir, "cdk.hcl")));
    const terraform = new Terraform(folder, process.env, tempDir());
    // WHEN terraform validates it
    await terraform.ok(["init", "-backend=false", "-input=false"]);
    const validated = await terraform.ok(["validate"]);
    // THEN it is valid, without warnings
    expect(validated.stdout).toContain("The configuration is valid.");
    expect(`${validated.stdout}${validated.stderr}`).not.toMatch(/deprecated|Warning/i);
  });
});

describe("determinism", () => {
  it("synthesizes byte-identical output from two different checkout paths", () => {
    // GIVEN two checkouts at different depths
    const root = tempDir();
    const first = copyProject(path.join(root, "a", "org-root-access"));
    const second = copyProject(path.join(root, "b", "deeper", "checkout", "elsewhere"));
    // WHEN each is built and synthesized
    const [one, two] = [buildAndSynth(first), buildAndSynth(second)];
    // THEN cdk.tf.json and the asset are the same bytes, and no path of either checkout leaks into them
    const tfJson = fs.readFileSync(path.join(one, "cdk.tf.json"), "utf8");
    expect(fs.readFileSync(path.join(two, "cdk.tf.json"), "utf8")).toBe(tfJson);
    expect(fs.readFileSync(path.join(two, scriptAssetOf(two)))).toEqual(fs.readFileSync(path.join(one, scriptAssetOf(one))));
    expect(tfJson).not.toContain(root);
    expect(fs.readFileSync(path.join(one, scriptAssetOf(one)), "utf8")).not.toContain(root);
  });
});

describe("a missing script bundle", () => {
  it("fails with one line saying how to build it, and writes nothing", () => {
    // GIVEN the app built into a checkout whose build/ lacks the script bundle beside it
    const checkout = tempDir();
    fs.writeFileSync(path.join(checkout, "cdktf.json"), "{}");
    fs.mkdirSync(path.join(checkout, "build"));
    fs.copyFileSync(path.join(PROJECT_ROOT, "build", "main.js"), path.join(checkout, "build", "main.js"));
    const outdir = path.join(checkout, "cdktf.out");
    // WHEN the app runs
    const result = run(process.execPath, ["build/main.js"], checkout, { CDKTF_OUTDIR: outdir });
    // THEN it exits 1 with the message alone, no stack trace, and no output folder
    expect(result.status).toBe(1);
    expect(result.stderr).toBe(
      `The root-access script bundle ${path.join(checkout, "build", "root-access.js")} does not exist. Build it with ` +
        '"npm run build" (npm run synth builds it before synthesizing).\n',
    );
    expect(fs.existsSync(outdir)).toBe(false);
  });
});

describe("a bad configuration", () => {
  it("fails before synth writes anything, with the problem on stderr", () => {
    // GIVEN a config with an unknown feature
    const dir = tempDir();
    const configFile = path.join(dir, "bad.json");
    fs.writeFileSync(configFile, JSON.stringify({ stacks: [{ name: "prod", features: ["RootSession"] }] }));
    const outdir = path.join(dir, "cdktf.out");
    // WHEN the app runs
    const result = run(process.execPath, ["build/main.js"], PROJECT_ROOT, {
      ROOT_ACCESS_CONFIG: configFile,
      CDKTF_OUTDIR: outdir,
    });
    // THEN it exits 1 with the message and no stack trace, and no output folder exists
    expect(result.status).toBe(1);
    expect(result.stderr).toBe(
      `Invalid configuration in ${configFile}: ` +
        'stacks[0].features[0]: "RootSession" is not allowed; expected one of "RootCredentialsManagement", "RootSessions".\n',
    );
    expect(fs.existsSync(outdir)).toBe(false);
  });
});
