import fc from "fast-check";
import { disagreements } from "./differential";
import { generatedOrganization } from "./generated-organizations";

// The doctor proven against an independent evaluator (@cloud-copilot/iam-simulate) on organizations nobody wrote
// by hand (differential.ts says what is checked). A fixed seed keeps the unit tier repeatable; more organizations,
// or another seed, with DIFFERENTIAL_RUNS and DIFFERENTIAL_SEED (npm run bench -- doctor runs 20,000). A seed that
// ever failed stays below as a regression test.

const RUNS = Number(process.env.DIFFERENTIAL_RUNS ?? 500);
const SEED = Number(process.env.DIFFERENTIAL_SEED ?? 38);

/** Organizations that once disagreed: fast-check's seed and path, and what the disagreement was. */
const REGRESSIONS: readonly { readonly seed: number; readonly path: string; readonly was: string }[] = [
  {
    seed: 38,
    path: "1:0:0:0:1:0:1:0:0:3:0:1:0:0:0",
    was: "FullAWSAccess alone, which the simulator denied when given RCP levels without RCPFullAWSAccess",
  },
  {
    seed: 38,
    path: "8:24:0:0:2:2:2:1:1:2:1:1:1:3:3",
    was: 'an Allow list with NotResource "arn:aws:sqs:*", which the simulator never matches (an ARN of four segments)',
  },
];

describe("the doctor against an independent IAM simulator, on generated organizations", () => {
  it(`agrees on ${RUNS.toLocaleString("en-US")} generated organizations (seed ${SEED})`, async () => {
    // GIVEN generated organizations WHEN the doctor and the simulator judge every root task in each member account
    // THEN no claim of the doctor is contradicted by the simulator
    await fc.assert(
      fc.asyncProperty(generatedOrganization, async (setup) => {
        expect(await disagreements(setup)).toEqual([]);
      }),
      { numRuns: RUNS, seed: SEED },
    );
  });

  it.each(REGRESSIONS.map((regression) => [regression.was, regression] as const))(
    "still agrees where %s",
    async (_, regression) => {
      await fc.assert(
        fc.asyncProperty(generatedOrganization, async (setup) => {
          expect(await disagreements(setup)).toEqual([]);
        }),
        { seed: regression.seed, path: regression.path, endOnFailure: true },
      );
    },
  );
});
