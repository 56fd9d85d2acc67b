import type { OrganizationScps, Scp } from "../../scripts/doctor/organization-scps";
import { parsePolicy } from "../../scripts/doctor/policy-document";
import { evaluateRootSessionAccess } from "../../scripts/doctor/root-session-access";
import { rootUserGuardrailDocument } from "../../scripts/shared/root-user-guardrail-policy";
import { tasksOf } from "../../scripts/shared/root-tasks";
import { verdict } from "./benchmarks-file";
import { timeCommand } from "./measure";

// `npm run bench -- doctor`: the doctor's evaluator at AWS's largest organizations (10,000 member accounts under a
// few OUs) for three kinds of organization, and its differential test against the independent IAM simulator on
// 20,000 generated organizations (the unit tier runs a few hundred).

/** Organizations the differential run generates. */
const DIFFERENTIAL_RUNS = 20_000;
/** Its seed: another than the unit tier's, so that the bench looks at organizations the tests do not. */
const DIFFERENTIAL_SEED = 2026;
/** Member accounts of the organizations the evaluator is timed on. */
const ACCOUNTS = 10_000;
const UNITS = 8;

const document = (statements: object[]) => JSON.stringify({ Version: "2012-10-17", Statement: statements });

/** An organization of `size` accounts (10,000 by default) in 8 OUs: FullAWSAccess everywhere, and `extra` SCPs at the root. */
export function generatedOrganization(extra: readonly string[], size = ACCOUNTS): OrganizationScps {
  const scp = (id: string, content: string): Scp => ({ id, name: id, statements: parsePolicy(content) });
  const full = scp("p-FullAWSAccess", document([{ Effect: "Allow", Action: "*", Resource: "*" }]));
  const policies = new Map([
    [full.id, full],
    ...extra.map((content, index) => [`p-extra${index}`, scp(`p-extra${index}`, content)] as const),
  ]);
  const units = new Map(
    Array.from({ length: UNITS }, (_, index) => [
      `ou-root-${index}0000000`,
      { id: `ou-root-${index}0000000`, name: `OU ${index}`, parentId: "r-root" },
    ]),
  );
  const accounts = Array.from({ length: size }, (_, index) => ({
    id: String(100_000_000_000 + index),
    name: `account ${index}`,
    parentId: `ou-root-${index % UNITS}0000000`,
    status: "ACTIVE",
  }));
  const attachments = new Map<string, string[]>([["r-root", [full.id, ...extra.map((_, index) => `p-extra${index}`)]]]);
  for (const id of [...units.keys(), ...accounts.map((account) => account.id)]) attachments.set(id, [full.id]);
  return {
    organizationId: "o-a1b2c3d4e5",
    managementAccountId: "999999999999",
    root: { id: "r-root", name: "Root" },
    scpsEnabled: true,
    units,
    accounts,
    policies,
    attachments,
    rcps: new Map(),
    rcpAttachments: new Map(),
  };
}

// AWS Organizations' example "Deny access to AWS based on the requested AWS Region", and a prefix of buckets.
const REGION_DENY = document([
  {
    Effect: "Deny",
    NotAction: ["iam:*", "organizations:*", "sts:*", "support:*"],
    Resource: "*",
    Condition: {
      StringNotEquals: { "aws:RequestedRegion": ["eu-central-1", "eu-west-1"] },
      ArnNotLike: { "aws:PrincipalARN": ["arn:aws:iam::*:role/Role1AllowedToBypassThisSCP"] },
    },
  },
]);
const PROD_BUCKETS = document([{ Effect: "Deny", Action: "s3:DeleteBucketPolicy", Resource: "arn:aws:s3:::prod-*" }]);

/** Section 11 of BENCHMARKS.md. */
export function doctorFigures(root: string): string {
  const shapes: [string, string[]][] = [
    ["FullAWSAccess only", []],
    ["FullAWSAccess and this project's guardrail", [JSON.stringify(rootUserGuardrailDocument("aws"))]],
    [
      "the guardrail, AWS's region-deny sample and a Deny of prod-* buckets",
      [JSON.stringify(rootUserGuardrailDocument("aws")), REGION_DENY, PROD_BUCKETS],
    ],
  ];
  const tasks = tasksOf(["RootCredentialsManagement", "RootSessions"]);
  const rows = shapes.map(([label, extra]) => {
    const organizationScps = generatedOrganization(extra);
    const started = process.hrtime.bigint();
    const access = evaluateRootSessionAccess(organizationScps, { partition: "aws", tasks });
    const seconds = Number(process.hrtime.bigint() - started) / 1e9;
    const outcomes = [...new Set(access.map((result) => result.outcome))].sort().join(", ");
    return { label, seconds, outcomes };
  });
  const differential = timeCommand(
    "npx",
    ["jest", "--selectProjects", "unit", "--testPathPatterns", "scripts/doctor/differential", "-t", "agrees on"],
    {
      cwd: root,
      env: { ...process.env, DIFFERENTIAL_RUNS: String(DIFFERENTIAL_RUNS), DIFFERENTIAL_SEED: String(DIFFERENTIAL_SEED) },
    },
  );
  const slowest = Math.max(...rows.map((row) => row.seconds));
  return [
    "## 11. The doctor's evaluator at 10,000 accounts, and proven on generated organizations",
    "",
    `The doctor's evaluation alone (every root task in every member account, no AWS call) of ${ACCOUNTS.toLocaleString("en-US")} member accounts in ${UNITS} OUs:`,
    "",
    "| organization | seconds | outcomes |",
    "| --- | ---: | --- |",
    ...rows.map((row) => `| ${row.label} | ${row.seconds.toFixed(2)} | ${row.outcomes} |`),
    "",
    `The differential test against @cloud-copilot/iam-simulate on ${DIFFERENTIAL_RUNS.toLocaleString("en-US")} generated organizations (seed ${DIFFERENTIAL_SEED}): ` +
      `${differential.seconds.toFixed(0)} s, ${differential.cpuSeconds.toFixed(0)} CPU-seconds, no disagreement (the run fails on one).`,
    "",
    verdict(
      slowest <= 30,
      "every organization of 10,000 accounts evaluated within 30 s; no disagreement on 20,000 generated organizations",
      `slowest ${slowest.toFixed(1)} s; the differential run passed`,
    ),
  ].join("\n");
}
