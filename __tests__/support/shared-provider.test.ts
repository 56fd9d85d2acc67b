import { commandEnvironment } from "./shared-provider";

describe("which terraform commands attach to the shared provider", () => {
  const reattach = '{"registry.terraform.io/hashicorp/aws":{"Protocol":"grpc","ProtocolVersion":5}}';

  it("attaches a command that brings no AWS settings of its own", () => {
    // GIVEN a started provider WHEN a command runs with only terraform settings
    const env = commandEnvironment(reattach, { TF_VAR_x: "1" });
    // THEN it attaches, and its own settings are kept
    expect(env).toEqual({ TF_VAR_x: "1", TF_REATTACH_PROVIDERS: reattach });
  });

  it("lets a command with a member account's credentials launch its own provider", () => {
    // GIVEN a started provider WHEN a command runs with other AWS credentials
    const env = commandEnvironment(reattach, { AWS_ACCESS_KEY_ID: "member", AWS_SECRET_ACCESS_KEY: "secret" });
    // THEN it does not attach to a provider configured with the management account's
    expect(env).not.toHaveProperty("TF_REATTACH_PROVIDERS");
  });

  it("launches the provider as usual before one is started", () => {
    // GIVEN no started provider (a real init, such as S3 state's) WHEN a command runs THEN nothing attaches
    expect(commandEnvironment(undefined, {})).toEqual({});
  });
});
