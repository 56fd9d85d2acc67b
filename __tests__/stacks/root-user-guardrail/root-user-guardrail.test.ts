import { rootUserGuardrailDocument } from "../../../scripts/shared/root-user-guardrail-policy";
import { ConfigError } from "../../../stacks/config/config-errors";
import { projectDocuments } from "../../support/documents";
import { Json, synthJson } from "../../support/stack-synth";

const ADOPT = { organization: { mode: "adopt", id: "o-a1b2c3d4e5" } };
const EXTERNAL = { organization: { mode: "external", id: "o-a1b2c3d4e5" } };
const MODES = { create: {}, adopt: ADOPT, external: EXTERNAL } as const;
const IMPLEMENTATIONS = ["script", "native"] as const;

function guardrailOf(json: Json): { policy: Json; attachments: Json } {
  return {
    policy: json.resource.aws_organizations_policy?.["root-user-guardrail"],
    attachments: json.resource.aws_organizations_policy_attachment?.["root-user-guardrail"],
  };
}

describe("the root-user guardrail", () => {
  describe.each(Object.entries(MODES))("in %s mode", (mode, organization) => {
    it.each(IMPLEMENTATIONS)(
      "creates the SCP with AWS's exemption for central sessions (%s implementation)",
      (implementation) => {
        // GIVEN the guardrail with its default targets
        const json = synthJson({ ...organization, implementation, rootUserGuardrail: {} });

        // THEN one SCP, named for this project, holds exactly the documented policy
        const { policy, attachments } = guardrailOf(json);
        expect(policy.name).toBe("org-root-access-deny-root-user");
        expect(policy.type).toBe("SERVICE_CONTROL_POLICY");
        expect(JSON.parse(policy.content)).toEqual(rootUserGuardrailDocument("aws"));
        expect(rootUserGuardrailDocument("aws").Statement[0].Condition).toEqual({
          ArnLike: { "aws:PrincipalArn": ["arn:aws:iam::*:root"] },
          Null: { "aws:AssumedRoot": "true" },
        });

        // AND it is attached to the organization root, read at plan time from the organization as it is (the
        // resource's computed attributes are unknown while adopting changes it); the SCP waits for the organization
        // this mode works on
        const source =
          mode === "external" ? "data.aws_organizations_organization.current" : "aws_organizations_organization.organization";
        // (create mode has no organization to read before it exists: the resource's own attributes)
        const read = mode === "create" ? source : "data.aws_organizations_organization.current";
        expect(attachments.for_each).toEqual({ root: `\${${read}.roots[0].id}` });
        expect(attachments.target_id).toBe("${each.value}");
        expect(attachments.policy_id).toBe("${aws_organizations_policy.root-user-guardrail.id}");
        expect(policy.depends_on).toEqual([source]);

        // AND the plan fails before attaching it to the management account, which no SCP applies to
        const [check] = attachments.lifecycle.precondition;
        expect(check.condition).toBe(`\${each.value != ${read}.master_account_id}`);
        expect(check.error_message).toContain("service control policies never apply to the management account");

        // AND a destroy checks whether the organization may be deleted before it detaches anything
        expect(json.resource.terraform_data["organization-deletion-check"].depends_on).toEqual(
          expect.arrayContaining([
            "aws_organizations_policy.root-user-guardrail",
            "aws_organizations_policy_attachment.root-user-guardrail",
          ]),
        );
      },
    );
  });

  it("attaches to the OUs and accounts listed, keyed as written so addresses are known before the organization", () => {
    const json = synthJson({ rootUserGuardrail: { targets: ["ou-ab12-cd34ef56", "111122223333"] } });
    expect(guardrailOf(json).attachments.for_each).toEqual({
      "ou-ab12-cd34ef56": "ou-ab12-cd34ef56",
      "111122223333": "111122223333",
    });
  });

  it("fails the plan, naming it, for a target that is neither an OU of the organization nor a member account", () => {
    // GIVEN an adopted organization and targets of both kinds
    const json = synthJson({ ...ADOPT, rootUserGuardrail: { targets: ["ou-ab12-cd34ef56", "111122223333"] } });
    // THEN the OUs below the root are read, at any depth, from the organization being adopted
    const units =
      json.data.aws_organizations_organizational_unit_descendant_organizational_units["root-user-guardrail_units_A8B4F5D6"];
    expect(
      units?.parent_id ??
        Object.values(json.data.aws_organizations_organizational_unit_descendant_organizational_units as Json)[0].parent_id,
    ).toBe("${data.aws_organizations_organization.current.roots[0].id}");
    // AND each attachment checks its target against them and the member accounts before it is made
    const check = guardrailOf(json).attachments.lifecycle.precondition[1];
    expect(check.condition).toContain('each.key == "root" || contains(concat(');
    expect(check.condition).toContain(
      "[for account in data.aws_organizations_organization.current.non_master_accounts : account.id]",
    );
    expect(check.condition).toMatch(
      /\[for unit in data\.aws_organizations_organizational_unit_descendant_organizational_units\.[\w-]+\.children : unit\.id\]/,
    );
    expect(check.error_message).toBe(
      "rootUserGuardrail.targets lists ${each.value}, which is neither an OU nor a member account of the organization: " +
        "the guardrail cannot be attached there. Correct the id in the configuration, or create the OU (or move the " +
        "account into the organization) first. Nothing was attached.",
    );
  });

  it("reads no OUs and checks no target when the guardrail is attached to the root only", () => {
    const json = synthJson({ ...ADOPT, rootUserGuardrail: {} });
    expect(json.data?.aws_organizations_organizational_unit_descendant_organizational_units).toBeUndefined();
    expect(guardrailOf(json).attachments.lifecycle.precondition).toHaveLength(1);
  });

  it("is documented exactly as the stack writes it, wherever the documents show it", () => {
    const blocks = projectDocuments().flatMap(({ text }) => [...text.matchAll(/The exact document:\n```json\n([\s\S]*?)\n```/g)]);
    expect(blocks.length).toBeGreaterThan(0);
    for (const block of blocks) expect(JSON.parse(block[1])).toEqual(rootUserGuardrailDocument("aws"));
  });

  it("is absent without the setting", () => {
    expect(guardrailOf(synthJson())).toEqual({ policy: undefined, attachments: undefined });
  });

  describe("the SERVICE_CONTROL_POLICY policy type", () => {
    it("is enabled in a created organization, which then manages its policy types", () => {
      const organization = synthJson({ rootUserGuardrail: {} }).resource.aws_organizations_organization.organization;
      expect(organization.enabled_policy_types).toEqual(["SERVICE_CONTROL_POLICY"]);
      expect(organization.lifecycle).toEqual({ prevent_destroy: true });
    });

    it("is added to the types an adopted organization has now, read at plan time, removing none", () => {
      const organization = synthJson({ ...ADOPT, rootUserGuardrail: {} }).resource.aws_organizations_organization.organization;
      expect(organization.enabled_policy_types).toBe(
        '${sort(setunion(tolist(data.aws_organizations_organization.current.enabled_policy_types), ["SERVICE_CONTROL_POLICY"]))}',
      );
    });

    it("is checked at plan time in an external organization, saying what to add in the owning stack", () => {
      const checks = synthJson({ ...EXTERNAL, rootUserGuardrail: {} }).data.aws_organizations_organization.current.lifecycle
        .postcondition;
      const scp = checks.find((check: Json) => check.condition.includes("enabled_policy_types"));
      expect(scp.condition).toBe('${contains(self.enabled_policy_types, "SERVICE_CONTROL_POLICY")}');
      expect(scp.error_message).toContain(
        'add "SERVICE_CONTROL_POLICY" to enabled_policy_types (keeping every type already listed)',
      );
      expect(synthJson(EXTERNAL).data.aws_organizations_organization.current.lifecycle.postcondition).toHaveLength(3);
    });
  });

  describe("the targets in the config", () => {
    const refused = (targets: unknown) => () => synthJson({ rootUserGuardrail: { targets } });

    it.each([
      [[], /rootUserGuardrail\.targets: .*at least one target/],
      [["r-ab12"], /rootUserGuardrail\.targets\[0\]: "r-ab12" is not "root" \(the organization root\), an OU id/],
      [["ou-ab12-cd34ef56", "ou-ab12-cd34ef56"], /rootUserGuardrail\.targets\[1\]: .*attach the guardrail once per target/],
      [
        ["ou-ab12-cd34ef56", "root"],
        /rootUserGuardrail\.targets\[1\]: is only used on its own; "root" already covers every member account/,
      ],
      [["11112222333"], /rootUserGuardrail\.targets\[0\]: "11112222333" is not/],
    ])("refuses %j, naming the target and what is allowed", (targets, message) => {
      expect(refused(targets)).toThrow(ConfigError);
      expect(refused(targets)).toThrow(message);
    });

    it("refuses unknown keys", () => {
      expect(() => synthJson({ rootUserGuardrail: { target: ["root"] } })).toThrow(
        /unknown key "target"; allowed keys are targets/,
      );
    });
  });
});

describe("the root-user guardrail in every partition", () => {
  it.each([
    ["us-gov-west-1", "arn:aws-us-gov:iam::*:root"],
    ["us-gov-east-1", "arn:aws-us-gov:iam::*:root"],
    ["cn-north-1", "arn:aws-cn:iam::*:root"],
    ["eu-west-1", "arn:aws:iam::*:root"],
  ])("in %s matches the root users of that partition (%s)", (region, rootArn) => {
    // GIVEN a stack in that region with the guardrail
    const json = synthJson({ region, rootUserGuardrail: {} });
    // THEN the SCP's condition names root users by that partition's ARN, or it would match no principal
    const content = JSON.parse(guardrailOf(json).policy.content);
    expect(content.Statement[0].Condition.ArnLike).toEqual({ "aws:PrincipalArn": [rootArn] });
    expect(content.Statement[0].Condition.Null).toEqual({ "aws:AssumedRoot": "true" });
  });

  it("fails, naming the region, in a partition AWS documents no centralized root access for", () => {
    expect(() => synthJson({ region: "us-iso-east-1" })).toThrow(ConfigError);
    expect(() => synthJson({ region: "us-iso-east-1" })).toThrow(
      'stacks[0].region: "us-iso-east-1" is not a region where IAM centralized root access exists',
    );
  });
});
