import { ConfigError } from "../../../stacks/config/config-errors";
import { parseAppConfig } from "../../../stacks/config/load";

const WITH_FEATURE = { features: ["RootCredentialsManagement", "RootSessions"] };

function stack(fields: Record<string, unknown>) {
  return parseAppConfig({ stacks: [fields] }, "test.json").stacks[0];
}

function problem(fields: Record<string, unknown>): string {
  try {
    stack(fields);
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return (error as Error).message;
  }
  throw new Error("the configuration was accepted");
}

describe("rootCredentials", () => {
  it("is absent by default: no root credential is touched", () => {
    expect(stack({}).rootCredentials).toBeUndefined();
  });

  it('takes "all" or a list of account ids to remove, and an optional list to keep', () => {
    expect(stack({ ...WITH_FEATURE, rootCredentials: { remove: "all", keep: ["444455556666"] } }).rootCredentials).toEqual({
      remove: "all",
      keep: ["444455556666"],
    });
    expect(stack({ ...WITH_FEATURE, rootCredentials: { remove: ["111122223333"] } }).rootCredentials).toEqual({
      remove: ["111122223333"],
      keep: [],
    });
  });

  it("needs RootCredentialsManagement in features, and says so", () => {
    expect(problem({ features: ["RootSessions"], rootCredentials: { remove: "all" } })).toBe(
      'Invalid configuration in test.json: stacks[0].rootCredentials: is only used with "RootCredentialsManagement" in ' +
        "features; add it to features: AWS opens root sessions that remove root credentials only in an organization with it.",
    );
  });

  it("refuses an account both removed and kept, naming both places", () => {
    expect(problem({ ...WITH_FEATURE, rootCredentials: { remove: ["111122223333"], keep: ["111122223333"] } })).toBe(
      'Invalid configuration in test.json: stacks[0].rootCredentials.keep[0]: "111122223333" is already used at ' +
        "stacks[0].rootCredentials.remove[0]; an account is either removed or kept.",
    );
  });

  it.each([
    [{ remove: "some" }, 'stacks[0].rootCredentials.remove: "some" is not "all", or a list of 12-digit member account ids.'],
    [{ remove: ["1"] }, 'stacks[0].rootCredentials.remove[0]: "1" is not an AWS account id: 12 digits'],
    [{ keep: [] }, 'stacks[0].rootCredentials.remove: is missing; expected "all" or a list of member account ids.'],
    [{ remove: "all", only: [] }, 'stacks[0].rootCredentials: unknown key "only"; allowed keys are remove, keep.'],
  ])("refuses %p", (rootCredentials, message) => {
    expect(problem({ ...WITH_FEATURE, rootCredentials })).toContain(message);
  });
});
