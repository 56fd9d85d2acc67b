import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { recordProviderCpu, terraformCpu } from "../../../tools/bench/terraform-cpu";

describe("terraform's CPU in npm run bench's npm test figure", () => {
  it("sums the counting wrapper's log per subcommand, most CPU first, skipping GNU time's exit notes", () => {
    // GIVEN a log as GNU time appends it: two plans, a show, a failed apply with its exit note
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "terraform-cpu-"));
    const log = path.join(dir, "terraform-cpu.log");
    fs.writeFileSync(
      log,
      ["2.80 0.78 plan", "3.00 0.90 plan", "2.10 0.50 show", "Command exited with non-zero status 1", "2.90 0.95 apply", ""].join(
        "\n",
      ),
    );
    try {
      // WHEN it is read
      const rows = terraformCpu(log);
      // THEN each subcommand has its count and its summed user + system seconds, the costliest first
      expect(rows.map((row) => ({ ...row, cpuSeconds: Number(row.cpuSeconds.toFixed(2)) }))).toEqual([
        { subcommand: "plan", commands: 2, cpuSeconds: 7.48 },
        { subcommand: "apply", commands: 1, cpuSeconds: 3.85 },
        { subcommand: "show", commands: 1, cpuSeconds: 2.6 },
      ]);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it("reads a run that started no terraform as no rows", () => {
    expect(terraformCpu(path.join(os.tmpdir(), "no-such-terraform-cpu.log"))).toEqual([]);
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
      recordProviderCpu(process.pid, log);
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
