import * as fs from "node:fs";
import * as path from "node:path";
import { rootUserGuardrailDocument } from "../../../scripts/shared/root-user-guardrail-policy";
import type { Partition } from "../../../scripts/shared/partitions";
import { ScpSetup, verdictsOf } from "./scp-setups";

// The doctor's SCP evaluation, set-up by set-up: an organization (root r-root; OUs Prod with Team nested in it,
// and Dev; member accounts A in Prod, C in Team, B in Dev, D under the root; the management account M and a
// suspended account S), FullAWSAccess attached at every node unless a row says otherwise, the row's SCPs, and the
// verdict AWS's documented evaluation gives each root task in each active member account. Each row's reasoning
// says which documented rule decides it. The second block runs the independent oracle (fixtures/scp-oracle.json).

const ORG = "o-a1b2c3d4e5";
const ROOT = "r-root";
const PROD = "ou-root-prod0001";
const TEAM = "ou-root-team0001";
const DEV = "ou-root-dev00001";
const [A, B, C, D, M, S] = ["111111111111", "222222222222", "333333333333", "444444444444", "999999999999", "555555555555"];
const MEMBERS = { A, B, C, D } as const;

type Verdict = "works" | "limited" | "cannot tell" | "blocked";
/** One verdict for every task, or per group: the three IAM credential tasks, the two unlock tasks, or one task. */
type Expected =
  | Verdict
  | {
      readonly iam?: Verdict;
      readonly audit?: Verdict;
      readonly delete?: Verdict;
      readonly password?: Verdict;
      readonly unlock?: Verdict;
      readonly s3?: Verdict;
      readonly sqs?: Verdict;
    };

interface Row {
  readonly name: string;
  readonly why: string;
  readonly scps?: readonly { readonly document: object; readonly at: readonly string[] }[];
  /** Resource control policies attached besides RCPFullAWSAccess. */
  readonly rcps?: readonly { readonly document: object; readonly at: readonly string[] }[];
  /** Nodes whose FullAWSAccess is detached (an allow-list strategy there). */
  readonly withoutFullAccess?: readonly string[];
  readonly partition?: Partition;
  /** Per member (A, B, C, D); members left out work for every task. */
  readonly expect: Partial<Record<keyof typeof MEMBERS, Expected>>;
}

const doc = (...statements: object[]) => ({ Version: "2012-10-17", Statement: statements });
const deny = (fields: object) => ({ Effect: "Deny", Resource: "*", ...fields });
const allow = (fields: object) => ({ Effect: "Allow", Resource: "*", ...fields });
const ROOT_ARN_LIKE = { ArnLike: { "aws:PrincipalArn": "arn:aws:iam::*:root" } };
const EXEMPT = { Null: { "aws:AssumedRoot": "true" } };
const CLASSIC_ROOT_DENY = doc(deny({ Sid: "DenyRoot", Action: "*", Condition: ROOT_ARN_LIKE }));
const CONTROL_TOWER = doc(
  deny({ Sid: "GRRESTRICTROOTUSER", Action: "*", Condition: { StringLike: { "aws:PrincipalArn": ["arn:aws:iam::*:root"] } } }),
);
const CONTROL_TOWER_EXEMPT = doc(
  deny({
    Sid: "GRRESTRICTROOTUSER",
    Action: "*",
    Condition: { StringLike: { "aws:PrincipalArn": ["arn:aws:iam::*:root"] }, ...EXEMPT },
  }),
);
// AWS Organizations' example "Deny access to AWS based on the requested AWS Region" (global services exempted).
const REGION_DENY_SAMPLE = doc({
  Sid: "DenyAllOutsideRequestedRegions",
  Effect: "Deny",
  NotAction: [
    "a4b:*",
    "acm:*",
    "aws-marketplace-management:*",
    "aws-marketplace:*",
    "aws-portal:*",
    "budgets:*",
    "ce:*",
    "chime:*",
    "cloudfront:*",
    "config:*",
    "cur:*",
    "directconnect:*",
    "ec2:DescribeRegions",
    "ec2:DescribeTransitGateways",
    "ec2:DescribeVpnGateways",
    "fms:*",
    "globalaccelerator:*",
    "health:*",
    "iam:*",
    "importexport:*",
    "kms:*",
    "mobileanalytics:*",
    "networkmanager:*",
    "organizations:*",
    "pricing:*",
    "route53:*",
    "route53domains:*",
    "s3:GetAccountPublic*",
    "s3:ListAllMyBuckets",
    "s3:ListMultiRegionAccessPoints",
    "s3:PutAccountPublic*",
    "shield:*",
    "sts:*",
    "support:*",
    "trustedadvisor:*",
    "waf-regional:*",
    "waf:*",
    "wafv2:*",
    "wellarchitected:*",
  ],
  Resource: "*",
  Condition: {
    StringNotEquals: { "aws:RequestedRegion": ["eu-central-1", "eu-west-1"] },
    ArnNotLike: { "aws:PrincipalARN": ["arn:aws:iam::*:role/Role1AllowedToBypassThisSCP"] },
  },
});
const UNKNOWN_IP = { NotIpAddress: { "aws:SourceIp": ["192.0.2.0/24"] } };

const ROWS: Row[] = [
  // Baselines and the guardrails of AWS, Control Tower and this project.
  { name: "FullAWSAccess everywhere", why: "an Allow covers everything at every level and nothing denies", expect: {} },
  {
    name: "the classic root-user deny at the root",
    why: "ArnLike arn:aws:iam::*:root matches a root session's principal and nothing exempts aws:AssumedRoot",
    scps: [{ document: CLASSIC_ROOT_DENY, at: [ROOT] }],
    expect: { A: "blocked", B: "blocked", C: "blocked", D: "blocked" },
  },
  {
    name: "AWS's member root-user deny with its exemption",
    why: 'Null aws:AssumedRoot "true" is false for a root session, so the Deny does not apply',
    scps: [{ document: doc(deny({ Action: "*", Condition: { ...ROOT_ARN_LIKE, ...EXEMPT } })), at: [ROOT] }],
    expect: {},
  },
  {
    name: "this project's guardrail",
    why: "AWS's example SCP with the exemption: root sessions pass",
    scps: [{ document: rootUserGuardrailDocument("aws"), at: [ROOT] }],
    expect: {},
  },
  {
    name: "Control Tower's root-user control on Prod",
    why: "StringLike on the root ARN denies A in Prod and C below it; B and D are outside Prod",
    scps: [{ document: CONTROL_TOWER, at: [PROD] }],
    expect: { A: "blocked", C: "blocked" },
  },
  {
    name: "Control Tower's root-user control with ExemptAssumeRoot",
    why: "the Null exemption makes the Deny skip root sessions",
    scps: [{ document: CONTROL_TOWER_EXEMPT, at: [PROD] }],
    expect: {},
  },
  {
    name: "a root deny attached only to the management account",
    why: "SCPs never apply to the management account, and no member's path holds it",
    scps: [{ document: CLASSIC_ROOT_DENY, at: [M] }],
    expect: {},
  },
  {
    name: "a root deny attached to account A",
    why: "an account-level attachment is on A's path only",
    scps: [{ document: CLASSIC_ROOT_DENY, at: [A] }],
    expect: { A: "blocked" },
  },
  {
    name: "a root deny attached to the suspended account",
    why: "suspended accounts are not evaluated (no root session opens there); nobody else is covered",
    scps: [{ document: CLASSIC_ROOT_DENY, at: [S] }],
    expect: {},
  },
  {
    name: "a Deny naming A's root ARN",
    why: "a concrete root ARN matches that account's root user only",
    scps: [
      {
        document: doc(deny({ Action: "*", Condition: { ArnEquals: { "aws:PrincipalArn": `arn:aws:iam::${A}:root` } } })),
        at: [ROOT],
      },
    ],
    expect: { A: "blocked" },
  },
  {
    name: "a Deny naming a root ARN outside the organization",
    why: "no member's principal is that ARN",
    scps: [
      {
        document: doc(deny({ Action: "*", Condition: { ArnEquals: { "aws:PrincipalArn": "arn:aws:iam::777777777777:root" } } })),
        at: [ROOT],
      },
    ],
    expect: {},
  },

  // Allow lists: an Allow is needed at every level.
  {
    name: "root allows only iam:*",
    why: "without FullAWSAccess at the root, s3 and sqs have no Allow at that level",
    withoutFullAccess: [ROOT],
    scps: [{ document: doc(allow({ Action: "iam:*" })), at: [ROOT] }],
    expect: { A: { unlock: "blocked" }, B: { unlock: "blocked" }, C: { unlock: "blocked" }, D: { unlock: "blocked" } },
  },
  {
    name: "Prod allows only s3 and sqs",
    why: "the Prod level has no Allow for iam, so A and C (below Prod) cannot do IAM tasks",
    withoutFullAccess: [PROD],
    scps: [{ document: doc(allow({ Action: ["s3:*", "sqs:*"] })), at: [PROD] }],
    expect: { A: { iam: "blocked" }, C: { iam: "blocked" } },
  },
  {
    name: "account C allows only iam:*",
    why: "the account level is a level too",
    withoutFullAccess: [C],
    scps: [{ document: doc(allow({ Action: "iam:*" })), at: [C] }],
    expect: { C: { unlock: "blocked" } },
  },
  {
    name: "Team allows only ec2:*",
    why: "nothing any task needs is allowed at C's Team level",
    withoutFullAccess: [TEAM],
    scps: [{ document: doc(allow({ Action: "ec2:*" })), at: [TEAM] }],
    expect: { C: "blocked" },
  },
  {
    name: "Prod lacks an Allow although Team has FullAWSAccess",
    why: "every level counts: the Allow at Team does not make up for Prod",
    withoutFullAccess: [PROD],
    scps: [{ document: doc(allow({ Action: "ec2:*" })), at: [PROD] }],
    expect: { A: "blocked", C: "blocked" },
  },
  {
    name: "Dev allows everything but iam (NotAction)",
    why: "Allow with NotAction covers every action outside the list",
    withoutFullAccess: [DEV],
    scps: [{ document: doc(allow({ NotAction: ["iam:*"] })), at: [DEV] }],
    expect: { B: { iam: "blocked" } },
  },
  {
    name: "Dev allows everything but iam:Delete*",
    why: "the delete task's writes are not allowed; audit and the password task use no Delete action",
    withoutFullAccess: [DEV],
    scps: [{ document: doc(allow({ NotAction: ["iam:Delete*", "iam:Deactivate*"] })), at: [DEV] }],
    expect: { B: { delete: "blocked" } },
  },
  {
    name: "an Allow that names each needed action",
    why: "an allow list that covers every call of every task",
    withoutFullAccess: [ROOT],
    scps: [
      {
        document: doc(
          allow({
            Action: [
              "iam:Get*",
              "iam:List*",
              "iam:Delete*",
              "iam:DeactivateMFADevice",
              "iam:CreateLoginProfile",
              "s3:GetBucketPolicy",
              "s3:DeleteBucketPolicy",
              "sqs:GetQueueAttributes",
              "sqs:SetQueueAttributes",
            ],
          }),
        ),
        at: [ROOT],
      },
    ],
    expect: {},
  },
  {
    name: "an allow list that forgets sqs:SetQueueAttributes",
    why: "one call of the SQS task has no Allow at the root",
    withoutFullAccess: [ROOT],
    scps: [{ document: doc(allow({ Action: ["iam:*", "s3:*", "sqs:GetQueueAttributes"] })), at: [ROOT] }],
    expect: { A: { sqs: "blocked" }, B: { sqs: "blocked" }, C: { sqs: "blocked" }, D: { sqs: "blocked" } },
  },
  {
    name: "a conditional Allow on the organization",
    why: "aws:PrincipalOrgID is the organization, so the Allow holds",
    withoutFullAccess: [ROOT],
    scps: [{ document: doc(allow({ Action: "*", Condition: { StringEquals: { "aws:PrincipalOrgID": ORG } } })), at: [ROOT] }],
    expect: {},
  },
  {
    name: "a conditional Allow on another organization",
    why: "the condition is false, so the root level allows nothing",
    withoutFullAccess: [ROOT],
    scps: [
      {
        document: doc(allow({ Action: "*", Condition: { StringEquals: { "aws:PrincipalOrgID": "o-zzzzzzzzzz" } } })),
        at: [ROOT],
      },
    ],
    expect: { A: "blocked", B: "blocked", C: "blocked", D: "blocked" },
  },
  {
    name: "a conditional Allow on an unknown key",
    why: "whether aws:SourceIp matches depends on where the session runs: the only Allow at the root cannot be told",
    withoutFullAccess: [ROOT],
    scps: [{ document: doc(allow({ Action: "*", Condition: { IpAddress: { "aws:SourceIp": "192.0.2.0/24" } } })), at: [ROOT] }],
    expect: { A: "cannot tell", B: "cannot tell", C: "cannot tell", D: "cannot tell" },
  },
  {
    name: "a conditional Allow on an unknown key beside FullAWSAccess",
    why: "FullAWSAccess allows at that level whatever the other Allow does",
    scps: [{ document: doc(allow({ Action: "*", Condition: { IpAddress: { "aws:SourceIp": "192.0.2.0/24" } } })), at: [ROOT] }],
    expect: {},
  },
  {
    name: "an Allow limited to some buckets",
    why: "at the root only data-* buckets are allowed for s3: the S3 task works for some buckets",
    withoutFullAccess: [ROOT],
    scps: [
      {
        document: doc(allow({ Action: ["iam:*", "sqs:*"] }), {
          Effect: "Allow",
          Action: "s3:*",
          Resource: "arn:aws:s3:::data-*",
        }),
        at: [ROOT],
      },
    ],
    expect: { A: { s3: "limited" }, B: { s3: "limited" }, C: { s3: "limited" }, D: { s3: "limited" } },
  },

  {
    name: "an allow list whose only S3 Allow needs a principal tag",
    why: "the S3 Allow covers team-* buckets only when aws:PrincipalTag/team is set; a root session has no tags: no bucket",
    withoutFullAccess: [ROOT],
    scps: [
      {
        document: doc(allow({ Action: ["iam:*", "sqs:*"] }), {
          Effect: "Allow",
          Action: "s3:*",
          Resource: "arn:aws:s3:::team-*",
          Condition: { StringEquals: { "aws:PrincipalTag/team": "platform" } },
        }),
        at: [ROOT],
      },
    ],
    expect: { A: { s3: "blocked" }, B: { s3: "blocked" }, C: { s3: "blocked" }, D: { s3: "blocked" } },
  },
  {
    name: "an allow list whose only S3 Allow needs a network",
    why: "the S3 Allow covers team-* buckets only from 192.0.2.0/24: whether any bucket passes depends on the caller's network",
    withoutFullAccess: [ROOT],
    scps: [
      {
        document: doc(allow({ Action: ["iam:*", "sqs:*"] }), {
          Effect: "Allow",
          Action: "s3:*",
          Resource: "arn:aws:s3:::team-*",
          Condition: { IpAddress: { "aws:SourceIp": "192.0.2.0/24" } },
        }),
        at: [ROOT],
      },
    ],
    expect: { A: { s3: "cannot tell" }, B: { s3: "cannot tell" }, C: { s3: "cannot tell" }, D: { s3: "cannot tell" } },
  },
  {
    name: "prod-* buckets denied outside a VPC endpoint",
    why: "the Deny covers prod-* unless aws:SourceVpce is vpce-1a2b: limited, or working, depending on the caller's network",
    scps: [
      {
        document: doc({
          Effect: "Deny",
          Action: "s3:*",
          Resource: "arn:aws:s3:::prod-*",
          Condition: { StringNotEquals: { "aws:SourceVpce": "vpce-1a2b" } },
        }),
        at: [DEV],
      },
    ],
    expect: { B: { s3: "cannot tell" } },
  },
  {
    name: "a partial Deny whose condition is false",
    why: "the Deny covers prod-* only for principals with a team tag, which a root session has not",
    scps: [
      {
        document: doc({
          Effect: "Deny",
          Action: "s3:*",
          Resource: "arn:aws:s3:::prod-*",
          Condition: { Null: { "aws:PrincipalTag/team": "false" } },
        }),
        at: [DEV],
      },
    ],
    expect: {},
  },

  // Keys whose value in a root session AWS documents.
  {
    name: "ForAllValues on aws:CalledVia",
    why: "aws:CalledVia is absent on a direct call, and ForAllValues on an absent key is true: the Deny applies",
    scps: [
      {
        document: doc(
          deny({ Action: "*", Condition: { "ForAllValues:StringEquals": { "aws:CalledVia": "cloudformation.amazonaws.com" } } }),
        ),
        at: [DEV],
      },
    ],
    expect: { B: "blocked" },
  },
  {
    name: "ForAnyValue on aws:CalledVia",
    why: "ForAnyValue on an absent key is false: the Deny does not apply",
    scps: [
      {
        document: doc(
          deny({ Action: "*", Condition: { "ForAnyValue:StringEquals": { "aws:CalledVia": "cloudformation.amazonaws.com" } } }),
        ),
        at: [DEV],
      },
    ],
    expect: {},
  },
  {
    name: "Bool aws:ViaAWSService false",
    why: "present and false in a root session's direct calls",
    scps: [{ document: doc(deny({ Action: "*", Condition: { Bool: { "aws:ViaAWSService": "false" } } })), at: [DEV] }],
    expect: { B: "blocked" },
  },
  {
    name: "a data perimeter on aws:PrincipalIsAWSService",
    why: "BoolIfExists aws:PrincipalIsAWSService false holds (present, false) and the principal's organization is another: denied",
    scps: [
      {
        document: doc(
          deny({
            Action: "*",
            Condition: {
              BoolIfExists: { "aws:PrincipalIsAWSService": "false" },
              StringNotEquals: { "aws:PrincipalOrgID": "o-zzzzzzzzzz" },
            },
          }),
        ),
        at: [DEV],
      },
    ],
    expect: { B: "blocked" },
  },
  {
    name: "aws:CurrentTime after 2020",
    why: "aws:CurrentTime is present in every request, and now is after 2020",
    scps: [
      {
        document: doc(deny({ Action: "iam:*", Condition: { DateGreaterThan: { "aws:CurrentTime": "2020-01-01T00:00:00Z" } } })),
        at: [DEV],
      },
    ],
    expect: { B: { iam: "blocked" } },
  },
  {
    name: "aws:CurrentTime at or after 2020",
    why: "DateGreaterThanEquals is at or after, not equal to: now is after 2020",
    scps: [
      {
        document: doc(
          deny({ Action: "iam:*", Condition: { DateGreaterThanEquals: { "aws:CurrentTime": "2020-01-01T00:00:00Z" } } }),
        ),
        at: [DEV],
      },
    ],
    expect: { B: { iam: "blocked" } },
  },
  {
    name: "aws:EpochTime at or before 2020",
    why: "NumericLessThanEquals is at or before: now is not",
    scps: [
      {
        document: doc(deny({ Action: "*", Condition: { NumericLessThanEquals: { "aws:EpochTime": "1577836800" } } })),
        at: [DEV],
      },
    ],
    expect: {},
  },
  {
    name: "a session token issued before 2020 and after 2021",
    why: 'aws:TokenIssueTime is not known, but no time is both: the Null condition\'s "false" is no time to compare with',
    scps: [
      {
        document: doc(
          deny({
            Action: "*",
            Condition: {
              Null: { "aws:TokenIssueTime": "false" },
              DateLessThan: { "aws:TokenIssueTime": "2020-01-01T00:00:00Z" },
              DateGreaterThan: { "aws:TokenIssueTime": "2021-01-01T00:00:00Z" },
            },
          }),
        ),
        at: [DEV],
      },
    ],
    expect: {},
  },
  {
    name: "a Bool key compared with a string that is no Boolean",
    why: 'aws:MultiFactorAuthPresent is not known, but it is "true" or "false" (or absent), never "yes"',
    scps: [
      {
        document: doc(deny({ Action: "*", Condition: { StringEquals: { "aws:MultiFactorAuthPresent": "yes" } } })),
        at: [DEV],
      },
    ],
    expect: {},
  },
  {
    name: "a user agent that starts with anything but q",
    why: "aws:UserAgent is not known: a client's agent can be any non-empty text, not only text that starts with q",
    scps: [
      {
        document: doc(
          deny({
            Action: "iam:*",
            Condition: { StringLike: { "aws:UserAgent": "?*" }, StringNotLike: { "aws:UserAgent": "q*" } },
          }),
        ),
        at: [DEV],
      },
    ],
    expect: { B: { iam: "cannot tell" } },
  },
  {
    name: "a user agent that is an asterisk",
    why: "an asterisk in StringEquals is a character a client can send: the Deny may apply",
    scps: [{ document: doc(deny({ Action: "iam:*", Condition: { StringEquals: { "aws:UserAgent": "*" } } })), at: [DEV] }],
    expect: { B: { iam: "cannot tell" } },
  },
  {
    name: "aws:EpochTime before 2020",
    why: "now is not before 2020 (1577836800)",
    scps: [
      { document: doc(deny({ Action: "*", Condition: { NumericLessThan: { "aws:EpochTime": "1577836800" } } })), at: [DEV] },
    ],
    expect: {},
  },
  {
    name: "a Deny of insecure transport",
    why: "the AWS SDK calls over HTTPS: aws:SecureTransport is true",
    scps: [{ document: doc(deny({ Action: "*", Condition: { Bool: { "aws:SecureTransport": "false" } } })), at: [DEV] }],
    expect: {},
  },
  {
    name: "a Deny outside a corporate network",
    why: "aws:SourceIp depends on where the session's calls come from",
    scps: [
      { document: doc(deny({ Action: "s3:*", Condition: { NotIpAddress: { "aws:SourceIp": "198.51.100.0/24" } } })), at: [DEV] },
    ],
    expect: { B: { s3: "cannot tell" } },
  },
  {
    name: "two Denies on aws:SourceIp that cover every address",
    why: "one denies inside 198.51.100.0/24, the other outside it (and without the key): whatever the network, denied",
    scps: [
      {
        document: doc(
          deny({ Action: "s3:*", Condition: { IpAddress: { "aws:SourceIp": "198.51.100.0/24" } } }),
          deny({ Action: "s3:*", Condition: { NotIpAddress: { "aws:SourceIp": "198.51.100.0/24" } } }),
        ),
        at: [DEV],
      },
    ],
    expect: { B: { s3: "blocked" } },
  },
  {
    name: "a Deny on aws:SourceVpc that a certain Deny shadows",
    why: "sqs is denied outright at the same level: the network does not matter",
    scps: [
      {
        document: doc(
          deny({ Action: "sqs:*", Condition: { StringNotEquals: { "aws:SourceVpc": "vpc-1a2b" } } }),
          deny({ Action: "sqs:SetQueueAttributes" }),
        ),
        at: [DEV],
      },
    ],
    expect: { B: { sqs: "blocked" } },
  },

  // Deny statements: actions, resources, conditions.
  {
    name: "a Deny on an unknown key",
    why: "the Deny applies unless the request comes from the listed network, which the doctor cannot know",
    scps: [{ document: doc(deny({ Action: "*", Condition: UNKNOWN_IP })), at: [ROOT] }],
    expect: { A: "cannot tell", B: "cannot tell", C: "cannot tell", D: "cannot tell" },
  },
  {
    name: "a Deny on an unknown key for ec2 only",
    why: "its Action matches no call of a root task",
    scps: [{ document: doc(deny({ Action: "ec2:*", Condition: UNKNOWN_IP })), at: [ROOT] }],
    expect: {},
  },
  {
    name: "an unknown key beside a condition that is false",
    why: "all conditions must hold; ArnLike on a role path is false for the root user",
    scps: [
      {
        document: doc(
          deny({ Action: "*", Condition: { ...UNKNOWN_IP, ArnLike: { "aws:PrincipalArn": "arn:aws:iam::*:role/*" } } }),
        ),
        at: [ROOT],
      },
    ],
    expect: {},
  },
  {
    name: "an unknown Deny and a certain Deny",
    why: "a Deny that certainly applies blocks whatever the other statement does",
    scps: [
      { document: doc(deny({ Action: "*", Condition: UNKNOWN_IP })), at: [ROOT] },
      { document: CLASSIC_ROOT_DENY, at: [PROD] },
    ],
    expect: { A: "blocked", C: "blocked", B: "cannot tell", D: "cannot tell" },
  },
  {
    name: "iam denied except in account B",
    why: "StringNotEquals aws:PrincipalAccount B is true for A, C and D",
    scps: [
      { document: doc(deny({ Action: "iam:*", Condition: { StringNotEquals: { "aws:PrincipalAccount": [B] } } })), at: [ROOT] },
    ],
    expect: { A: { iam: "blocked" }, C: { iam: "blocked" }, D: { iam: "blocked" } },
  },
  {
    name: "a Deny for the whole organization",
    why: "aws:PrincipalOrgID equals the organization",
    scps: [{ document: doc(deny({ Action: "*", Condition: { StringEquals: { "aws:PrincipalOrgID": ORG } } })), at: [ROOT] }],
    expect: { A: "blocked", B: "blocked", C: "blocked", D: "blocked" },
  },
  {
    name: "a Deny for principals outside the organization",
    why: "StringNotEquals aws:PrincipalOrgID is false for members",
    scps: [{ document: doc(deny({ Action: "*", Condition: { StringNotEquals: { "aws:PrincipalOrgID": ORG } } })), at: [ROOT] }],
    expect: {},
  },
  {
    name: "a lowercase key",
    why: "condition key names are case-insensitive: aws:principalarn is aws:PrincipalArn",
    scps: [
      { document: doc(deny({ Action: "*", Condition: { ArnLike: { "aws:principalarn": "arn:aws:iam::*:root" } } })), at: [ROOT] },
    ],
    expect: { A: "blocked", B: "blocked", C: "blocked", D: "blocked" },
  },
  {
    name: "a lowercase operator",
    why: "AWS documents operators as ArnLike only; arnlike is something the doctor cannot tell",
    scps: [
      { document: doc(deny({ Action: "*", Condition: { arnlike: { "aws:PrincipalArn": "arn:aws:iam::*:root" } } })), at: [ROOT] },
    ],
    expect: { A: "cannot tell", B: "cannot tell", C: "cannot tell", D: "cannot tell" },
  },
  {
    name: "a lowercase operator in a statement for ec2",
    why: "its Action matches no call, so the unknown operator decides nothing",
    scps: [
      {
        document: doc(deny({ Action: "ec2:*", Condition: { arnlike: { "aws:PrincipalArn": "arn:aws:iam::*:root" } } })),
        at: [ROOT],
      },
    ],
    expect: {},
  },
  {
    name: 'Null aws:AssumedRoot "false"',
    why: "the key is present in root sessions, so the Deny applies to them",
    scps: [{ document: doc(deny({ Action: "*", Condition: { Null: { "aws:AssumedRoot": "false" } } })), at: [ROOT] }],
    expect: { A: "blocked", B: "blocked", C: "blocked", D: "blocked" },
  },
  {
    name: 'Bool aws:AssumedRoot "true"',
    why: "denies exactly central root sessions",
    scps: [{ document: doc(deny({ Action: "*", Condition: { Bool: { "aws:AssumedRoot": "true" } } })), at: [ROOT] }],
    expect: { A: "blocked", B: "blocked", C: "blocked", D: "blocked" },
  },
  {
    name: 'Bool aws:AssumedRoot "false"',
    why: "false for root sessions",
    scps: [{ document: doc(deny({ Action: "*", Condition: { Bool: { "aws:AssumedRoot": "false" } } })), at: [ROOT] }],
    expect: {},
  },
  {
    name: "StringEqualsIfExists on aws:PrincipalAccount",
    why: "the key is present, so IfExists compares it: only B matches",
    scps: [
      { document: doc(deny({ Action: "*", Condition: { StringEqualsIfExists: { "aws:PrincipalAccount": B } } })), at: [ROOT] },
    ],
    expect: { B: "blocked" },
  },
  {
    name: "StringNotLike with two values (NOR)",
    why: "the root ARN matches neither the role nor the user pattern, so the negated condition holds",
    scps: [
      {
        document: doc(
          deny({
            Action: "*",
            Condition: { StringNotLike: { "aws:PrincipalArn": ["arn:aws:iam::*:role/*", "arn:aws:iam::*:user/*"] } },
          }),
        ),
        at: [ROOT],
      },
    ],
    expect: { A: "blocked", B: "blocked", C: "blocked", D: "blocked" },
  },
  {
    name: "ArnNotLike exempting the root user",
    why: "the root ARN matches, so ArnNotLike is false",
    scps: [
      {
        document: doc(deny({ Action: "*", Condition: { ArnNotLike: { "aws:PrincipalArn": "arn:aws:iam::*:root" } } })),
        at: [ROOT],
      },
    ],
    expect: {},
  },
  {
    name: "ArnLike with an ARN of five parts",
    why: "ARN operators compare six parts; what AWS does with fewer is not documented",
    scps: [
      { document: doc(deny({ Action: "*", Condition: { ArnLike: { "aws:PrincipalArn": "arn:aws:iam::*" } } })), at: [ROOT] },
    ],
    expect: { A: "cannot tell", B: "cannot tell", C: "cannot tell", D: "cannot tell" },
  },
  {
    name: "StringLike crossing colons",
    why: "StringLike's * matches any characters, colons included",
    scps: [
      { document: doc(deny({ Action: "*", Condition: { StringLike: { "aws:PrincipalArn": "arn:aws:iam::*" } } })), at: [ROOT] },
    ],
    expect: { A: "blocked", B: "blocked", C: "blocked", D: "blocked" },
  },
  {
    name: "values are case-sensitive",
    why: "StringEquals compares case-sensitively: ARN:AWS... is not the principal's ARN",
    scps: [
      {
        document: doc(deny({ Action: "*", Condition: { StringEquals: { "aws:PrincipalArn": `ARN:AWS:IAM::${A}:ROOT` } } })),
        at: [ROOT],
      },
    ],
    expect: {},
  },
  {
    name: "StringEqualsIgnoreCase",
    why: "the same value, compared without case, matches A",
    scps: [
      {
        document: doc(
          deny({ Action: "*", Condition: { StringEqualsIgnoreCase: { "aws:PrincipalArn": `ARN:AWS:IAM::${A}:ROOT` } } }),
        ),
        at: [ROOT],
      },
    ],
    expect: { A: "blocked" },
  },
  {
    name: "a known key compared numerically",
    why: "a numeric comparison of an account id is not something the documentation defines",
    scps: [{ document: doc(deny({ Action: "*", Condition: { NumericEquals: { "aws:PrincipalAccount": "1" } } })), at: [ROOT] }],
    expect: { A: "cannot tell", B: "cannot tell", C: "cannot tell", D: "cannot tell" },
  },
  {
    name: "two unknown keys in a statement whose other key is true",
    why: "true AND unknown is unknown",
    scps: [
      {
        document: doc(
          deny({
            Action: "iam:*",
            Condition: { StringEquals: { "aws:PrincipalOrgID": ORG }, Bool: { "aws:MultiFactorAuthPresent": "false" } },
          }),
        ),
        at: [DEV],
      },
    ],
    expect: { B: { iam: "cannot tell" } },
  },

  // Actions and resources.
  {
    name: "Deny with NotAction around iam, s3 and sqs",
    why: "every call of every task is in the NotAction list",
    scps: [{ document: doc(deny({ NotAction: ["iam:*", "s3:*", "sqs:*"] })), at: [ROOT] }],
    expect: {},
  },
  {
    name: "Deny with NotAction around IAM reads",
    why: "writes (Delete*, CreateLoginProfile) and every s3 and sqs call are denied; audit only reads",
    scps: [{ document: doc(deny({ NotAction: ["iam:Get*", "iam:List*"] })), at: [ROOT] }],
    expect: Object.fromEntries(
      Object.keys(MEMBERS).map((member) => [
        member,
        { audit: "works", delete: "blocked", password: "blocked", unlock: "blocked" },
      ]),
    ),
  },
  {
    name: "iam:Delete* denied",
    why: "the wildcard matches the delete task's writes only",
    scps: [{ document: doc(deny({ Action: "iam:Delete*" })), at: [DEV] }],
    expect: { B: { delete: "blocked" } },
  },
  {
    name: "an action written in another case",
    why: "action names are case-insensitive",
    scps: [{ document: doc(deny({ Action: "IAM:deleteloginprofile" })), at: [DEV] }],
    expect: { B: { delete: "blocked" } },
  },
  {
    name: "a ? wildcard in an action",
    why: "iam:?etLoginProfile matches iam:GetLoginProfile, which all three IAM tasks call",
    scps: [{ document: doc(deny({ Action: "iam:?etLoginProfile" })), at: [DEV] }],
    expect: { B: { iam: "blocked" } },
  },
  {
    name: "iam denied on users only",
    why: "Resource arn:aws:iam::*:user/* matches neither the root user, the MFA device nor *",
    scps: [{ document: doc({ Effect: "Deny", Action: "iam:*", Resource: "arn:aws:iam::*:user/*" }), at: [ROOT] }],
    expect: {},
  },
  {
    name: "iam denied on the root user's ARN",
    why: "every IAM task calls something on arn:aws:iam::<account>:root",
    scps: [{ document: doc({ Effect: "Deny", Action: "iam:*", Resource: "arn:aws:iam::*:root" }), at: [ROOT] }],
    expect: { A: { iam: "blocked" }, B: { iam: "blocked" }, C: { iam: "blocked" }, D: { iam: "blocked" } },
  },
  {
    name: "iam:GetAccountSummary denied",
    why: "only the audit calls it",
    scps: [{ document: doc(deny({ Action: "iam:GetAccountSummary" })), at: [DEV] }],
    expect: { B: { audit: "blocked" } },
  },
  {
    name: "every virtual MFA device denied",
    why:
      "arn:aws:iam::*:mfa/* covers every device name if iam:DeleteVirtualMFADevice is authorized against the device, " +
      "none if against the root user (AWS's task policy): the readings differ",
    scps: [
      { document: doc({ Effect: "Deny", Action: "iam:DeleteVirtualMFADevice", Resource: "arn:aws:iam::*:mfa/*" }), at: [DEV] },
    ],
    expect: { B: { delete: "cannot tell" } },
  },
  {
    name: "some virtual MFA devices denied",
    why: "root-* covers some device names under one reading, nothing under the other",
    scps: [
      {
        document: doc({ Effect: "Deny", Action: "iam:DeleteVirtualMFADevice", Resource: "arn:aws:iam::*:mfa/root-*" }),
        at: [DEV],
      },
    ],
    expect: { B: { delete: "cannot tell" } },
  },
  {
    name: "iam:DeleteVirtualMFADevice denied on devices and on the root user",
    why: "both readings are denied",
    scps: [
      {
        document: doc({
          Effect: "Deny",
          Action: "iam:DeleteVirtualMFADevice",
          Resource: ["arn:aws:iam::*:mfa/*", "arn:aws:iam::*:root"],
        }),
        at: [DEV],
      },
    ],
    expect: { B: { delete: "blocked" } },
  },
  {
    name: "prod-* buckets denied",
    why: "the Deny covers some bucket names",
    scps: [{ document: doc({ Effect: "Deny", Action: "s3:DeleteBucketPolicy", Resource: "arn:aws:s3:::prod-*" }), at: [ROOT] }],
    expect: { A: { s3: "limited" }, B: { s3: "limited" }, C: { s3: "limited" }, D: { s3: "limited" } },
  },
  {
    name: "every bucket but logs-* denied (NotResource)",
    why: "NotResource denies every other bucket",
    scps: [{ document: doc({ Effect: "Deny", Action: "s3:*", NotResource: "arn:aws:s3:::logs-*" }), at: [ROOT] }],
    expect: { A: { s3: "limited" }, B: { s3: "limited" }, C: { s3: "limited" }, D: { s3: "limited" } },
  },
  {
    name: "every bucket denied",
    why: "arn:aws:s3:::* covers every bucket name",
    scps: [{ document: doc({ Effect: "Deny", Action: "s3:*", Resource: "arn:aws:s3:::*" }), at: [ROOT] }],
    expect: { A: { s3: "blocked" }, B: { s3: "blocked" }, C: { s3: "blocked" }, D: { s3: "blocked" } },
  },
  {
    name: "objects denied, not buckets",
    why: "arn:aws:s3:::*/* names objects; bucket names hold no /",
    scps: [{ document: doc({ Effect: "Deny", Action: "s3:*", Resource: "arn:aws:s3:::*/*" }), at: [ROOT] }],
    expect: {},
  },
  {
    name: "queues in us-east-1 denied",
    why: "SQS requests go to the queue's region: the task is blocked there and works elsewhere",
    scps: [{ document: doc({ Effect: "Deny", Action: "sqs:*", Resource: "arn:aws:sqs:us-east-1:*:*" }), at: [ROOT] }],
    expect: { A: { sqs: "limited" }, B: { sqs: "limited" }, C: { sqs: "limited" }, D: { sqs: "limited" } },
  },
  {
    name: "a policy variable in Resource",
    why: "${aws:PrincipalAccount} becomes the account id: buckets named <account>-* are denied, others not",
    scps: [{ document: doc({ Effect: "Deny", Action: "s3:*", Resource: "arn:aws:s3:::${aws:PrincipalAccount}-*" }), at: [ROOT] }],
    expect: { A: { s3: "limited" }, B: { s3: "limited" }, C: { s3: "limited" }, D: { s3: "limited" } },
  },
  {
    name: "a policy variable in a condition",
    why: "the root ARN built from ${aws:PrincipalAccount} is the principal's",
    scps: [
      {
        document: doc(
          deny({
            Action: "iam:*",
            Condition: { StringEquals: { "aws:PrincipalArn": "arn:aws:iam::${aws:PrincipalAccount}:root" } },
          }),
        ),
        at: [DEV],
      },
    ],
    expect: { B: { iam: "blocked" } },
  },
  {
    name: "a policy variable with no value in Resource",
    why: "a root session has no principal tags: ${aws:PrincipalTag/team} resolves to nothing, and the Resource matches no bucket",
    scps: [{ document: doc({ Effect: "Deny", Action: "s3:*", Resource: "arn:aws:s3:::${aws:PrincipalTag/team}-*" }), at: [DEV] }],
    expect: {},
  },
  {
    name: "a policy variable with no value in NotResource",
    why: "the NotResource may match no bucket (the Deny then covers all) or make the statement invalid (AWS's words)",
    scps: [
      { document: doc({ Effect: "Deny", Action: "s3:*", NotResource: "arn:aws:s3:::${aws:PrincipalTag/team}-*" }), at: [DEV] },
    ],
    expect: { B: { s3: "cannot tell" } },
  },
  {
    name: "a policy variable with no value in a condition that holds without it",
    why: "StringNotEquals against ${aws:PrincipalTag/team}, which has no value: the statement may be invalid (no Deny) or the value matches nothing (a Deny)",
    scps: [
      {
        document: doc(
          deny({ Action: "iam:*", Condition: { StringNotEquals: { "aws:PrincipalArn": "${aws:PrincipalTag/team}" } } }),
        ),
        at: [DEV],
      },
    ],
    expect: { B: { iam: "cannot tell" } },
  },
  {
    name: "a policy variable with no value in a condition that fails without it",
    why: "StringEquals against ${aws:PrincipalTag/team}, which has no value: no reading matches the account",
    scps: [
      {
        document: doc(
          deny({ Action: "iam:*", Condition: { StringEquals: { "aws:PrincipalAccount": "${aws:PrincipalTag/team}" } } }),
        ),
        at: [DEV],
      },
    ],
    expect: {},
  },
  {
    name: "a policy variable whose key is not known, in Resource",
    why: "${aws:SourceVpce} depends on the caller's network",
    scps: [{ document: doc({ Effect: "Deny", Action: "s3:*", Resource: "arn:aws:s3:::${aws:SourceVpce}" }), at: [DEV] }],
    expect: { B: { s3: "cannot tell" } },
  },
  {
    name: "a policy variable in the account field of a NotResource",
    why: "IAM substitutes variables only after the fifth colon: the NotResource excludes no queue, and the Deny covers all",
    scps: [
      { document: doc({ Effect: "Deny", Action: "sqs:*", NotResource: "arn:aws:sqs:*:${aws:PrincipalAccount}:*" }), at: [DEV] },
    ],
    expect: { B: { sqs: "blocked" } },
  },
  {
    name: "a policy variable with a default value",
    why: "${aws:PrincipalTag/team, 'shared'} is shared in a root session: shared-* buckets are denied",
    scps: [
      {
        document: doc({ Effect: "Deny", Action: "s3:*", Resource: "arn:aws:s3:::${aws:PrincipalTag/team, 'shared'}-*" }),
        at: [DEV],
      },
    ],
    expect: { B: { s3: "limited" } },
  },

  {
    name: "an allow list whose only buckets are denied",
    why: "Prod allows s3 only on log-* buckets and the root denies log-*: no bucket passes both",
    withoutFullAccess: [PROD],
    scps: [
      {
        document: doc(allow({ NotAction: "s3:*" }), { Effect: "Allow", Action: "s3:*", Resource: "arn:aws:s3:::log-*" }),
        at: [PROD],
      },
      { document: doc({ Effect: "Deny", Action: "s3:*", Resource: "arn:aws:s3:::log-*" }), at: [ROOT] },
    ],
    // B and D are outside Prod: for them the root's Deny only takes the log-* buckets away.
    expect: { A: { s3: "blocked" }, C: { s3: "blocked" }, B: { s3: "limited" }, D: { s3: "limited" } },
  },
  {
    name: "two partial denies that cover every bucket",
    why: "Resource a* and NotResource a* together deny every name",
    scps: [
      {
        document: doc(
          { Effect: "Deny", Action: "s3:DeleteBucketPolicy", Resource: "arn:aws:s3:::a*" },
          { Effect: "Deny", Action: "s3:DeleteBucketPolicy", NotResource: "arn:aws:s3:::a*" },
        ),
        at: [DEV],
      },
    ],
    expect: { B: { s3: "blocked" } },
  },
  {
    name: "each call of a task denied on the other's buckets",
    why: "the task needs both calls on the same bucket: Get is denied outside a*, Delete inside it",
    scps: [
      {
        document: doc(
          { Effect: "Deny", Action: "s3:GetBucketPolicy", NotResource: "arn:aws:s3:::a*" },
          { Effect: "Deny", Action: "s3:DeleteBucketPolicy", Resource: "arn:aws:s3:::a*" },
        ),
        at: [DEV],
      },
    ],
    expect: { B: { s3: "blocked" } },
  },
  {
    name: "an Allow only for names AWS does not allow",
    why: "bucket names start with a letter or a digit: -* allows none",
    withoutFullAccess: [DEV],
    scps: [
      {
        document: doc(allow({ NotAction: "s3:*" }), { Effect: "Allow", Action: "s3:*", Resource: "arn:aws:s3:::-*" }),
        at: [DEV],
      },
    ],
    expect: { B: { s3: "blocked" } },
  },
  {
    name: "an Allow only for bucket names S3 reserves",
    why: "S3 refuses names that start with xn-- or end with -s3alias: the Allow covers no bucket that can exist",
    withoutFullAccess: [DEV],
    scps: [
      {
        document: doc(allow({ NotAction: "s3:*" }), {
          Effect: "Allow",
          Action: "s3:*",
          Resource: ["arn:aws:s3:::xn--*", "arn:aws:s3:::*-s3alias", "arn:aws:s3:::*..*"],
        }),
        at: [DEV],
      },
    ],
    expect: { B: { s3: "blocked" } },
  },
  {
    name: "a Deny only on a bucket name shaped as an IP address",
    why: "S3 refuses bucket names formatted as IP addresses: the Deny takes no bucket away",
    scps: [
      {
        document: doc({ Effect: "Deny", Action: "s3:*", Resource: ["arn:aws:s3:::192.168.5.4", "arn:aws:s3:::10.0.0.1"] }),
        at: [DEV],
      },
    ],
    expect: { B: { s3: "works" } },
  },
  {
    name: "a Deny on FIFO queues",
    why: "a FIFO queue's name ends in .fifo: those queues are denied, standard queues are not",
    scps: [{ document: doc({ Effect: "Deny", Action: "sqs:*", Resource: "arn:aws:sqs:*:*:*.fifo" }), at: [DEV] }],
    expect: { B: { sqs: "limited" } },
  },
  {
    name: "a Deny on queue names with a period other than .fifo",
    why: "queue names have no period but a FIFO queue's .fifo: *.txt is no queue",
    scps: [{ document: doc({ Effect: "Deny", Action: "sqs:*", Resource: "arn:aws:sqs:*:*:*.txt" }), at: [DEV] }],
    expect: { B: { sqs: "works" } },
  },
  {
    name: "a Deny on MFA device paths with an empty segment",
    why: "an IAM path has no empty segment: mfa/*//* names no device, and it is not the root user's ARN",
    scps: [
      { document: doc({ Effect: "Deny", Action: "iam:DeleteVirtualMFADevice", Resource: "arn:aws:iam::*:mfa/*//*" }), at: [DEV] },
    ],
    expect: { B: { iam: "works" } },
  },
  {
    name: "${*} in a condition value",
    why: "${*} is a literal asterisk: the root ARN is not arn:aws:iam::*:root written literally, so StringNotLike holds",
    scps: [
      {
        document: doc(deny({ Action: "*", Condition: { StringNotLike: { "aws:PrincipalArn": "arn:aws:iam::${*}:root" } } })),
        at: [DEV],
      },
    ],
    expect: { B: "blocked" },
  },

  // Regions.
  {
    name: "AWS's region-deny sample",
    why: "iam:* is exempted; s3 bucket-policy calls and sqs are denied outside eu-central-1 and eu-west-1",
    scps: [{ document: REGION_DENY_SAMPLE, at: [ROOT] }],
    expect: { A: { unlock: "limited" }, B: { unlock: "limited" }, C: { unlock: "limited" }, D: { unlock: "limited" } },
  },
  {
    name: "a region deny of everything outside us-east-1",
    why: "IAM's requests are made in us-east-1; S3 and SQS only there",
    scps: [
      {
        document: doc(deny({ Action: "*", Condition: { StringNotEquals: { "aws:RequestedRegion": ["us-east-1"] } } })),
        at: [ROOT],
      },
    ],
    expect: { A: { unlock: "limited" }, B: { unlock: "limited" }, C: { unlock: "limited" }, D: { unlock: "limited" } },
  },
  {
    name: "a region deny of everything outside eu-west-1",
    why: "IAM's requests are made in us-east-1, so the IAM tasks are blocked",
    scps: [
      {
        document: doc(deny({ Action: "*", Condition: { StringNotEquals: { "aws:RequestedRegion": ["eu-west-1"] } } })),
        at: [ROOT],
      },
    ],
    expect: {
      A: { iam: "blocked", unlock: "limited" },
      B: { iam: "blocked", unlock: "limited" },
      C: { iam: "blocked", unlock: "limited" },
      D: { iam: "blocked", unlock: "limited" },
    },
  },
  {
    name: "a region deny that exempts root users",
    why: "ArnNotLike on the root ARN is false for root sessions",
    scps: [
      {
        document: doc(
          deny({
            Action: "*",
            Condition: {
              StringNotEquals: { "aws:RequestedRegion": ["eu-west-1"] },
              ArnNotLike: { "aws:PrincipalArn": "arn:aws:iam::*:root" },
            },
          }),
        ),
        at: [ROOT],
      },
    ],
    expect: {},
  },

  {
    name: "a region deny that allows only ap-southeast-6",
    why: "a newer region (the AWS SDK's data has it): the unlock tasks work there and are blocked elsewhere",
    scps: [
      {
        document: doc(deny({ NotAction: "iam:*", Condition: { StringNotEquals: { "aws:RequestedRegion": "ap-southeast-6" } } })),
        at: [ROOT],
      },
    ],
    expect: { A: { unlock: "limited" }, B: { unlock: "limited" }, C: { unlock: "limited" }, D: { unlock: "limited" } },
  },

  // Organization paths and set operators.
  {
    name: "ForAnyValue on Prod's path",
    why: "A and C's paths run through Prod",
    scps: [
      {
        document: doc(
          deny({ Action: "*", Condition: { "ForAnyValue:StringLike": { "aws:PrincipalOrgPaths": `${ORG}/${ROOT}/${PROD}/*` } } }),
        ),
        at: [ROOT],
      },
    ],
    expect: { A: "blocked", C: "blocked" },
  },
  {
    name: "ForAllValues on Dev's path",
    why: "B's only path matches; for the others it does not",
    scps: [
      {
        document: doc(deny({ Action: "*", Condition: { "ForAllValues:StringLike": { "aws:PrincipalOrgPaths": `*/${DEV}/` } } })),
        at: [ROOT],
      },
    ],
    expect: { B: "blocked" },
  },
  {
    name: "ForAnyValue on a single-valued key",
    why: "AWS says not to, and does not document the result",
    scps: [
      {
        document: doc(deny({ Action: "*", Condition: { "ForAnyValue:StringEquals": { "aws:PrincipalAccount": A } } })),
        at: [ROOT],
      },
    ],
    expect: { A: "cannot tell", B: "cannot tell", C: "cannot tell", D: "cannot tell" },
  },
  {
    name: "a multivalued key without a set operator",
    why: "aws:PrincipalOrgPaths needs ForAnyValue or ForAllValues",
    scps: [{ document: doc(deny({ Action: "*", Condition: { StringLike: { "aws:PrincipalOrgPaths": "*" } } })), at: [ROOT] }],
    expect: { A: "cannot tell", B: "cannot tell", C: "cannot tell", D: "cannot tell" },
  },

  // Partitions.
  {
    name: "GovCloud: a root deny written with arn:aws:",
    why: "it matches no principal in aws-us-gov",
    partition: "aws-us-gov",
    scps: [{ document: CLASSIC_ROOT_DENY, at: [ROOT] }],
    expect: {},
  },
  {
    name: "GovCloud: a root deny written with arn:aws-us-gov:",
    why: "it matches every member's root session",
    partition: "aws-us-gov",
    scps: [
      {
        document: doc(deny({ Action: "*", Condition: { ArnLike: { "aws:PrincipalArn": "arn:aws-us-gov:iam::*:root" } } })),
        at: [ROOT],
      },
    ],
    expect: { A: "blocked", B: "blocked", C: "blocked", D: "blocked" },
  },
  {
    name: "GovCloud: this project's guardrail for aws-us-gov",
    why: "exempted like in every partition",
    partition: "aws-us-gov",
    scps: [{ document: rootUserGuardrailDocument("aws-us-gov"), at: [ROOT] }],
    expect: {},
  },
  {
    name: "China: a region deny outside cn-north-1",
    why: "IAM's region in aws-cn is cn-north-1; S3 and SQS are blocked in cn-northwest-1",
    partition: "aws-cn",
    scps: [
      {
        document: doc(deny({ Action: "*", Condition: { StringNotEquals: { "aws:RequestedRegion": "cn-north-1" } } })),
        at: [ROOT],
      },
    ],
    expect: { A: { unlock: "limited" }, B: { unlock: "limited" }, C: { unlock: "limited" }, D: { unlock: "limited" } },
  },

  // Resource control policies: they apply to S3 and SQS, not to IAM, and only their Denies matter.
  {
    name: "an RCP denying bucket-policy deletion",
    why: "RCPs limit what is done to the account's buckets, by anyone, root sessions included",
    rcps: [{ document: doc({ Effect: "Deny", Principal: "*", Action: "s3:DeleteBucketPolicy", Resource: "*" }), at: [ROOT] }],
    expect: { A: { s3: "blocked" }, B: { s3: "blocked" }, C: { s3: "blocked" }, D: { s3: "blocked" } },
  },
  {
    name: "a data-perimeter RCP for the organization",
    why: "StringNotEqualsIfExists aws:PrincipalOrgID is false for a member's root session, so the Deny does not apply",
    rcps: [
      {
        document: doc({
          Effect: "Deny",
          Principal: "*",
          Action: ["s3:*", "sqs:*"],
          Resource: "*",
          Condition: {
            StringNotEqualsIfExists: { "aws:PrincipalOrgID": ORG },
            BoolIfExists: { "aws:PrincipalIsAWSService": "false" },
          },
        }),
        at: [ROOT],
      },
    ],
    expect: {},
  },
  {
    name: "an RCP naming a principal",
    why: "a Principal other than * is something the doctor does not evaluate",
    rcps: [
      {
        document: doc({ Effect: "Deny", Principal: { AWS: "arn:aws:iam::777777777777:root" }, Action: "sqs:*", Resource: "*" }),
        at: [DEV],
      },
    ],
    expect: { B: { unlock: "cannot tell" } },
  },
  {
    name: "an RCP denying iam:*",
    why: "RCPs do not apply to IAM: the credential tasks are untouched",
    rcps: [{ document: doc({ Effect: "Deny", Principal: "*", Action: "iam:*", Resource: "*" }), at: [ROOT] }],
    expect: {},
  },

  // Documents the doctor cannot read.
  {
    name: "an Effect written in lowercase",
    why: "not a documented Effect: the statement may deny anything",
    scps: [{ document: doc({ Effect: "deny", Action: "*", Resource: "*" }), at: [DEV] }],
    expect: { B: "cannot tell" },
  },
  {
    name: "a statement with a Principal",
    why: "SCPs take no Principal: the doctor does not guess what it means",
    scps: [{ document: doc({ Effect: "Deny", Principal: "*", Action: "*", Resource: "*" }), at: [DEV] }],
    expect: { B: "cannot tell" },
  },
];

const GROUPS = {
  iam: ["IAMAuditRootUserCredentials", "IAMDeleteRootUserCredentials", "IAMCreateRootUserPassword"],
  audit: ["IAMAuditRootUserCredentials"],
  delete: ["IAMDeleteRootUserCredentials"],
  password: ["IAMCreateRootUserPassword"],
  unlock: ["S3UnlockBucketPolicy", "SQSUnlockQueuePolicy"],
  s3: ["S3UnlockBucketPolicy"],
  sqs: ["SQSUnlockQueuePolicy"],
} as const;
const TASKS = [...GROUPS.iam, ...GROUPS.unlock];

function setupOf(row: Row): ScpSetup {
  const nodes = [ROOT, PROD, TEAM, DEV, A, B, C, D, M, S];
  const fullAccess = nodes.filter((node) => !row.withoutFullAccess?.includes(node));
  const expected: Record<string, Record<string, string>> = {};
  for (const [member, id] of Object.entries(MEMBERS)) {
    const wanted = row.expect[member as keyof typeof MEMBERS] ?? "works";
    expected[id] = Object.fromEntries(TASKS.map((task) => [task, "works"]));
    if (typeof wanted === "string") {
      for (const task of TASKS) expected[id][task] = wanted;
    } else {
      for (const group of ["iam", "unlock", "audit", "delete", "password", "s3", "sqs"] as const) {
        const verdict = wanted[group];
        if (verdict !== undefined) for (const task of GROUPS[group]) expected[id][task] = verdict;
      }
    }
  }
  const partition = row.partition ?? "aws";
  return {
    name: row.name,
    reasoning: row.why,
    partition,
    organizationId: ORG,
    managementAccountId: M,
    rootId: ROOT,
    ous: [
      { id: PROD, parent: ROOT },
      { id: TEAM, parent: PROD },
      { id: DEV, parent: ROOT },
    ],
    accounts: [
      { id: A, parent: PROD, status: "ACTIVE" },
      { id: B, parent: DEV, status: "ACTIVE" },
      { id: C, parent: TEAM, status: "ACTIVE" },
      { id: D, parent: ROOT, status: "ACTIVE" },
      { id: M, parent: ROOT, status: "ACTIVE" },
      { id: S, parent: PROD, status: "SUSPENDED" },
    ],
    policies: [
      { id: "p-FullAWSAccess", name: "FullAWSAccess", document: doc(allow({ Action: "*" })), targets: fullAccess },
      ...(row.scps ?? []).map((scp, index) => ({
        id: `p-row0000${index}`,
        name: `row policy ${index + 1}`,
        document: scp.document,
        targets: scp.at,
      })),
    ],
    rcps: (row.rcps ?? []).map((rcp, index) => ({
      id: `p-rcp0000${index}`,
      name: `row RCP ${index + 1}`,
      document: rcp.document,
      targets: rcp.at,
    })),
    features: ["RootCredentialsManagement", "RootSessions"],
    expected,
  };
}

describe("what the organization's SCPs let central root sessions do, per task and account", () => {
  it("has at least 60 set-ups, each with its reasoning", () => {
    expect(ROWS.length).toBeGreaterThanOrEqual(60);
    expect(new Set(ROWS.map((row) => row.name)).size).toBe(ROWS.length);
  });

  it.each(ROWS.map((row) => [row.name, row] as const))("%s", (_, row) => {
    // GIVEN the organization of the row WHEN the doctor evaluates it THEN each member account gets AWS's verdict
    const setup = setupOf(row);
    expect({ why: row.why, verdicts: verdictsOf(setup) }).toEqual({ why: row.why, verdicts: setup.expected });
  });
});

// Two corpora, each built from AWS's documentation by someone who did not read the doctor: the first (issue #31),
// and one for the classes issue #38 found (conditions on some names, regions, documented keys, policy variables,
// AWS's two readings of iam:DeleteVirtualMFADevice).
describe.each([
  ["scp-oracle.json", 40],
  ["scp-oracle-classes.json", 100],
])("the independent oracle %s, built from AWS's documentation without reading the doctor", (file, size) => {
  const oracle = JSON.parse(fs.readFileSync(path.join(__dirname, "fixtures", file), "utf8")) as ScpSetup[];

  it("is there, with its reasoning", () => {
    expect(oracle.length).toBeGreaterThanOrEqual(size);
    for (const setup of oracle) expect(setup.reasoning.length).toBeGreaterThan(20);
  });

  it.each(oracle.map((setup) => [setup.name, setup] as const))("%s", (_, setup) => {
    expect({ why: setup.reasoning, verdicts: verdictsOf(setup) }).toEqual({ why: setup.reasoning, verdicts: setup.expected });
  });
});
