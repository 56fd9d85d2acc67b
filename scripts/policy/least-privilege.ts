import type { StackConfig } from "../../stacks/config/schema";
import { ROOT_ACCESS_FEATURES } from "../shared/program-contract";
import { rootUserArn } from "../shared/partitions";
import { coveredRegions } from "../shared/root-activity";
import { ROOT_TASKS, taskPolicyArn } from "../shared/root-tasks";
import type { PolicyDocument, PolicyStatement } from "./policy-types";
import { rootActivityAlertStatements } from "./root-activity-statements";

export type { PolicyDocument, PolicyStatement } from "./policy-types";

// What the AWS provider calls to read aws_organizations_organization (resource, import and data source).
const ORGANIZATION_READS = [
  "organizations:DescribeOrganization",
  "organizations:ListAccounts",
  "organizations:ListAWSServiceAccessForOrganization",
  "organizations:ListRoots",
];

// npm run doctor, in the pipeline: which SCPs are attached where; terraform reads the guardrail the same way.
const SERVICE_CONTROL_POLICY_READS: PolicyStatement = {
  Sid: "ReadServiceControlPolicies",
  Effect: "Allow",
  Action: [
    "organizations:ListPolicies",
    "organizations:DescribePolicy",
    "organizations:ListTargetsForPolicy",
    "organizations:ListAccountsForParent",
    "organizations:ListOrganizationalUnitsForParent",
  ],
  Resource: "*",
};

/**
 * The least-privilege policy for running one stack: organization reads, only the writes its mode performs, the
 * IAM root access actions its features need, the state bucket (and lock) when state is in S3, and
 * sts:AssumeRole when it assumes a role. Never
 * DisableAWSServiceAccess or DisablePolicyType (this project never removes either), and
 * DeleteOrganization only for a created organization with allowOrganizationDestroy.
 */
/**
 * The read-only policy of a pipeline's plan job: what `terraform plan`, the plan gate, `npm run doctor` and
 * the scheduled root-credentials audit read, and no write to AWS but the state lock (plan takes it). The apply
 * job needs {@link leastPrivilegePolicy}.
 */
export function planPolicy(stack: StackConfig): PolicyDocument {
  const reads = [
    ...ORGANIZATION_READS,
    // Terraform refreshes the features' state (native) and reads the registered delegated administrators (import).
    "iam:ListOrganizationsFeatures",
    ...(stack.delegatedAdministratorAccountId ? ["organizations:ListDelegatedAdministrators"] : []),
    ...(stack.rootUserGuardrail ? ["organizations:ListTagsForResource"] : []),
  ];
  const statements: PolicyStatement[] = [
    { Sid: "ReadOrganization", Effect: "Allow", Action: reads, Resource: "*" },
    SERVICE_CONTROL_POLICY_READS,
  ];
  statements.push(...rootActivityAlertStatements(stack, "read"));
  if (stack.features.includes("RootCredentialsManagement")) {
    statements.push(rootSessions(stack, "AuditMemberRootCredentials", ROOT_TASKS.audit, "all"), MANAGEMENT_ROOT_USER_READ);
  }
  statements.push(...stateStatements(stack, "read"), ...assumeRoleStatements(stack));
  return { Version: "2012-10-17", Statement: statements };
}

// npm run root-credentials -- audit reads the management account's own root user (its evidence covers it too):
// no root session opens there, its own principals read it.
const MANAGEMENT_ROOT_USER_READ: PolicyStatement = {
  Sid: "ReadManagementRootUser",
  Effect: "Allow",
  Action: ["iam:GetAccountSummary"],
  Resource: "*",
};

export function leastPrivilegePolicy(stack: StackConfig): PolicyDocument {
  const { mode } = stack.organization;
  const statements: PolicyStatement[] = [{ Sid: "ReadOrganization", Effect: "Allow", Action: ORGANIZATION_READS, Resource: "*" }];

  const organizationWrites = [
    ...(mode === "create" ? ["organizations:CreateOrganization"] : []),
    ...(mode !== "external" ? ["organizations:EnableAWSServiceAccess"] : []),
    ...(mode === "create" && stack.allowOrganizationDestroy ? ["organizations:DeleteOrganization"] : []),
  ];
  if (organizationWrites.length > 0) {
    statements.push({ Sid: "ManageOrganization", Effect: "Allow", Action: organizationWrites, Resource: "*" });
  }
  if (mode === "create") {
    // CreateOrganization creates Organizations' service-linked role.
    statements.push({
      Sid: "CreateOrganizationsServiceLinkedRole",
      Effect: "Allow",
      Action: ["iam:CreateServiceLinkedRole"],
      Resource: "*",
      Condition: { StringEquals: { "iam:AWSServiceName": "organizations.amazonaws.com" } },
    });
  }
  if (stack.delegatedAdministratorAccountId) {
    statements.push({
      Sid: "ManageIamDelegatedAdministrator",
      Effect: "Allow",
      Action: [
        "organizations:ListDelegatedAdministrators",
        "organizations:RegisterDelegatedAdministrator",
        "organizations:DeregisterDelegatedAdministrator",
      ],
      Resource: "*",
    });
  }
  statements.push({
    Sid: "ManageRootAccessFeatures",
    Effect: "Allow",
    Action: [
      "iam:ListOrganizationsFeatures",
      ...stack.features.map((feature) => `iam:EnableOrganizations${feature}`),
      // Disabling is how a feature removed from the config (or a destroyed stack) is turned off.
      ...ROOT_ACCESS_FEATURES.map((feature) => `iam:DisableOrganizations${feature}`),
    ],
    Resource: "*",
  });
  statements.push(SERVICE_CONTROL_POLICY_READS);
  if (stack.rootUserGuardrail) {
    statements.push({
      Sid: "ManageRootUserGuardrail",
      Effect: "Allow",
      Action: [
        // The guardrail is an SCP: its policy type is enabled where the stack manages the organization.
        ...(mode !== "external" ? ["organizations:EnablePolicyType"] : []),
        "organizations:CreatePolicy",
        "organizations:UpdatePolicy",
        "organizations:AttachPolicy",
        "organizations:ListTagsForResource",
        // Taking it down (removed from the config, or a target dropped): the plan gate refuses such a plan.
        "organizations:DetachPolicy",
        "organizations:DeletePolicy",
      ],
      Resource: "*",
    });
  }
  statements.push(...rootActivityAlertStatements(stack, "manage"));
  if (stack.features.includes("RootCredentialsManagement")) {
    // npm run root-credentials -- audit, with the stack's settings: read-only sessions in any member account.
    statements.push(rootSessions(stack, "AuditMemberRootCredentials", ROOT_TASKS.audit, "all"), MANAGEMENT_ROOT_USER_READ);
  }
  if (stack.rootCredentials) {
    statements.push(rootSessions(stack, "RemoveMemberRootCredentials", ROOT_TASKS.delete, stack.rootCredentials.remove));
  }
  statements.push(...stateStatements(stack), ...assumeRoleStatements(stack));
  return { Version: "2012-10-17", Statement: statements };
}

/**
 * The policy of an operator who runs `npm run root-task` (break glass): sts:AssumeRoot in any member account for
 * the two unlock tasks only, and the Organizations reads the command makes before it opens a session. Neither
 * policy of the pipeline has these rights.
 */
export function breakGlassPolicy(stack: StackConfig): PolicyDocument {
  const { partition } = stack;
  return {
    Version: "2012-10-17",
    Statement: [
      {
        Sid: "ReadMemberAccount",
        Effect: "Allow",
        Action: ["organizations:DescribeOrganization", "organizations:DescribeAccount"],
        Resource: "*",
      },
      {
        Sid: "UnlockBucketAndQueuePolicies",
        Effect: "Allow",
        Action: ["sts:AssumeRoot"],
        Resource: rootUserArn(partition, "*"),
        Condition: {
          StringEquals: {
            "sts:TaskPolicyArn": [ROOT_TASKS.unlockBucketPolicy, ROOT_TASKS.unlockQueuePolicy].map((task) =>
              taskPolicyArn(task, partition),
            ),
            ...alertedRegions(stack),
          },
        },
      },
      ...assumeRoleStatements(stack),
    ],
  };
}

// sts:AssumeRoot on the member accounts' root users, for one task policy only (the sts:TaskPolicyArn key).
function rootSessions(
  stack: StackConfig,
  sid: string,
  task: (typeof ROOT_TASKS)[keyof typeof ROOT_TASKS],
  accounts: "all" | readonly string[],
): PolicyStatement {
  return {
    Sid: sid,
    Effect: "Allow",
    Action: ["sts:AssumeRoot"],
    Resource: accounts === "all" ? rootUserArn(stack.partition, "*") : accounts.map((id) => rootUserArn(stack.partition, id)),
    Condition: { StringEquals: { "sts:TaskPolicyArn": taskPolicyArn(task, stack.partition), ...alertedRegions(stack) } },
  };
}

/**
 * With root-activity alerts, sts:AssumeRoot only through STS in the regions they cover: CloudTrail records the
 * call in the region of the endpoint used, and a policy this command prints must not open a session the alerts
 * cannot see.
 */
function alertedRegions(stack: StackConfig): Record<string, readonly string[]> {
  return stack.rootActivityAlerts === undefined ? {} : { "aws:RequestedRegion": [...coveredRegions(stack)].sort() };
}

// The state object (read only for a plan, which never writes it) and its lock, which a plan takes too.
function stateStatements(stack: StackConfig, access: "read" | "read-write" = "read-write"): PolicyStatement[] {
  const statements: PolicyStatement[] = [];
  if (stack.backend.type === "s3") {
    const { bucket, key, useLockfile, dynamodbTable, region } = stack.backend;
    const { partition } = stack;
    statements.push(
      { Sid: "ListStateBucket", Effect: "Allow", Action: ["s3:ListBucket"], Resource: `arn:${partition}:s3:::${bucket}` },
      {
        Sid: access === "read" ? "ReadState" : "ReadWriteState",
        Effect: "Allow",
        Action: access === "read" ? ["s3:GetObject"] : ["s3:GetObject", "s3:PutObject"],
        Resource: `arn:${partition}:s3:::${bucket}/${key}`,
      },
    );
    if (useLockfile) {
      statements.push({
        Sid: "StateLockFile",
        Effect: "Allow",
        Action: ["s3:GetObject", "s3:PutObject", "s3:DeleteObject"],
        Resource: `arn:${partition}:s3:::${bucket}/${key}.tflock`,
      });
    }
    if (dynamodbTable) {
      statements.push({
        Sid: "StateLockTable",
        Effect: "Allow",
        Action: ["dynamodb:DescribeTable", "dynamodb:GetItem", "dynamodb:PutItem", "dynamodb:DeleteItem"],
        Resource: `arn:${partition}:dynamodb:${region}:*:table/${dynamodbTable}`,
      });
    }
  }
  return statements;
}

function assumeRoleStatements(stack: StackConfig): PolicyStatement[] {
  return stack.assumeRoleArn
    ? [{ Sid: "AssumeDeployRole", Effect: "Allow", Action: ["sts:AssumeRole"], Resource: stack.assumeRoleArn }]
    : [];
}
