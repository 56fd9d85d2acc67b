import { analyseScp } from "../../../scripts/doctor/scp-analysis";
import { ROOT_USER_GUARDRAIL_DOCUMENT } from "../../../scripts/shared/root-user-guardrail-policy";

const ROOT_PRINCIPAL = { StringLike: { "aws:PrincipalArn": ["arn:aws:iam::*:root"] } };
const EXEMPTION = { Null: { "aws:AssumedRoot": "true" } };

function policy(...statements: object[]): string {
  return JSON.stringify({ Version: "2012-10-17", Statement: statements });
}

const deny = (fields: object) => ({ Effect: "Deny", Resource: "*", ...fields });

// Control Tower's "Disallow actions as a root user" (AWS-GR_RESTRICT_ROOT_USER), before and with ExemptAssumeRoot.
const CONTROL_TOWER = deny({ Sid: "GRRESTRICTROOTUSER", Action: "*", Condition: ROOT_PRINCIPAL });
const CONTROL_TOWER_EXEMPT = deny({ Sid: "GRRESTRICTROOTUSER", Action: "*", Condition: { ...ROOT_PRINCIPAL, ...EXEMPTION } });

describe("which SCPs block central root sessions", () => {
  it.each([
    ["Control Tower's root-user control without ExemptAssumeRoot", policy(CONTROL_TOWER), "blocks"],
    ["Control Tower's root-user control with ExemptAssumeRoot", policy(CONTROL_TOWER_EXEMPT), "ok"],
    ["this project's root-user guardrail, org-root-access-deny-root-user", JSON.stringify(ROOT_USER_GUARDRAIL_DOCUMENT), "ok"],
    [
      "the classic form with ArnLike",
      policy(deny({ Action: "*", Condition: { ArnLike: { "aws:PrincipalArn": "arn:aws:iam::*:root" } } })),
      "blocks",
    ],
    [
      "ArnEquals on one member's root ARN",
      policy(deny({ Action: "*", Condition: { ArnEquals: { "aws:PrincipalArn": "arn:aws:iam::999988887777:root" } } })),
      "blocks",
    ],
    [
      "StringEquals on a concrete root ARN, denying only IAM",
      policy(deny({ Action: "iam:*", Condition: { StringEquals: { "aws:PrincipalArn": "arn:aws:iam::999988887777:root" } } })),
      "blocks",
    ],
    [
      "NotAction that leaves root sessions' actions denied",
      policy(deny({ NotAction: ["ec2:*"], Condition: ROOT_PRINCIPAL })),
      "blocks",
    ],
    [
      "NotAction that excludes everything root sessions do",
      policy(deny({ NotAction: ["iam:*", "s3:*", "sqs:*"], Condition: ROOT_PRINCIPAL })),
      "ok",
    ],
    [
      "a root deny on actions root sessions never make",
      policy(deny({ Action: ["ec2:*", "rds:*"], Condition: ROOT_PRINCIPAL })),
      "ok",
    ],
    [
      "a StringNotLike on aws:PrincipalArn that is no exemption (it excludes an admin role, not root sessions)",
      policy(deny({ Action: "*", Condition: { StringNotLike: { "aws:PrincipalArn": "arn:aws:iam::*:role/Admin" } } })),
      "blocks",
    ],
    [
      "an ArnNotLike that exempts root users",
      policy(deny({ Action: "iam:*", Condition: { ArnNotLike: { "aws:PrincipalArn": "arn:aws:iam::*:root" } } })),
      "ok",
    ],
    [
      "the exemption written as StringNotEqualsIfExists aws:AssumedRoot",
      policy(deny({ Action: "*", Condition: { ...ROOT_PRINCIPAL, StringNotEqualsIfExists: { "aws:AssumedRoot": "true" } } })),
      "ok",
    ],
    [
      "a Null aws:AssumedRoot false, which denies exactly the root sessions",
      policy(deny({ Action: "iam:*", Condition: { Null: { "aws:AssumedRoot": "false" } } })),
      "blocks",
    ],
    ["a deny of IAM for every principal, without conditions", policy(deny({ Action: ["iam:Delete*"] })), "blocks"],
    ["an Allow, however broad", policy({ Effect: "Allow", Action: "*", Resource: "*" }), "ok"],
    [
      "several statements, the second of which blocks",
      policy(deny({ Action: "ec2:*" }), { Effect: "Allow", Action: "*", Resource: "*" }, CONTROL_TOWER),
      "blocks",
    ],
    [
      "a root deny that also depends on the requested region",
      policy(deny({ Action: "*", Condition: { ...ROOT_PRINCIPAL, StringNotEquals: { "aws:RequestedRegion": "eu-west-1" } } })),
      "cannot tell",
    ],
    [
      "a root deny on a principal tag",
      policy(deny({ Action: "*", Condition: { ...ROOT_PRINCIPAL, StringEquals: { "aws:PrincipalTag/team": "x" } } })),
      "cannot tell",
    ],
    [
      "a region deny exempt for root users' ARNs, with an unknown key beside it",
      policy(
        deny({
          Action: "*",
          Condition: {
            ArnNotLike: { "aws:PrincipalArn": "arn:aws:iam::*:root" },
            StringNotEquals: { "aws:RequestedRegion": "eu-west-1" },
          },
        }),
      ),
      "ok",
    ],
    ["malformed JSON", '{"Statement": [', "cannot tell"],
    ["an Action that is not a string", policy(deny({ Action: 42, Condition: ROOT_PRINCIPAL })), "cannot tell"],
  ])("%s", (_name, document, verdict) => {
    expect(analyseScp(document).verdict).toBe(verdict);
  });

  it("names the statement and says why it blocks", () => {
    expect(analyseScp(policy(CONTROL_TOWER))).toEqual({
      verdict: "blocks",
      statement: "GRRESTRICTROOTUSER",
      reason: "denies every action of root sessions to member accounts' root users, without an aws:AssumedRoot exemption",
    });
  });

  it("says what it cannot evaluate, never ok", () => {
    expect(
      analyseScp(
        policy(deny({ Action: "*", Condition: { ...ROOT_PRINCIPAL, DateGreaterThan: { "aws:CurrentTime": "2026-01-01" } } })),
      ),
    ).toEqual({
      verdict: "cannot tell",
      statement: "statement 1",
      reason: "whether DateGreaterThan on aws:CurrentTime holds for root sessions",
    });
  });
});
