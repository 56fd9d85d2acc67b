import fc from "fast-check";
import * as fs from "node:fs";
import * as path from "node:path";
import { disagreements } from "./differential";
import { generatedOrganization } from "./generated-organizations";
import type { ScpSetup } from "./scp-setups";

// The doctor proven against an independent evaluator (@cloud-copilot/iam-simulate) on organizations nobody wrote
// by hand (differential.ts says what is checked). A fixed seed keeps the unit tier repeatable; more organizations,
// or another seed, with DIFFERENTIAL_RUNS and DIFFERENTIAL_SEED (npm run bench -- doctor runs 20,000). An
// organization that ever disagreed is kept, as generated, in fixtures/differential-regressions.json.

const RUNS = Number(process.env.DIFFERENTIAL_RUNS ?? 500);
const SEED = Number(process.env.DIFFERENTIAL_SEED ?? 38);

/** Organizations that once disagreed, as they were generated, and what the disagreement was. */
const REGRESSIONS: readonly { readonly was: string; readonly setup: ScpSetup }[] = JSON.parse(
  fs.readFileSync(path.join(__dirname, "fixtures", "differential-regressions.json"), "utf8"),
);

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

  it.each(REGRESSIONS.map((regression) => [regression.was, regression.setup] as const))(
    "still agrees where %s",
    async (_, setup) => {
      // GIVEN an organization that once disagreed WHEN both judge it THEN they agree
      expect(await disagreements(setup)).toEqual([]);
    },
  );
});
