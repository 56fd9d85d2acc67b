import { ListUsersCommand } from "@aws-sdk/client-iam";
import {
  CreateAccountCommand,
  CreateOrganizationCommand,
  DescribeAccountCommand,
  ListAccountsCommand,
  OrganizationsClient,
  RemoveAccountFromOrganizationCommand,
} from "@aws-sdk/client-organizations";
import { AssumeRoleCommand, STSClient } from "@aws-sdk/client-sts";
import { Emulator } from "../../../tools/emulator/emulator";
import { clientConfig } from "../../../tools/emulator/organization-state";
import { iamAs } from "../../support/aws";

let emulator: Emulator;
let management: NodeJS.ProcessEnv;
let organizations: OrganizationsClient;

beforeAll(async () => {
  emulator = await Emulator.start();
  management = emulator.environment();
  organizations = new OrganizationsClient(clientConfig(management));
});
afterAll(() => emulator?.stop());
beforeEach(() => emulator.reset());

async function organizationWith(members: number): Promise<string[]> {
  await organizations.send(new CreateOrganizationCommand({ FeatureSet: "ALL" }));
  const ids: string[] = [];
  for (let index = 0; index < members; index++) {
    const { CreateAccountStatus } = await organizations.send(
      new CreateAccountCommand({ AccountName: `member-${index}`, Email: `member-${index}@example.com` }),
    );
    ids.push(CreateAccountStatus!.AccountId!);
  }
  return ids;
}

/** Every page of ListAccounts, as the ids on each. */
async function pages(): Promise<string[][]> {
  const found: string[][] = [];
  let token: string | undefined;
  do {
    const page = await organizations.send(new ListAccountsCommand({ NextToken: token }));
    found.push(page.Accounts!.map((account) => account.Id!));
    token = page.NextToken;
  } while (token);
  return found;
}

describe("an organization's accounts, looked up by id and listed a page at a time", () => {
  it("lists every account once, in the order they joined, at most 20 to a page as AWS does", async () => {
    // GIVEN an organization with 45 member accounts
    const members = await organizationWith(45);
    // WHEN ListAccounts is paged through
    const listed = await pages();
    // THEN the management account and the 45 members come in the order they joined, on pages of 20, 20 and 6
    expect(listed.map((page) => page.length)).toEqual([20, 20, 6]);
    expect(listed.flat().slice(1)).toEqual(members);
    // AND a page larger than AWS's maximum is refused, not served
    await expect(organizations.send(new ListAccountsCommand({ MaxResults: 21 }))).rejects.toMatchObject({
      name: "InvalidInputException",
    });
  });

  it("continues a listing after an account on an earlier page left, and refuses a token it never gave", async () => {
    // GIVEN a listing stopped after its first page
    const members = await organizationWith(30);
    const first = await organizations.send(new ListAccountsCommand({}));
    // WHEN an account of that page leaves the organization, and the listing goes on
    await organizations.send(new RemoveAccountFromOrganizationCommand({ AccountId: members[3] }));
    const rest = await organizations.send(new ListAccountsCommand({ NextToken: first.NextToken }));
    // THEN no account is skipped or listed twice
    expect(rest.Accounts!.map((account) => account.Id)).toEqual(members.slice(19));
    await expect(organizations.send(new DescribeAccountCommand({ AccountId: members[3] }))).rejects.toMatchObject({
      name: "AccountNotFoundException",
    });
    await expect(organizations.send(new ListAccountsCommand({ NextToken: "not-a-token" }))).rejects.toThrow();
  });

  it("describes an account by id", async () => {
    const members = await organizationWith(3);
    const { Account } = await organizations.send(new DescribeAccountCommand({ AccountId: members[2] }));
    expect(Account).toMatchObject({ Id: members[2], Name: "member-2", Status: "ACTIVE" });
  });
});

describe("assumed roles' credentials with a shortened lifetime (the roleSessionSeconds knob)", () => {
  it("say when they expire, work until then, and get ExpiredToken after", async () => {
    // GIVEN role credentials that last one second
    await emulator.configure({ roleSessionSeconds: 1 });
    const issuedAt = Date.now();
    const { Credentials } = await new STSClient(clientConfig(management)).send(
      new AssumeRoleCommand({ RoleArn: "arn:aws:iam::123456789012:role/Deployer", RoleSessionName: "org-root-access" }),
    );
    const expiresIn = Credentials!.Expiration!.getTime() - issuedAt;
    expect(expiresIn).toBeGreaterThan(-1000); // the reply's time has whole seconds
    expect(expiresIn).toBeLessThanOrEqual(2000);
    const asRole = {
      ...management,
      AWS_ACCESS_KEY_ID: Credentials!.AccessKeyId,
      AWS_SECRET_ACCESS_KEY: Credentials!.SecretAccessKey,
      AWS_SESSION_TOKEN: Credentials!.SessionToken,
    };
    // WHEN they sign a call at once, and another after they expired
    await expect(iamAs(asRole, 1).send(new ListUsersCommand({}))).resolves.toBeDefined();
    await new Promise((resolve) => setTimeout(resolve, 1100));
    // THEN the first works and the second is refused as AWS refuses expired credentials
    await expect(iamAs(asRole, 1).send(new ListUsersCommand({}))).rejects.toMatchObject({ name: "ExpiredToken" });
    // AND the management account's own credentials are not affected
    await expect(iamAs(management, 1).send(new ListUsersCommand({}))).resolves.toBeDefined();
  });

  it("refuses a lifetime that is not a positive number of seconds", async () => {
    await expect(emulator.configure({ roleSessionSeconds: 0 })).rejects.toThrow("roleSessionSeconds");
  });
});
