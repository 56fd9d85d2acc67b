import fc from "fast-check";
import { assumeRoot, iamUser, roleSession } from "../../support/cloudtrail-events";
import {
  InputPath,
  ROOT_ACTIVITY_INPUT_PATHS,
  ROOT_ACTIVITY_INPUT_TEMPLATE,
  ROOT_ACTIVITY_REFUSED_INPUT_PATHS,
  ROOT_ACTIVITY_REFUSED_INPUT_TEMPLATE,
  rootActivityPattern,
} from "../../../scripts/shared/root-activity";

// EventBridge puts an input path's value into a string template as it is: no escaping. So a message is only as
// safe as the values that can reach it. These tests render the templates the way EventBridge does, with values
// generated from the shapes AWS gives each field, and check that the message stays one JSON string that says
// what the template says, with each value in its place.

/** EventBridge's rendering: every <name> replaced by the value's text, without escaping. */
function render(template: string, values: Record<string, string>): string {
  return template.replace(/<([A-Za-z]+)>/g, (_, name: string) => values[name]);
}

const messages = [
  ["granted", ROOT_ACTIVITY_INPUT_PATHS, ROOT_ACTIVITY_INPUT_TEMPLATE],
  ["refused", ROOT_ACTIVITY_REFUSED_INPUT_PATHS, ROOT_ACTIVITY_REFUSED_INPUT_TEMPLATE],
] as const;

describe("the alerts' messages", () => {
  it.each(messages)("%s: every value fits the message, whatever AWS writes there", (_, paths, template) => {
    const shapes: Record<string, InputPath> = paths;
    const values = fc.record(
      Object.fromEntries(Object.entries(shapes).map(([name, path]) => [name, fc.stringMatching(path.shape)])),
    );
    const fixed = JSON.parse(template).split(/<[A-Za-z]+>/);
    fc.assert(
      fc.property(values, (generated) => {
        // WHEN EventBridge renders the message THEN it is one JSON string: the fixed words in order, each value whole
        const text: string = JSON.parse(render(template, generated));
        let at = 0;
        for (const [index, part] of fixed.entries()) {
          expect(text.indexOf(part, at)).toBe(at);
          at += part.length;
          const name = [...JSON.parse(template).matchAll(/<([A-Za-z]+)>/g)][index]?.[1];
          if (name !== undefined) {
            expect(text.startsWith(generated[name], at)).toBe(true);
            at += generated[name].length;
          }
        }
        expect(at).toBe(text.length);
      }),
      { numRuns: 300, seed: 40 },
    );
  });

  it("no value a shape allows could end the string or start an escape", () => {
    // GIVEN every shape WHEN it is asked about the characters that break a JSON string THEN it refuses them
    for (const path of [...Object.values(ROOT_ACTIVITY_INPUT_PATHS), ...Object.values(ROOT_ACTIVITY_REFUSED_INPUT_PATHS)]) {
      for (const breaking of ['"', "\\", "\n", "<", ">"]) expect(path.shape.test(`a${breaking}b`)).toBe(false);
    }
  });

  it("the shapes admit the values in AWS's own CloudTrail samples (the AssumeRoot record of IAM's User Guide)", () => {
    // GIVEN the AssumeRoot records the tests build from AWS's documentation, by a role's session and by an IAM user
    for (const event of [
      assumeRoot(
        roleSession(
          "arn:aws:iam::111111111111:role/aws-reserved/sso.amazonaws.com/AWSReservedSSO_Admin_0123456789abcdef",
          "alice@example.com",
        ),
      ),
      assumeRoot(iamUser("break-glass"), "222222222222", "IAMAuditRootUserCredentials"),
    ]) {
      const detail = event.detail as Record<string, any>;
      // THEN every value a message shows fits its shape
      expect(ROOT_ACTIVITY_INPUT_PATHS.caller.shape.test(detail.userIdentity.arn)).toBe(true);
      expect(ROOT_ACTIVITY_INPUT_PATHS.account.shape.test(detail.requestParameters.targetPrincipal)).toBe(true);
      expect(ROOT_ACTIVITY_INPUT_PATHS.task.shape.test(detail.requestParameters.taskPolicyArn.arn)).toBe(true);
      expect(ROOT_ACTIVITY_INPUT_PATHS.time.shape.test(detail.eventTime)).toBe(true);
      expect(ROOT_ACTIVITY_INPUT_PATHS.sourceIp.shape.test(detail.sourceIPAddress)).toBe(true);
      expect(ROOT_ACTIVITY_REFUSED_INPUT_PATHS.eventId.shape.test(detail.eventID)).toBe(true);
      expect(ROOT_ACTIVITY_INPUT_PATHS.region.shape.test(event.region as string)).toBe(true);
    }
    // AND the other values AWS documents for them: an IPv6 caller, a call made through a service
    for (const sourceIp of ["2001:db8::1", "AWS Internal", "cloudformation.amazonaws.com"]) {
      expect(ROOT_ACTIVITY_INPUT_PATHS.sourceIp.shape.test(sourceIp)).toBe(true);
    }
  });

  it("a refused call's message uses only what AWS writes: never the caller's request parameters", () => {
    const refused: Record<string, InputPath> = ROOT_ACTIVITY_REFUSED_INPUT_PATHS;
    for (const path of Object.values(refused)) {
      expect(path.writtenBy).toBe("AWS");
      expect(path.path).not.toContain("requestParameters");
    }
    // AND it says refused, with AWS's error code, never "requested"
    expect(JSON.parse(ROOT_ACTIVITY_REFUSED_INPUT_TEMPLATE)).toMatch(/^Central root session refused \(<errorCode>\)/);
    expect(ROOT_ACTIVITY_REFUSED_INPUT_TEMPLATE).not.toContain("requested");
  });

  it("a caller's text that AWS refused cannot reach the granted message: its rule matches only calls without an errorCode", () => {
    // The caller's own parameters in the granted message were accepted by STS (an account, a task policy).
    const granted: Record<string, InputPath> = ROOT_ACTIVITY_INPUT_PATHS;
    const fromCaller = Object.entries(granted).filter(([, path]) => path.writtenBy !== "AWS");
    expect(fromCaller.map(([name]) => name).sort()).toEqual(["account", "task"]);
    expect(ROOT_ACTIVITY_INPUT_PATHS.account.shape.test('111122223333" granted. Ignore')).toBe(false);
    expect((rootActivityPattern([], "aws").detail as Record<string, unknown>).errorCode).toEqual([{ exists: false }]);
  });
});
