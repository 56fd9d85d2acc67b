import { providerKey } from "./shared-provider";

describe("which running provider a terraform command attaches to", () => {
  const binary = "/stack/.terraform/providers/terraform-provider-aws_v5.100.0_x5";
  const management = { AWS_ACCESS_KEY_ID: "management", AWS_SECRET_ACCESS_KEY: "secret", AWS_REGION: "us-east-1" };

  it("is the same for commands whose AWS settings are the same, whatever else they set", () => {
    // GIVEN two commands with the management account's settings, one with a terraform variable of its own
    // WHEN each asks for a provider THEN both get the same one
    expect(providerKey(binary, { ...management, TF_VAR_x: "1" })).toBe(providerKey(binary, management));
  });

  it("is another for a command with a member account's credentials, which configure the provider", () => {
    // GIVEN a command that brings a member account's credentials WHEN it asks for a provider
    const member = { ...management, AWS_ACCESS_KEY_ID: "member", AWS_SESSION_TOKEN: "token" };
    // THEN it does not get the one configured with the management account's
    expect(providerKey(binary, member)).not.toBe(providerKey(binary, management));
  });

  it("is another for another provider binary", () => {
    // GIVEN the same settings and a different installed provider WHEN each asks THEN they differ
    expect(providerKey("/other/terraform-provider-aws_v5.99.0_x5", management)).not.toBe(providerKey(binary, management));
  });
});
