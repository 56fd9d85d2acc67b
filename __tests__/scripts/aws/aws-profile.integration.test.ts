import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { explainAwsError } from "../../../scripts/aws/aws-errors";
import { profileProblem } from "../../../scripts/aws/aws-profile";

// Integration tier: a credential_process is a program, and the check runs it again to show its own error.
const dir = fs.mkdtempSync(path.join(os.tmpdir(), "aws-profile-"));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

const config = path.join(dir, "config");
const credentials = path.join(dir, "credentials");
fs.writeFileSync(
  config,
  [
    "[default]",
    "region = us-east-1",
    "[profile sso-expired]",
    'credential_process = sh -c "echo the SSO session has expired, run aws sso login >&2; exit 3"',
    "[profile garbled]",
    "credential_process = echo not-json",
    "[profile fine]",
    `credential_process = echo '{"Version": 1, "AccessKeyId": "AKIA", "SecretAccessKey": "x"}'`,
  ].join("\n"),
);
fs.writeFileSync(credentials, "[keys-only]\naws_access_key_id = AKIA\naws_secret_access_key = x\n");
const env = (profile: string): NodeJS.ProcessEnv => ({
  PATH: process.env.PATH,
  AWS_PROFILE: profile,
  AWS_CONFIG_FILE: config,
  AWS_SHARED_CREDENTIALS_FILE: credentials,
});

describe("why a named profile gives no credentials", () => {
  it("names a profile that is in neither shared file, and both files", () => {
    expect(profileProblem(env("prodd"))).toBe(
      `AWS_PROFILE names the profile "prodd", which is in neither ${config} nor ${credentials}. Check its spelling ` +
        `("aws configure list-profiles" lists them), or unset AWS_PROFILE`,
    );
  });

  it("shows a failing credential_process's own error instead of the SDK's 'any providers'", () => {
    expect(profileProblem(env("sso-expired"))).toBe(
      'the credential_process of profile "sso-expired" (sh -c "echo the SSO session has expired, run aws sso login >&2; exit 3") ' +
        "failed (exit 3): the SSO session has expired, run aws sso login",
    );
    expect(profileProblem(env("garbled"))).toMatch(
      /^the credential_process of profile "garbled" \(echo not-json\) did not print the JSON/,
    );
  });

  it("finds nothing wrong with a profile that exists and works, or when no profile is named", () => {
    expect(profileProblem(env("fine"))).toBeUndefined();
    expect(profileProblem(env("keys-only"))).toBeUndefined();
    expect(profileProblem(env("default"))).toBeUndefined();
    expect(profileProblem({ AWS_CONFIG_FILE: config })).toBeUndefined();
  });

  it("is what the script says when the SDK reports a missing region or no credentials", () => {
    const saved = { ...process.env };
    Object.assign(process.env, env("prodd"));
    try {
      for (const sdkError of [
        { name: "Error", message: "Region is missing" },
        { name: "CredentialsProviderError", message: "Could not load credentials from any providers" },
      ]) {
        expect(
          explainAwsError(sdkError, { operation: "ListOrganizationsFeatures", permission: "iam:ListOrganizationsFeatures" }),
        ).toBe(
          `ListOrganizationsFeatures failed: AWS_PROFILE names the profile "prodd", which is in neither ${config} nor ` +
            `${credentials}. Check its spelling ("aws configure list-profiles" lists them), or unset AWS_PROFILE.`,
        );
      }
    } finally {
      process.env = saved;
    }
  });
});
