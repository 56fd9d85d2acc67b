import { EventBridgeClient, TestEventPatternCommand } from "@aws-sdk/client-eventbridge";
import fc from "fast-check";
import { refusedPattern, rootActivityPattern } from "../../../scripts/shared/root-activity";
import { ROOT_TASKS } from "../../../scripts/shared/root-tasks";
import { Emulator } from "../../../tools/emulator/emulator";
import { clientConfig } from "../../../tools/emulator/organization-state";
import { assumeRoot, iamUser, roleSession } from "../../support/cloudtrail-events";

// The alerts' event patterns judged by an EventBridge pattern matcher this project did not write (moto's, behind
// TestEventPattern), on generated AssumeRoot events, against the rule written from the issue in plain words:
// a refused call always alerts (the refused rule); a granted one alerts unless it is a listed pipeline role's
// audit or removal session (the granted rule).

const PIPELINE = "arn:aws:iam::111111111111:role/root-access-pipeline";
const PIPELINE_TASKS = [ROOT_TASKS.audit, ROOT_TASKS.delete] as string[];

let emulator: Emulator;
beforeAll(async () => {
  emulator = await Emulator.start();
});
afterAll(() => emulator?.stop());

const caller = fc.constantFrom(
  { identity: roleSession(PIPELINE, "org-root-access"), role: PIPELINE },
  { identity: roleSession(`${PIPELINE}-copy`, "x"), role: `${PIPELINE}-copy` },
  {
    identity: roleSession("arn:aws:iam::111111111111:role/path/root-access-pipeline", "y"),
    role: "arn:aws:iam::111111111111:role/path/root-access-pipeline",
  },
  { identity: iamUser("break-glass"), role: undefined },
);
const task = fc.constantFrom(...Object.values(ROOT_TASKS), "iamauditrootusercredentials", undefined);
const refused = fc.constantFrom(undefined, "AccessDenied", "ThrottlingException");

describe("the alerts' patterns, judged by moto's EventBridge matcher on generated AssumeRoot events", () => {
  it("alert exactly as the issue says: every refused call, and every granted one but the pipeline's audit and removal", async () => {
    const events = new EventBridgeClient(clientConfig(emulator.environment()));
    const matches = async (pattern: object, event: object) =>
      (await events.send(new TestEventPatternCommand({ EventPattern: JSON.stringify(pattern), Event: JSON.stringify(event) })))
        .Result;
    await fc.assert(
      fc.asyncProperty(caller, task, refused, async (who, taskName, errorCode) => {
        // GIVEN an AssumeRoot by this caller for this task, granted or refused
        const event = assumeRoot(who.identity, "222222222222", taskName ?? "x");
        const detail = event.detail as Record<string, any>;
        if (taskName === undefined) delete detail.requestParameters.taskPolicyArn;
        if (errorCode !== undefined) Object.assign(detail, { errorCode, errorMessage: "refused" });
        // THEN the matcher agrees with the rule in words
        const silenced = who.role === PIPELINE && taskName !== undefined && PIPELINE_TASKS.includes(taskName);
        expect(await matches(rootActivityPattern([PIPELINE], "aws"), event)).toBe(errorCode === undefined && !silenced);
        expect(await matches(refusedPattern(), event)).toBe(errorCode !== undefined);
      }),
      { numRuns: 120, seed: 40 },
    );
  });
});
