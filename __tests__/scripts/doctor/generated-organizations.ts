import fc from "fast-check";
import type { ScpSetup } from "./scp-setups";

// Organizations nobody wrote by hand, for the doctor's differential test: a root, a chain of up to two OUs, one to
// three member accounts (two of them side by side under one OU, which the doctor may evaluate once), FullAWSAccess
// detached at random levels (an allow list there instead), and SCPs and an RCP built from a grammar over the root
// tasks' actions (wildcards, NotAction), resources (Resource and NotResource, partial names, digits, policy
// variables with and without defaults, in and out of the resource part), the String, ARN, Bool, Null, Numeric,
// Date and IpAddress operators (IPv4 and IPv6) with IfExists, set operators, and the keys of a root session's
// context, known and not known.

/** When every generated request is evaluated: aws:CurrentTime and aws:EpochTime. */
export const NOW = new Date("2026-12-07T12:00:00Z");

export const ORGANIZATION = "o-a1b2c3d4e5";
export const ROOT = "r-root";
export const OU1 = "ou-root-aaaaaaaa";
export const OU2 = "ou-root-bbbbbbbb";
export const MANAGEMENT = "999999999999";
export const MEMBER = "111111111111";
export const OTHER = "222222222222";
export const BESIDE = "333333333333";

/** The keys a generated policy may name whose value a root session's request does not show, with the values to try. */
export const NOT_KNOWN: Readonly<Record<string, readonly string[]>> = {
  "aws:SourceIp": ["192.0.2.10", "198.51.100.7", "10.1.2.3", "203.0.113.5", "2001:db8::1", "2001:db9::1"],
  "aws:SourceVpce": ["vpce-1a2b", "vpce-9", "x"],
  "aws:SourceVpc": ["vpc-9", "vpce-1a2b", "x"],
  "aws:ResourceTag/env": ["prod", "dev"],
  "aws:UserAgent": ["terraform/1.11", "curl"],
  "aws:MultiFactorAuthPresent": ["true", "false"],
};

const pick = <T>(...values: T[]) => fc.constantFrom(...values);
const chance = (percent: number) => fc.integer({ min: 0, max: 99 }).map((roll) => roll < percent);
const maybeIfExists = (operator: string) => pick(operator, `${operator}IfExists`);

function conditionEntry(partition: string): fc.Arbitrary<[string, string, string[]]> {
  const entry = (operators: fc.Arbitrary<string>, key: fc.Arbitrary<string>, values: fc.Arbitrary<string[]>) =>
    fc.tuple(operators, key, values);
  const some = (...values: string[]) => fc.subarray(values, { minLength: 1 });
  const stringOperator = pick("StringEquals", "StringNotEquals", "StringLike", "StringNotLike", "StringEqualsIgnoreCase").chain(
    maybeIfExists,
  );
  return fc.oneof(
    entry(stringOperator, pick("aws:PrincipalAccount"), some(MEMBER, OTHER, BESIDE, "1111*", "3*")),
    entry(stringOperator, pick("aws:PrincipalOrgID"), some(ORGANIZATION, "o-zzzzzzzzzz")),
    entry(stringOperator, pick("aws:RequestedRegion"), some("us-east-1", "eu-west-1", "ap-southeast-6", "us-gov-west-1", "eu-*")),
    entry(
      pick("ArnLike", "ArnNotLike", "ArnEquals", "ArnNotEquals").chain(maybeIfExists),
      pick("aws:PrincipalArn"),
      some(
        `arn:${partition}:iam::*:root`,
        `arn:${partition}:iam::*:role/*`,
        `arn:${partition}:iam::${MEMBER}:root`,
        "arn:aws:iam::*:root",
      ),
    ),
    entry(
      pick("Bool").chain(maybeIfExists),
      pick("aws:AssumedRoot", "aws:SecureTransport", "aws:ViaAWSService", "aws:PrincipalIsAWSService"),
      some("true", "false"),
    ),
    entry(
      pick("Null"),
      pick("aws:AssumedRoot", "aws:PrincipalTag/team", "aws:SourceVpc", "aws:CalledVia"),
      some("true", "false"),
    ),
    entry(
      pick("ForAnyValue:StringLike", "ForAllValues:StringLike", "ForAnyValue:StringNotLike"),
      pick("aws:PrincipalOrgPaths"),
      some(`${ORGANIZATION}/${ROOT}/*`, `${ORGANIZATION}/${ROOT}/${OU1}/*`, `*/${OU2}/*`),
    ),
    entry(
      pick("ForAnyValue:StringEquals", "ForAllValues:StringEquals"),
      pick("aws:CalledVia"),
      some("cloudformation.amazonaws.com"),
    ),
    entry(stringOperator, pick("aws:PrincipalTag/team"), some("platform")),
    entry(
      pick("DateGreaterThan", "DateLessThan", "DateGreaterThanEquals", "DateLessThanEquals", "DateEquals", "DateNotEquals"),
      pick("aws:CurrentTime"),
      some("2020-01-01T00:00:00Z", "2099-01-01T00:00:00Z", NOW.toISOString()),
    ),
    entry(
      pick("NumericLessThan", "NumericLessThanEquals", "NumericGreaterThan", "NumericGreaterThanEquals", "NumericEquals"),
      pick("aws:EpochTime"),
      some("1577836800", String(NOW.getTime() / 1000), "4070908800"),
    ),
    entry(pick("StringEquals", "StringNotEquals"), pick("aws:ResourceAccount"), some("${aws:PrincipalAccount}")),
    entry(
      pick("IpAddress", "NotIpAddress").chain(maybeIfExists),
      pick("aws:SourceIp"),
      some("192.0.2.0/24", "198.51.100.7", "10.0.0.0/8", "2001:db8::/32"),
    ),
    entry(stringOperator, pick("aws:SourceVpce", "aws:SourceVpc"), some("vpce-1a2b", "vpce-*", "vpc-9")),
    entry(pick("StringEquals", "StringNotEquals"), pick("aws:ResourceTag/env"), some("prod")),
    entry(pick("StringLike", "StringNotLike"), pick("aws:UserAgent"), some("*terraform*")),
    entry(pick("Bool"), pick("aws:MultiFactorAuthPresent"), some("true", "false")),
  );
}

const ACTIONS = [
  "*",
  "iam:*",
  "s3:*",
  "sqs:*",
  "iam:Get*",
  "iam:List*",
  "iam:Delete*",
  "iam:*LoginProfile",
  "iam:DeleteVirtualMFADevice",
  "iam:CreateLoginProfile",
  "iam:GetAccountSummary",
  "s3:GetBucketPolicy",
  "s3:DeleteBucketPolicy",
  "s3:*BucketPolicy",
  "sqs:SetQueueAttributes",
  "sqs:?etQueueAttributes",
  "ec2:*",
];

function resources(partition: string): string[] {
  const p = partition;
  return [
    "*",
    `arn:${p}:s3:::*`,
    `arn:${p}:s3:::prod-*`,
    `arn:${p}:s3:::logs-??`,
    `arn:${p}:s3:::\${aws:PrincipalAccount}-*`,
    `arn:${p}:s3:::\${aws:PrincipalTag/team, 'prod'}-*`,
    `arn:${p}:s3:::*/*`,
    `arn:${p}:sqs:*:*:*`,
    `arn:${p}:sqs:us-east-1:*:*`,
    `arn:${p}:sqs:*:\${aws:PrincipalAccount}:*`,
    `arn:${p}:sqs:*:*:app-*`,
    `arn:${p}:sqs:*`,
    `arn:${p}:iam::*:root`,
    `arn:${p}:iam::*:mfa/*`,
    `arn:${p}:iam::*:mfa/root-*`,
    `arn:${p}:iam::${MEMBER}:root`,
    `arn:${p}:sqs:*:${BESIDE}:*`,
    `arn:${p}:iam::${BESIDE}:*`,
    `arn:${p}:sqs:*:3*:*`,
    `arn:${p}:sqs:*:*:3*`,
    `arn:${p}:iam::*:user/*`,
  ];
}

function statement(partition: string, effect: fc.Arbitrary<"Allow" | "Deny">, rcp = false): fc.Arbitrary<object> {
  const actions = rcp
    ? fc.subarray(["s3:*", "sqs:*", "s3:DeleteBucketPolicy", "sqs:SetQueueAttributes"], { minLength: 1 })
    : fc.subarray(ACTIONS, { minLength: 1, maxLength: 3 });
  return fc
    .record({
      Effect: effect,
      action: fc.tuple(rcp ? fc.constant(false) : chance(15), actions),
      resource: fc.tuple(fc.boolean(), fc.subarray(resources(partition), { minLength: 1, maxLength: 2 })),
      notResource: fc.boolean(),
      conditions: fc.array(conditionEntry(partition), { maxLength: 2 }),
    })
    .map(({ Effect, action: [notAction, actionList], resource: [anyResource, resourceList], notResource, conditions }) => {
      const condition: Record<string, Record<string, string[]>> = {};
      for (const [operator, key, values] of conditions) (condition[operator] ??= {})[key] = values;
      return {
        Effect,
        ...(rcp ? { Principal: "*" } : {}),
        [notAction ? "NotAction" : "Action"]: actionList,
        [notResource && !anyResource ? "NotResource" : "Resource"]: anyResource ? "*" : resourceList,
        ...(conditions.length > 0 ? { Condition: condition } : {}),
      };
    });
}

const document = (statements: object[]) => ({ Version: "2012-10-17", Statement: statements });

/** A generated organization, in the shape the doctor's set-ups and oracles share. */
export const generatedOrganization: fc.Arbitrary<ScpSetup> = fc
  .record({
    partition: fc.constantFrom("aws", "aws", "aws", "aws-us-gov"),
    depth: fc.integer({ min: 0, max: 2 }),
    otherAt: fc.constantFrom<string | undefined>(undefined, ROOT, OU1),
    beside: chance(30),
    withoutFullAccess: fc.array(chance(15), { minLength: 6, maxLength: 6 }),
  })
  .chain(({ partition, depth, otherAt, beside, withoutFullAccess }) => {
    const units = [OU1, OU2].slice(0, depth);
    const memberParent = units[units.length - 1] ?? ROOT;
    const otherParent = otherAt === OU1 && depth === 0 ? ROOT : otherAt;
    const members = [MEMBER, ...(otherParent ? [OTHER] : []), ...(beside ? [BESIDE] : [])];
    const nodes = [ROOT, ...units, ...members];
    const full = nodes.filter((_, index) => !withoutFullAccess[index]);
    const bare = nodes.filter((node) => !full.includes(node));
    return fc
      .record({
        allowLists: fc.array(fc.array(statement(partition, fc.constant("Allow")), { minLength: 1, maxLength: 2 }), {
          minLength: bare.length,
          maxLength: bare.length,
        }),
        scps: fc.array(
          fc.record({
            statements: fc.array(statement(partition, fc.constantFrom("Allow", "Deny", "Deny")), { minLength: 1, maxLength: 2 }),
            at: fc.constantFrom(...nodes),
          }),
          { maxLength: 3 },
        ),
        rcps: fc.array(
          fc.record({
            statements: fc.array(statement(partition, fc.constant("Deny"), true), { minLength: 1, maxLength: 1 }),
            at: fc.constantFrom(...nodes),
          }),
          {
            maxLength: 1,
          },
        ),
      })
      .map(({ allowLists, scps, rcps }): ScpSetup => ({
        name: "generated",
        reasoning: "generated",
        partition,
        organizationId: ORGANIZATION,
        managementAccountId: MANAGEMENT,
        rootId: ROOT,
        ous: units.map((id, index) => ({ id, parent: index === 0 ? ROOT : units[index - 1] })),
        accounts: [
          { id: MANAGEMENT, parent: ROOT, status: "ACTIVE" },
          { id: MEMBER, parent: memberParent, status: "ACTIVE" },
          ...(otherParent ? [{ id: OTHER, parent: otherParent, status: "ACTIVE" }] : []),
          ...(beside ? [{ id: BESIDE, parent: memberParent, status: "ACTIVE" }] : []),
        ],
        policies: [
          {
            id: "p-FullAWSAccess",
            name: "FullAWSAccess",
            document: document([{ Effect: "Allow", Action: "*", Resource: "*" }]),
            targets: full,
          },
          ...bare.map((node, index) => ({
            id: `p-allow${index}`,
            name: `allow list ${index}`,
            document: document(allowLists[index]),
            targets: [node],
          })),
          ...scps.map((scp, index) => ({
            id: `p-scp${index}`,
            name: `scp ${index}`,
            document: document(scp.statements),
            targets: [scp.at],
          })),
        ],
        rcps: rcps.map((rcp, index) => ({
          id: `p-rcp${index}`,
          name: `rcp ${index}`,
          document: document(rcp.statements),
          targets: [rcp.at],
        })),
        features: ["RootCredentialsManagement", "RootSessions"],
        expected: {},
      }));
  });
