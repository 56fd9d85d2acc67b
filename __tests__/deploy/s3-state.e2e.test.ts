import { CreateBucketCommand, GetObjectCommand, ListObjectsV2Command, S3Client } from "@aws-sdk/client-s3";
import type { Emulator } from "../../tools/emulator/emulator";
import { clientConfig } from "../../tools/emulator/organization-state";
import { StackDriver, rootAccessCalls, useScenario } from "../support/stack-driver";

const scenario = useScenario();

const BUCKET = "org-root-access-state";
// moto serves buckets by path, not as <bucket>.<host>: a setting of this machine, so it goes to init, not into cdk.tf.json.
const INIT = ["-backend-config=use_path_style=true"];
/**
 * Runs `first` and keeps it inside its state lock: the emulator holds the reply to `heldCall`, which terraform
 * makes only after it took the lock. Then runs `second` until it has met the lock (it finished, refused; or,
 * waiting with -lock-timeout, S3 refused its lock file once), and only then lets `first` go on. Nothing depends on
 * how fast the machine is.
 */
async function whileLocked<T>(
  emulator: Emulator,
  heldCall: string,
  first: () => Promise<T>,
  second: () => Promise<T>,
  secondMetTheLock: "when it finishes" | "when S3 refuses its lock file",
): Promise<[T, T]> {
  await emulator.configure({ holdReplies: { [heldCall]: 1 } });
  const running = first();
  try {
    await until(async () => (await emulator.held()).held > 0, `the first apply never called ${heldCall}`, running);
    const refusedBefore = (await emulator.held()).conditionalWritesRefused;
    const alsoRunning = second();
    if (secondMetTheLock === "when it finishes") await alsoRunning;
    else {
      await until(
        async () => (await emulator.held()).conditionalWritesRefused > refusedBefore,
        "the second apply never asked for the lock",
        alsoRunning,
      );
    }
    await emulator.release();
    return [await running, await alsoRunning];
  } finally {
    await emulator.release();
  }
}

/** Polls `condition`; fails if `meanwhile` ends first (the run it waits on went another way) or after 5 minutes. */
async function until(condition: () => Promise<boolean>, never: string, meanwhile: Promise<unknown>): Promise<void> {
  let ended = false;
  void meanwhile.finally(() => (ended = true));
  for (const deadline = Date.now() + 300_000; !(await condition());) {
    if (ended || Date.now() > deadline) throw new Error(never);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
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
          emulator,
          "organizations:CreateOrganization",
          () => driver.terraform.apply(),
          () => other.terraform.apply(),
          "when it finishes",
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
          emulator,
          "organizations:DescribeOrganization",
          () => driver.terraform.apply(),
          () => other.terraform.apply(["-lock-timeout=300s"]),
          "when S3 refuses its lock file",
        ),
      );
      // THEN both succeed, the second after the first released the lock, and neither enables anything
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
