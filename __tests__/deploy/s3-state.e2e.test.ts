import { CreateBucketCommand, GetObjectCommand, ListObjectsV2Command, S3Client } from "@aws-sdk/client-s3";
import { clientConfig } from "../../tools/emulator/organization-state";
import { StackDriver, rootAccessCalls, useScenario } from "../support/stack-driver";

const scenario = useScenario();

const BUCKET = "org-root-access-state";
// moto serves buckets by path, not as <bucket>.<host>: a setting of this machine, so it goes to init, not into cdk.tf.json.
const INIT = ["-backend-config=use_path_style=true"];
const LOCK_FILE = "org-root-access/e2e.tfstate.tflock";

/** Starts `first`, waits until it holds the state lock (its lock file exists), then starts `second`. */
async function whileLocked<T>(s3: S3Client, first: () => Promise<T>, second: () => Promise<T>): Promise<[T, T]> {
  const running = first();
  for (let waited = 0; ; waited += 50) {
    const keys = ((await s3.send(new ListObjectsV2Command({ Bucket: BUCKET }))).Contents ?? []).map((object) => object.Key);
    if (keys.includes(LOCK_FILE)) break;
    if (waited > 60_000) throw new Error("the first apply never took the lock");
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  const alsoRunning = second();
  return [await running, await alsoRunning];
}

describe("state in S3, locked with an S3 lock file", () => {
  it("writes state to the bucket; an apply during another's is refused the lock (or waits), and the feature is enabled once", async () => {
    const { driver, emulator } = scenario;
    // GIVEN a state bucket and two working copies of the same stack, like two pipeline runs
    const s3 = new S3Client({ ...clientConfig(driver.env), forcePathStyle: true });
    await s3.send(new CreateBucketCommand({ Bucket: BUCKET }));
    const stack = { backend: { type: "s3", bucket: BUCKET } };
    const other = new StackDriver(emulator);
    try {
      expect(JSON.parse(driver.synth(stack).synthesizedJson()).terraform.backend.s3).toMatchObject({
        bucket: BUCKET,
        use_lockfile: true,
      });
      other.synth(stack);
      await driver.init(INIT);
      await other.init(INIT);

      // WHEN the second applies while the first holds the lock, without waiting for it
      const { result: runs, calls } = await driver.callsDuring(() =>
        whileLocked(
          s3,
          () => driver.terraform.apply(),
          () => other.terraform.apply(),
        ),
      );

      // THEN the first applied, the second was refused the lock, and RootSessions was enabled exactly once
      const [won, lost] = runs;
      expect([won.code, lost.code]).toEqual([0, 1]);
      expect(lost.stderr.replace(/\s+/g, " ")).toContain("Error acquiring the state lock");
      expect(rootAccessCalls(calls)["iam:EnableOrganizationsRootSessions"]).toBe(1);
      expect((await driver.state()).rootAccess).toEqual({ enabledFeatures: ["RootSessions"] });

      // AND the state is in the bucket, and the lock file is gone
      const state = await (
        await s3.send(new GetObjectCommand({ Bucket: BUCKET, Key: "org-root-access/e2e.tfstate" }))
      ).Body!.transformToString();
      expect(JSON.parse(state).resources.map((r: { type: string }) => r.type)).toContain("aws_organizations_organization");
      const keys = ((await s3.send(new ListObjectsV2Command({ Bucket: BUCKET }))).Contents ?? []).map((object) => object.Key);
      expect(keys).toEqual(["org-root-access/e2e.tfstate"]);

      // WHEN both run again, the second waiting for the lock
      const again = await driver.callsDuring(() =>
        whileLocked(
          s3,
          () => driver.terraform.apply(),
          () => other.terraform.apply(["-lock-timeout=120s"]),
        ),
      );
      // THEN both succeed, one after the other, and neither enables anything
      expect(again.result.map((run) => run.code)).toEqual([0, 0]);
      expect(again.result.map((run) => run.stdout.match(/Apply complete! .*/)?.[0])).toEqual([
        "Apply complete! Resources: 0 added, 0 changed, 0 destroyed.",
        "Apply complete! Resources: 0 added, 0 changed, 0 destroyed.",
      ]);
      expect(rootAccessCalls(again.calls)).toEqual({});
    } finally {
      other.cleanup();
    }
  });
});
