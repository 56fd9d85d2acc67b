import { DescribeOrganizationCommand, ListAccountsCommand, OrganizationsServiceException } from "@aws-sdk/client-organizations";
import { AssumeRoleCommand } from "@aws-sdk/client-sts";
import { ORGANIZATION_ID, iam, organizations, runScript, sts } from "./harness";

const MANAGEMENT = "111111111111";

function organizationsError(code: string): OrganizationsServiceException {
  return new OrganizationsServiceException({ name: code, $fault: "client", $metadata: { httpStatusCode: 400 }, message: code });
}

/** Organizations answers for an organization with these accounts besides the management account. */
function organizationWith(...members: string[]) {
  organizations
    .on(DescribeOrganizationCommand)
    .resolves({ Organization: { Id: ORGANIZATION_ID, MasterAccountId: MANAGEMENT, FeatureSet: "ALL" } });
  organizations.on(ListAccountsCommand).resolves({ Accounts: [MANAGEMENT, ...members].map((Id) => ({ Id })) });
}

const DELETE = { ROOT_ACCESS_DELETE_ORGANIZATION: "true" };

describe("check-deletable", () => {
  it("passes, without a write, when only the management account is left", async () => {
    // GIVEN an organization to be deleted with no member account
    organizationWith();
    // WHEN destroy checks it
    const run = await runScript(["check-deletable"], DELETE);
    // THEN it may go on, and nothing was sent to IAM
    expect(run.code).toBe(0);
    expect(run.result).toEqual({
      action: "check-deletable",
      organizationId: ORGANIZATION_ID,
      memberAccounts: [],
      deletable: true,
    });
    expect(iam.calls()).toHaveLength(0);
    expect(organizations.commandCalls(ListAccountsCommand)).toHaveLength(1);
  });

  it("refuses, naming the organization and its members, when AWS would refuse DeleteOrganization", async () => {
    // GIVEN two member accounts still in the organization
    organizationWith("222222222222", "333333333333");
    // WHEN destroy checks it
    const run = await runScript(["check-deletable"], DELETE);
    // THEN it fails in one paragraph that says nothing was changed and what to do
    expect(run.code).toBe(1);
    expect(run.stdout).toEqual([]);
    expect(run.stderr).toBe(
      `root-access: error: Refusing to destroy: organization ${ORGANIZATION_ID} still has 2 member accounts ` +
        "(222222222222, 333333333333), and AWS refuses to delete an organization with member accounts " +
        "(OrganizationNotEmptyException). Nothing was disabled or deleted. Remove the member accounts from the " +
        "organization (or close them: closed accounts leave it after 90 days), then destroy again; or, to keep the " +
        "organization, set allowOrganizationDestroy to false.",
    );
  });

  it("reads every page of accounts and shortens a long list", async () => {
    organizations
      .on(DescribeOrganizationCommand)
      .resolves({ Organization: { Id: ORGANIZATION_ID, MasterAccountId: MANAGEMENT } });
    const ids = Array.from({ length: 7 }, (_, i) => String(200000000000 + i));
    organizations
      .on(ListAccountsCommand, { NextToken: undefined })
      .resolves({ Accounts: [{ Id: MANAGEMENT }], NextToken: "page-2" })
      .on(ListAccountsCommand, { NextToken: "page-2" })
      .resolves({ Accounts: ids.map((Id) => ({ Id })) });
    const run = await runScript(["check-deletable"], DELETE);
    expect(run.code).toBe(1);
    expect(organizations.commandCalls(ListAccountsCommand)).toHaveLength(2);
    expect(run.stderr).toContain(
      "still has 7 member accounts (200000000000, 200000000001, 200000000002, 200000000003, 200000000004, and 2 more)",
    );
  });

  it.each([undefined, "false", ""])(
    "reads nothing when the organization is kept (ROOT_ACCESS_DELETE_ORGANIZATION=%p)",
    async (value) => {
      organizationWith("222222222222");
      const run = await runScript(["check-deletable"], value === undefined ? {} : { ROOT_ACCESS_DELETE_ORGANIZATION: value });
      expect(run.code).toBe(0);
      expect(organizations.calls()).toHaveLength(0);
      expect(run.stderr).toBe("root-access: the organization is kept (allowOrganizationDestroy is not set): nothing to check");
    },
  );

  it("passes when the credentials' account is in no organization any more: nothing is left to delete", async () => {
    organizations.on(DescribeOrganizationCommand).rejects(organizationsError("AWSOrganizationsNotInUseException"));
    const run = await runScript(["check-deletable"], DELETE);
    expect(run.code).toBe(0);
    expect(run.result).toMatchObject({ organizationId: null, deletable: true });
  });

  it("refuses when the credentials belong to another organization than the stack's", async () => {
    organizations.on(DescribeOrganizationCommand).resolves({ Organization: { Id: "o-zzzzzzzzzz", MasterAccountId: MANAGEMENT } });
    const run = await runScript(["check-deletable"], DELETE);
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(
      /^root-access: error: Wrong organization: Organizations reports organization o-zzzzzzzzzz .* manages o-a1b2c3d4e5\./,
    );
    expect(organizations.commandCalls(ListAccountsCommand)).toHaveLength(0);
  });

  it("names the two permissions it needs when access is denied", async () => {
    organizations.on(DescribeOrganizationCommand).rejects(organizationsError("AccessDeniedException"));
    const run = await runScript(["check-deletable"], {
      ...DELETE,
      ROOT_ACCESS_ROLE_ARN: "arn:aws:iam::111111111111:role/Deployer",
    });
    sts.on(AssumeRoleCommand).resolves({});
    expect(run.code).toBe(1);
    expect(run.stderr).toContain(
      "organizations:DescribeOrganization and organizations:ListAccounts in the policy of arn:aws:iam::111111111111:role/Deployer",
    );
    expect(run.stderr).not.toMatch(/\n\s+at /);
  });

  it("takes no feature", async () => {
    const run = await runScript(["check-deletable", "RootSessions"], DELETE);
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(
      /^root-access: error: Invalid command line: check-deletable takes no feature, got "RootSessions"\./,
    );
  });
});
