import * as path from "node:path";
import { OrganizationsOrganization } from "@cdktf/provider-aws/lib/organizations-organization";
import { AwsProvider } from "@cdktf/provider-aws/lib/provider";
import { DataResource, Testing } from "cdktf";
import { ConfigError } from "../../stacks/config/config-errors";
import { parseAppConfig } from "../../stacks/config/load";
import { RootAccessStack } from "../../stacks/root-access-stack";
import { SynthError } from "../../stacks/synth-errors";
import { Json, SCRIPT_BUNDLE, configWith, synth, synthJson } from "../support/stack-synth";

function featureResource(json: Json, id: string): Json {
  return json.resource.terraform_data[id];
}

describe("provider and backend", () => {
  it("configures the AWS provider for us-east-1 with no assumed role by default", () => {
    const json = synthJson();
    expect(json.provider.aws).toEqual([{ region: "us-east-1" }]);
  });

  it("assumes the configured role in the configured region, with the script's session name", () => {
    expect(
      synth({ region: "eu-central-1", assumeRoleArn: "arn:aws:iam::111122223333:role/Deployer" }),
    ).toHaveProviderWithProperties(AwsProvider, {
      region: "eu-central-1",
      assume_role: [{ role_arn: "arn:aws:iam::111122223333:role/Deployer", session_name: "org-root-access" }],
    });
  });

  it("keeps state in S3 with S3-native locking, which cdktf has no field for, set by override", () => {
    const backend = synthJson({ backend: { type: "s3", bucket: "acme-tfstate", region: "eu-west-1", dynamodbTable: "tf-locks" } })
      .terraform.backend;
    expect(backend).toEqual({
      s3: {
        bucket: "acme-tfstate",
        key: "org-root-access/root-access.tfstate",
        region: "eu-west-1",
        encrypt: true,
        dynamodb_table: "tf-locks",
        use_lockfile: true,
      },
    });
    expect(
      synthJson({ backend: { type: "s3", bucket: "acme-tfstate", useLockfile: false } }).terraform.backend.s3,
    ).not.toHaveProperty("use_lockfile");
  });

  it("keeps state in the project root through a path relative to the stack folder", () => {
    // Absolute paths would make cdk.tf.json differ between checkouts; cdktf.out is pruned by synth.
    expect(synthJson({ name: "prod" }).terraform.backend).toEqual({ local: { path: "../../../terraform.prod.tfstate" } });
  });
});

describe("the organization", () => {
  it("adds configured extra trusted services beside IAM", () => {
    const organization = synthJson({ organization: { serviceAccessPrincipals: ["sso.amazonaws.com"] } }).resource
      .aws_organizations_organization.organization;
    expect(organization.aws_service_access_principals).toEqual(["iam.amazonaws.com", "sso.amazonaws.com"]);
  });

  it("creates an organization with all features and trusted access for IAM, protected from destroy", () => {
    const json = synth();
    expect(json).toHaveResourceWithProperties(OrganizationsOrganization, {
      feature_set: "ALL",
      aws_service_access_principals: ["iam.amazonaws.com"],
      lifecycle: { prevent_destroy: true, ignore_changes: ["enabled_policy_types"] },
    });
    expect(Object.keys(JSON.parse(json).resource.aws_organizations_organization)).toEqual(["organization"]);
  });

  it("lets destroy delete it only when allowOrganizationDestroy is true", () => {
    const organization = synthJson({ allowOrganizationDestroy: true }).resource.aws_organizations_organization.organization;
    expect(organization.lifecycle.prevent_destroy).toBe(false);
  });

  it("leaves policy types alone without the guardrail, so a type enabled outside the stack is never disabled", () => {
    const organization = synthJson().resource.aws_organizations_organization.organization;
    expect(organization).not.toHaveProperty("enabled_policy_types");
    expect(organization.lifecycle.ignore_changes).toEqual(["enabled_policy_types"]);
  });
});

describe("adopting an existing organization", () => {
  const adopt = { organization: { mode: "adopt", id: "o-a1b2c3d4e5", serviceAccessPrincipals: ["sso.amazonaws.com"] } };

  it("imports the organization by its id and keeps it from being destroyed", () => {
    const json = synthJson(adopt);
    expect(json.import).toEqual([{ id: "o-a1b2c3d4e5", to: "aws_organizations_organization.organization" }]);
    expect(json.resource.aws_organizations_organization.organization.lifecycle).toEqual({ prevent_destroy: true });
  });

  it("keeps every trusted service and policy type it has now, read at plan time, and adds IAM and the extras", () => {
    expect(synth(adopt)).toHaveResourceWithProperties(OrganizationsOrganization, {
      feature_set: "ALL",
      aws_service_access_principals:
        '${sort(setunion(tolist(data.aws_organizations_organization.current.aws_service_access_principals), ["iam.amazonaws.com", "sso.amazonaws.com"]))}',
      enabled_policy_types: "${tolist(data.aws_organizations_organization.current.enabled_policy_types)}",
    });
  });

  it("fails the plan, before any change, when the credentials' organization is another one or lacks all features", () => {
    const checks = synthJson(adopt).data.aws_organizations_organization.current.lifecycle.postcondition;
    expect(checks.map((check: Json) => check.condition)).toEqual([
      '${self.id == "o-a1b2c3d4e5"}',
      '${self.feature_set == "ALL"}',
    ]);
    expect(checks[0].error_message).toContain(
      "These credentials belong to organization ${self.id}, but organization.id is o-a1b2c3d4e5.",
    );
    expect(checks[1].error_message).toContain("Enabling all features needs the approval of every member account");
  });

  it("points the features at the adopted organization", () => {
    const json = synthJson(adopt);
    expect(featureResource(json, "root-sessions").triggers_replace.organization_id).toBe(
      "${aws_organizations_organization.organization.id}",
    );
    expect(featureResource(json, "root-credentials-management").depends_on).toEqual([
      "aws_organizations_organization.organization",
    ]);
  });
});

describe("an external organization", () => {
  const external = { organization: { mode: "external", id: "o-a1b2c3d4e5" } };

  it("declares no organization resource, only the checked data source", () => {
    const json = synthJson(external);
    expect(json.resource.aws_organizations_organization).toBeUndefined();
    expect(json.import).toBeUndefined();
    expect(Object.keys(json.data.aws_organizations_organization)).toEqual(["current"]);
  });

  it("checks the id, all features and IAM trusted access at plan time, saying what to add in the owning stack", () => {
    const checks = synthJson(external).data.aws_organizations_organization.current.lifecycle.postcondition;
    expect(checks.map((check: Json) => check.condition)).toEqual([
      '${self.id == "o-a1b2c3d4e5"}',
      '${self.feature_set == "ALL"}',
      '${contains(self.aws_service_access_principals, "iam.amazonaws.com")}',
    ]);
    expect(checks[2].error_message).toContain(
      'In the stack that owns aws_organizations_organization, add "iam.amazonaws.com" to aws_service_access_principals (keeping every principal already listed)',
    );
  });

  it("forgets, never deletes, an organization left in state by an earlier create or adopt", () => {
    expect(synthJson(external).removed).toContainEqual({
      from: "aws_organizations_organization.organization",
      lifecycle: { destroy: false },
    });
    expect(synthJson().removed).not.toContainEqual(
      expect.objectContaining({ from: "aws_organizations_organization.organization" }),
    );
  });

  it("makes the features wait for the checks and name the external organization", () => {
    const json = synthJson(external);
    expect(featureResource(json, "root-credentials-management").depends_on).toEqual([
      "data.aws_organizations_organization.current",
    ]);
    expect(featureResource(json, "root-sessions").triggers_replace.organization_id).toBe(
      "${data.aws_organizations_organization.current.id}",
    );
    expect(json.output.organization_id.value).toBe("${data.aws_organizations_organization.current.id}");
  });
});

describe("IAM's delegated administrator", () => {
  it.each(["create", "adopt", "external"])("registers it in %s mode after trusted access and before the features", (mode) => {
    const organization = mode === "create" ? { mode } : { mode, id: "o-a1b2c3d4e5" };
    const json = synthJson({ organization, delegatedAdministratorAccountId: "111122223333" });
    const ready =
      mode === "external" ? "data.aws_organizations_organization.current" : "aws_organizations_organization.organization";
    expect(json.resource.aws_organizations_delegated_administrator.iam).toMatchObject({
      account_id: "111122223333",
      service_principal: "iam.amazonaws.com",
      depends_on: [ready],
    });
    expect(featureResource(json, "root-credentials-management").depends_on).toEqual([
      ready,
      "aws_organizations_delegated_administrator.iam",
    ]);
  });

  it("is not declared unless configured", () => {
    expect(synthJson().resource.aws_organizations_delegated_administrator).toBeUndefined();
  });

  it.each(["adopt", "external"])(
    "in %s mode, is imported when the organization already has it registered, instead of registered again",
    (mode) => {
      // GIVEN an existing organization and a configured delegated administrator
      const json = synthJson({ organization: { mode, id: "o-a1b2c3d4e5" }, delegatedAdministratorAccountId: "111122223333" });
      // THEN the organization's current IAM delegated administrators are read at plan time...
      expect(json.data.aws_organizations_delegated_administrators.iam_registered).toEqual({
        service_principal: "iam.amazonaws.com",
      });
      // ...and an import block takes over the registration only if the account is among them (for_each of 0 or 1)
      expect(json.import).toContainEqual({
        to: "aws_organizations_delegated_administrator.iam",
        for_each:
          '${{ for admin in data.aws_organizations_delegated_administrators.iam_registered.delegated_administrators : admin.id => admin if admin.id == "111122223333" }}',
        id: "${each.key}/iam.amazonaws.com",
      });
      // AND the organization's own import (adopt) is kept beside it
      expect(json.import).toHaveLength(mode === "adopt" ? 2 : 1);
    },
  );

  it("in create mode, neither reads nor imports: a new organization has no delegated administrator yet", () => {
    const json = synthJson({ delegatedAdministratorAccountId: "111122223333" });
    expect(json.data?.aws_organizations_delegated_administrators).toBeUndefined();
    expect(json.import).toBeUndefined();
  });
});

describe("one terraform_data per feature", () => {
  it("declares both features at stable addresses, with count 1 only for the configured ones", () => {
    // GIVEN the default config (RootSessions only)
    const data = synthJson().resource.terraform_data;
    // THEN both blocks exist, so removing a feature later still runs its destroy-time provisioner
    expect(Object.keys(data).sort()).toEqual(["organization-deletion-check", "root-credentials-management", "root-sessions"]);
    expect(data["root-sessions"].count).toBe(1);
    expect(data["root-credentials-management"].count).toBe(0);
  });

  it("counts both when both are configured and neither when the list is empty", () => {
    const both = synthJson({ features: ["RootSessions", "RootCredentialsManagement"] }).resource.terraform_data;
    expect([both["root-credentials-management"].count, both["root-sessions"].count]).toEqual([1, 1]);
    const none = synthJson({ features: [] }).resource.terraform_data;
    expect([none["root-credentials-management"].count, none["root-sessions"].count]).toEqual([0, 0]);
  });

  it("keeps only identity in triggers_replace and settings in input", () => {
    const json = synth({
      assumeRoleArn: "arn:aws:iam::111122223333:role/Deployer",
      region: "eu-west-1",
      serviceAccessWaitSeconds: 30,
    });
    expect(json).toHaveResourceWithProperties(DataResource, {
      triggers_replace: { organization_id: "${aws_organizations_organization.organization.id}", feature: "RootSessions" },
      input: { region: "eu-west-1", assume_role_arn: "arn:aws:iam::111122223333:role/Deployer", service_access_wait_seconds: 30 },
    });
    expect(Object.keys(featureResource(JSON.parse(json), "root-sessions").triggers_replace).sort()).toEqual([
      "feature",
      "organization_id",
    ]);
  });

  it("orders the organization first, then RootCredentialsManagement, then RootSessions", () => {
    const json = synthJson({ features: ["RootSessions", "RootCredentialsManagement"] });
    expect(featureResource(json, "root-credentials-management").depends_on).toEqual([
      "aws_organizations_organization.organization",
    ]);
    expect(featureResource(json, "root-sessions").depends_on).toEqual([
      "aws_organizations_organization.organization",
      "terraform_data.root-credentials-management",
    ]);
  });

  it("runs the bundled script without a shell: enable on create, disable on destroy, reading only self and the stack's name", () => {
    const [create, destroy] = featureResource(synthJson(), "root-sessions").provisioner.map((p: Json) => p["local-exec"]);
    const script = create.interpreter[1];
    expect(script).toMatch(/^assets\/root-access-script\/[0-9A-F]{32}\/root-access\.js$/);
    const environment = {
      ROOT_ACCESS_ORGANIZATION_ID: "${self.triggers_replace.organization_id}",
      ROOT_ACCESS_REGION: "${self.input.region}",
      ROOT_ACCESS_ROLE_ARN: "${self.input.assume_role_arn}",
      ROOT_ACCESS_WAIT_SECONDS: "${self.input.service_access_wait_seconds}",
      ROOT_ACCESS_STACK: "root-access",
    };
    expect(create).toEqual({ interpreter: ["node", script, "enable"], command: "RootSessions", environment });
    expect(destroy).toEqual({ interpreter: ["node", script, "disable"], command: "RootSessions", environment, when: "destroy" });
  });
});

describe("the native implementation", () => {
  it("uses aws_iam_organizations_features instead of the script, after the organization and delegated administrator", () => {
    const json = synthJson({
      implementation: "native",
      features: ["RootSessions", "RootCredentialsManagement"],
      delegatedAdministratorAccountId: "111122223333",
    });
    expect(Object.keys(json.resource.terraform_data)).toEqual(["organization-deletion-check"]);
    expect(json.resource.aws_iam_organizations_features.features).toMatchObject({
      count: 1,
      enabled_features: ["RootCredentialsManagement", "RootSessions"],
      depends_on: ["aws_organizations_organization.organization", "aws_organizations_delegated_administrator.iam"],
    });
    expect(json.output.root_access_features.value).toBe(
      "${try(sort(aws_iam_organizations_features.features[0].enabled_features), [])}",
    );
  });

  it("keeps the block with count 0 when no feature is wanted, so removing the last one disables it", () => {
    expect(synthJson({ implementation: "native", features: [] }).resource.aws_iam_organizations_features.features.count).toBe(0);
  });

  it("forgets the other implementation's resources instead of destroying them, in both directions", () => {
    const forgotten = (fields: Record<string, unknown>) => synthJson(fields).removed.map((block: Json) => block.from);
    expect(forgotten({ implementation: "native" })).toEqual([
      "terraform_data.root-credentials-management",
      "terraform_data.root-sessions",
    ]);
    expect(forgotten({})).toEqual(["aws_iam_organizations_features.features"]);
    expect(synthJson().removed[0].lifecycle).toEqual({ destroy: false });
  });
});

describe("a destroy that AWS would refuse", () => {
  const check = (json: Json) => json.resource.terraform_data["organization-deletion-check"];

  it("checks, before anything else is destroyed, whether the organization can be deleted", () => {
    // GIVEN a created organization with a delegated administrator and both features
    const json = synthJson({ delegatedAdministratorAccountId: "111122223333", allowOrganizationDestroy: true });
    // THEN the check depends on everything, so a destroy removes it first and its failure stops the rest
    expect(check(json)).toMatchObject({
      count: 1,
      depends_on: [
        "aws_organizations_organization.organization",
        "aws_organizations_delegated_administrator.iam",
        "terraform_data.root-credentials-management",
        "terraform_data.root-sessions",
      ],
      triggers_replace: { organization_id: "${aws_organizations_organization.organization.id}" },
    });
  });

  it("also runs before the native resource disables the features", () => {
    const json = synthJson({ implementation: "native", allowOrganizationDestroy: true });
    expect(check(json).depends_on).toEqual([
      "aws_organizations_organization.organization",
      "aws_iam_organizations_features.features",
    ]);
  });

  it.each([
    [true, "true"],
    [false, "false"],
  ])(
    "runs check-deletable at destroy with allowOrganizationDestroy %s from the configuration, not from state",
    (allow, expected) => {
      const json = synthJson({ allowOrganizationDestroy: allow, assumeRoleArn: "arn:aws:iam::111122223333:role/Deployer" });
      const [provisioner] = check(json).provisioner.map((p: Json) => p["local-exec"]);
      expect(provisioner).toEqual({
        when: "destroy",
        interpreter: ["node", expect.stringMatching(/^assets\/root-access-script\/[0-9A-F]{32}\/root-access\.js$/)],
        command: "check-deletable",
        environment: {
          ROOT_ACCESS_ORGANIZATION_ID: "${self.triggers_replace.organization_id}",
          ROOT_ACCESS_REGION: "${self.input.region}",
          ROOT_ACCESS_ROLE_ARN: "${self.input.assume_role_arn}",
          ROOT_ACCESS_DELETE_ORGANIZATION: expected,
          ROOT_ACCESS_STACK: "root-access",
        },
      });
      expect(check(json).input).toEqual({ region: "us-east-1", assume_role_arn: "arn:aws:iam::111122223333:role/Deployer" });
    },
  );

  it.each(["adopt", "external"])("has count 0 in %s mode: this stack never deletes an organization it did not create", (mode) => {
    const json = synthJson({ organization: { mode, id: "o-a1b2c3d4e5" } });
    expect(check(json).count).toBe(0);
    expect(check(json).provisioner[0]["local-exec"].environment.ROOT_ACCESS_DELETE_ORGANIZATION).toBe("false");
  });
});

describe("removing member accounts' root credentials", () => {
  const FEATURES = { features: ["RootCredentialsManagement", "RootSessions"] };
  const removal = (json: Json) => json.resource.terraform_data["root-credentials"];

  it("is not declared unless configured", () => {
    expect(removal(synthJson(FEATURES))).toBeUndefined();
  });

  it("names the selected active member accounts in its identity, read from the organization on every plan", () => {
    // GIVEN every member account but one
    const json = synthJson({ ...FEATURES, rootCredentials: { remove: "all", keep: ["444455556666"] } });
    // THEN the identity is the sorted list the selection gives, so a new account replaces it and the plan names it
    expect(removal(json).triggers_replace).toEqual({
      organization_id: "${aws_organizations_organization.organization.id}",
      accounts:
        '${sort([for account in aws_organizations_organization.organization.non_master_accounts : account.id if account.status == "ACTIVE" && !contains(["444455556666"], account.id)])}',
    });
    // AND it runs after RootCredentialsManagement is enabled, and before the deletion check on destroy
    expect(removal(json).depends_on).toEqual([
      "aws_organizations_organization.organization",
      "terraform_data.root-credentials-management",
      "terraform_data.root-sessions",
    ]);
    expect(json.resource.terraform_data["organization-deletion-check"].depends_on).toContain("terraform_data.root-credentials");
  });

  it("runs remove-root-credentials without a shell on create, and nothing on destroy: removal is never undone", () => {
    const json = synthJson({
      ...FEATURES,
      rootCredentials: { remove: "all" },
      assumeRoleArn: "arn:aws:iam::111122223333:role/Deployer",
    });
    expect(removal(json).provisioner).toEqual([
      {
        "local-exec": {
          interpreter: ["node", expect.stringMatching(/^assets\/root-access-script\/[0-9A-F]{32}\/root-access\.js$/)],
          command: "remove-root-credentials",
          environment: {
            ROOT_ACCESS_ACCOUNTS: '${join(",", self.triggers_replace.accounts)}',
            ROOT_ACCESS_REGION: "${self.input.region}",
            ROOT_ACCESS_ROLE_ARN: "${self.input.assume_role_arn}",
            ROOT_ACCESS_STACK: "root-access",
            // the program resumes from it when an apply was killed
            ROOT_ACCESS_JOURNAL: ".root-credentials-removal.journal",
          },
        },
      },
    ]);
    expect(removal(json).input).toEqual({
      region: "us-east-1",
      assume_role_arn: "arn:aws:iam::111122223333:role/Deployer",
      kept: "",
    });
  });

  it("fails the plan when a listed account is not an active member, naming it", () => {
    const json = synthJson({ ...FEATURES, rootCredentials: { remove: ["222222222222"] } });
    const [precondition] = removal(json).lifecycle.precondition;
    expect(precondition.condition).toBe(
      '${length(setsubtract(["222222222222"], [for account in aws_organizations_organization.organization.non_master_accounts : account.id if account.status == "ACTIVE"])) == 0}',
    );
    expect(precondition.error_message).toMatch(/^rootCredentials\.remove lists accounts that are not active member accounts/);
    expect(removal(json).triggers_replace.accounts).toContain('contains(["222222222222"], account.id)');
  });

  it("fails the plan when a kept account is not a member, naming it, and carries the kept accounts for the plan summary", () => {
    // GIVEN a keep list (a mistyped id in it would keep nothing, and the account meant would lose its credentials)
    const json = synthJson({ ...FEATURES, rootCredentials: { remove: "all", keep: ["744750453445", "111122223333"] } });
    // THEN the plan checks every kept id against the organization's members, of any status
    const [precondition] = removal(json).lifecycle.precondition;
    expect(precondition.condition).toBe(
      '${length(setsubtract(["744750453445","111122223333"], [for account in aws_organizations_organization.organization.non_master_accounts : account.id])) == 0}',
    );
    expect(precondition.error_message).toBe(
      'rootCredentials.keep lists accounts that are not member accounts of the organization: ${join(", ", sort(setsubtract(["744750453445","111122223333"], [for account in aws_organizations_organization.organization.non_master_accounts : account.id])))}. ' +
        "A mistyped id keeps nothing, and the account meant to be kept would lose its root credentials. Nothing was removed. " +
        "Correct the id (the member accounts: npm run root-credentials -- audit), or take it out of keep.",
    );
    // AND the kept accounts travel in the plan, sorted, for its summary
    expect(removal(json).input.kept).toBe("111122223333,744750453445");
  });

  it("reads an external organization's members from the checked data source, and works with the native features", () => {
    const json = synthJson({
      ...FEATURES,
      implementation: "native",
      organization: { mode: "external", id: "o-a1b2c3d4e5" },
      rootCredentials: { remove: "all" },
    });
    expect(removal(json).triggers_replace.accounts).toContain("data.aws_organizations_organization.current.non_master_accounts");
    expect(removal(json).depends_on).toEqual([
      "data.aws_organizations_organization.current",
      "aws_iam_organizations_features.features",
    ]);
  });
});

describe("several organizations", () => {
  it("gives every stack its own provider, region, role and state object", () => {
    const app = Testing.app();
    const config = parseAppConfig(
      {
        stacks: [
          {
            name: "prod",
            region: "eu-west-1",
            assumeRoleArn: "arn:aws:iam::111111111111:role/Deployer",
            backend: { type: "s3", bucket: "acme-tfstate" },
          },
          {
            name: "sandbox",
            assumeRoleArn: "arn:aws:iam::222222222222:role/Deployer",
            backend: { type: "s3", bucket: "acme-tfstate" },
          },
        ],
      },
      "test",
    );
    const [prod, sandbox] = config.stacks.map((stack) =>
      JSON.parse(Testing.synth(new RootAccessStack(app, stack.name, { config: stack, scriptBundle: SCRIPT_BUNDLE }))),
    );
    expect(prod.provider.aws[0]).toMatchObject({
      region: "eu-west-1",
      assume_role: [{ role_arn: "arn:aws:iam::111111111111:role/Deployer" }],
    });
    expect(sandbox.provider.aws[0]).toMatchObject({
      region: "us-east-1",
      assume_role: [{ role_arn: "arn:aws:iam::222222222222:role/Deployer" }],
    });
    expect([prod.terraform.backend.s3.key, sandbox.terraform.backend.s3.key]).toEqual([
      "org-root-access/prod.tfstate",
      "org-root-access/sandbox.tfstate",
    ]);
  });
});

describe("outputs", () => {
  it("outputs the organization id and the features read back from state", () => {
    expect(synthJson().output).toEqual({
      organization_id: {
        description: "The organization whose root access this stack manages",
        value: "${aws_organizations_organization.organization.id}",
      },
      root_access_features: {
        description: "IAM centralized root access features enabled by this stack",
        value:
          "${concat(terraform_data.root-credentials-management[*].triggers_replace.feature, terraform_data.root-sessions[*].triggers_replace.feature)}",
      },
    });
  });
});

describe("nothing from the config reaches a command line", () => {
  const payload = `x"; touch /tmp/pwned; echo $(id) \`id\` | cat > /dev/null & '`;
  const fields: [string, Record<string, unknown>][] = [
    ["name", { name: payload }],
    ["organization.mode", { organization: { mode: payload } }],
    ["organization.id", { organization: { mode: "adopt", id: payload } }],
    ["features[0]", { features: [payload] }],
    ["implementation", { implementation: payload }],
    ["delegatedAdministratorAccountId", { delegatedAdministratorAccountId: payload }],
    ["assumeRoleArn", { assumeRoleArn: `arn:aws:iam::111122223333:role/${payload}` }],
    ["region", { region: payload }],
    ["backend.type", { backend: { type: payload } }],
  ];

  it.each(fields)("rejects shell metacharacters in %s before synth", (_field, fields) => {
    expect(() => configWith(fields)).toThrow(ConfigError);
  });

  it("puts no config value into command or interpreter, even the most unusual ones IAM allows", () => {
    // GIVEN every string field at an unusual but valid value
    const config = {
      name: "Org_prod-1",
      region: "us-gov-west-1",
      assumeRoleArn: "arn:aws-us-gov:iam::111122223333:role/a/b+c=d,e.f@g_h-i",
    };
    // WHEN synthesized THEN every command line is node, the script, a verb and a bare feature name
    const json = synthJson({
      ...config,
      features: ["RootCredentialsManagement", "RootSessions"],
      allowOrganizationDestroy: true,
    });
    const runs = Object.values(json.resource.terraform_data as Json).flatMap((r: Json) =>
      r.provisioner.map((p: Json) => p["local-exec"]),
    );
    expect(runs).toHaveLength(5);
    for (const run of runs) {
      expect([...run.interpreter, run.command]).toEqual([
        "node",
        expect.stringMatching(/^assets\/root-access-script\/\w+\/root-access\.js$/),
        ...(run.command === "check-deletable"
          ? ["check-deletable"]
          : [expect.stringMatching(/^(enable|disable)$/), expect.stringMatching(/^(RootCredentialsManagement|RootSessions)$/)]),
      ]);
      const { ROOT_ACCESS_STACK: stackName, ROOT_ACCESS_DELETE_ORGANIZATION: deleteOrganization, ...fromSelf } = run.environment;
      expect(stackName).toBe("Org_prod-1");
      expect([undefined, "true"]).toContain(deleteOrganization);
      expect(Object.values(fromSelf).every((v) => typeof v === "string" && /^\$\{self\.[a-z_.]+\}$/.test(v))).toBe(true);
    }
  });
});

describe("the script bundle", () => {
  it("fails with a message saying how to build it when the bundle does not exist", () => {
    // GIVEN a bundle path where nothing was built
    const missing = path.join(__dirname, "no-such-bundle", "root-access.js");
    // WHEN the stack is built THEN it fails before synth with an error meant for people, not a stack trace
    const build = () => new RootAccessStack(Testing.app(), "root-access", { config: configWith(), scriptBundle: missing });
    expect(build).toThrow(SynthError);
    expect(build).toThrow(`The root-access script bundle ${missing} does not exist. Build it with "npm run build"`);
  });
});
