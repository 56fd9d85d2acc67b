import { Testing } from "cdktf";
import "aws-sdk-client-mock-jest";

Testing.setupJest();

// The script's entry point (cli.ts) switches off the SDK's Node 20 notice; tests call run() directly.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = "true";
// DIAGNOSTIC (temporary)
{
  const g = globalThis as unknown as { __diag?: boolean };
  const p = process as unknown as { __diag?: boolean };
  if (!p.__diag) {
    p.__diag = true;
    let last = "";
    const fs = jest.requireActual<typeof import("node:fs")>("node:fs");
    setInterval(() => {
      const now = JSON.stringify(process.getActiveResourcesInfo());
      if (now !== last) fs.appendFileSync(`/tmp/handles-${process.pid}.log`, `${new Date().toISOString()} ${now}\n`);
      last = now;
    }, 100).unref();
  }
  void g;
}
