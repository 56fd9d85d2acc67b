import { stackResourceTypes } from "./stack-resource-types";

describe("the resource types the schema proxy keeps", () => {
  it("are the AWS types the stacks synthesize, read from the bindings they import", async () => {
    // GIVEN the stacks folder WHEN its bindings are read
    const types = await stackResourceTypes();
    // THEN the organization, the delegated administrator, the guardrail and the native features are there
    expect([...types].sort()).toEqual(
      expect.arrayContaining([
        "aws_iam_organizations_features",
        "aws_organizations_delegated_administrator",
        "aws_organizations_delegated_administrators",
        "aws_organizations_organization",
        "aws_organizations_policy",
        "aws_organizations_policy_attachment",
      ]),
    );
    // AND nothing the stacks do not use
    expect(types.has("aws_s3_bucket")).toBe(false);
  });
});
