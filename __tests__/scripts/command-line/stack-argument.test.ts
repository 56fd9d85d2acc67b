import { stackNamedIn } from "../../../scripts/command-line/stack-argument";
import { ConfigError } from "../../../stacks/config/config-errors";
import { parseAppConfig } from "../../../stacks/config/load";

describe("the stack named on a command line (npm run policy|drift -- <stack>)", () => {
  const one = parseAppConfig({ stacks: [{ name: "prod" }] }, "one.json");
  const two = parseAppConfig({ stacks: [{ name: "prod" }, { name: "staging" }] }, "two.json");

  it("finds the stack by name, and takes the only one when none is named", () => {
    expect(stackNamedIn(["staging"], two, "drift").name).toBe("staging");
    expect(stackNamedIn([], one, "drift").name).toBe("prod");
  });

  it("says what was wrong and which stacks there are", () => {
    expect(() => stackNamedIn(["prdo"], two, "policy")).toThrow(
      new ConfigError('Usage: policy <stack> (no stack is named "prdo"); the stacks in two.json are: prod, staging'),
    );
    expect(() => stackNamedIn([], two, "drift")).toThrow(
      "Usage: drift <stack> (name a stack); the stacks in two.json are: prod, staging",
    );
    expect(() => stackNamedIn(["prod", "staging"], two, "drift")).toThrow("(one stack at a time)");
  });
});
