import { FeatureType, IAMClient, IAMServiceException } from "@aws-sdk/client-iam";
import { OrganizationsClient } from "@aws-sdk/client-organizations";
import { STSClient } from "@aws-sdk/client-sts";
import { mockClient } from "aws-sdk-client-mock";
import { execute } from "../../../scripts/root-access/command";

/** Every IAMClient, OrganizationsClient and STSClient the script creates answers from these mocks. */
export const iam = mockClient(IAMClient);
export const organizations = mockClient(OrganizationsClient);
export const sts = mockClient(STSClient);

/** The organization the stack manages in these tests. */
export const ORGANIZATION_ID = "o-a1b2c3d4e5";

/** A ListOrganizationsFeatures answer for ORGANIZATION_ID. */
export function listed(...enabled: FeatureType[]) {
  return { OrganizationId: ORGANIZATION_ID, EnabledFeatures: enabled };
}

/** An IAM error as the SDK raises it; `code` is the wire code (with or without the Exception suffix). */
export function iamError(code: string, message = `${code} from IAM`): IAMServiceException {
  return new IAMServiceException({ name: code, $fault: "client", $metadata: { httpStatusCode: 400 }, message });
}

/** Runs the CLI as terraform does (the stack's environment), capturing what it prints. */
export async function runScript(argv: string[], env: Record<string, string> = {}) {
  const stdout: string[] = [];
  const stderr: string[] = [];
  const code = await execute({
    argv,
    env: { ROOT_ACCESS_REGION: "us-east-1", ROOT_ACCESS_ORGANIZATION_ID: ORGANIZATION_ID, ...env },
    io: { stdout: (line) => stdout.push(line), stderr: (line) => stderr.push(line) },
  });
  return {
    code,
    stdout,
    stderr: stderr.join("\n"),
    result: stdout.length === 1 && stdout[0].startsWith("{") ? JSON.parse(stdout[0]) : undefined,
  };
}

/** The IAM operations sent so far, in order. */
export function sentToIam(): string[] {
  return iam.calls().map((call) => (call.args[0] as object).constructor.name.replace(/Command$/, ""));
}

beforeEach(() => {
  iam.reset();
  organizations.reset();
  sts.reset();
});
