import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { terraformCpu } from "../../tools/bench/terraform-cpu";
import { commandEnvironment, recordCpu } from "./shared-provider";

describe("which terraform commands attach to the shared provider", () => {
  const reattach = '{"registry.terraform.io/hashicorp/aws":{"Protocol":"grpc","ProtocolVersion":5}}';

  it("attaches a command that brings no AWS settings of its own", () => {
    // GIVEN a started provider WHEN a command runs with only terraform settings
    const env = commandEnvironment(reattach, { TF_VAR_x: "1" });
    // THEN it attaches, and its own settings are kept
    expect(env).toEqual({ TF_VAR_x: "1", TF_REATTACH_PROVIDERS: reattach });
  });

  it("lets a command with a member account's credentials launch its own provider", () => {
    // GIVEN a started provider WHEN a command runs with other AWS credentials
    const env = commandEnvironment(reattach, { AWS_ACCESS_KEY_ID: "member", AWS_SECRET_ACCESS_KEY: "secret" });
    // THEN it does not attach to a provider configured with the management account's
    expect(env).not.toHaveProperty("TF_REATTACH_PROVIDERS");
  });

  it("launches the provider as usual before one is started", () => {
    // GIVEN no started provider (a real init, such as S3 state's) WHEN a command runs THEN nothing attaches
    expect(commandEnvironment(undefined, {})).toEqual({});
  });
});

describe("the shared provider's CPU in npm run bench's log", () => {
  it("adds one provider line that the bench reads with terraform's commands", () => {
    // GIVEN the bench's log with one terraform command in it
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "shared-provider-cpu-"));
    const log = path.join(dir, "terraform-cpu.log");
    fs.writeFileSync(log, "2.80 0.78 plan\n");
    try {
      // WHEN a running process (this test's own, which has used CPU) is recorded as a provider
      recordCpu(process.pid, log);
      // THEN the log has its line, and the bench counts it apart from the plan
      expect(fs.readFileSync(log, "utf8")).toMatch(/^2\.80 0\.78 plan\n\d+\.\d\d \d+\.\d\d provider\n$/);
      const provider = terraformCpu(log).find((row) => row.subcommand === "provider");
      expect(provider?.commands).toBe(1);
      expect(provider?.cpuSeconds).toBeGreaterThan(0);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
