import { DescribeOrganizationCommand, OrganizationsClient } from "@aws-sdk/client-organizations";
import { GetCallerIdentityCommand, STSClient } from "@aws-sdk/client-sts";
import * as path from "node:path";
import type { StackConfig } from "../../../stacks/config/schema";
import { ClientSettings, createOrganizationsClient, credentialsOf } from "../../aws/aws-clients";
import { EXIT_CODES, Io, UsageError } from "../../command-line/command-line";
import { PlanUnreadable, readPlanFile } from "../../plan-gate/plan";
import { ExpectedError } from "../../shared/expected-error";
import { partitionOfArn } from "../../shared/partitions";
import { statementsOf } from "../../shared/policy-json";
import { tasksOf } from "../../shared/root-tasks";
import { TextFileError, readTextFile } from "../../shared/text-file";
import { readOrganizationScps } from "../organization-scps";
import { OrganizationChange, organizationChanges, touchesOrganization } from "./organization-changes";
import { blocksTheChange, whatIf, whatIfMarkdown, whatIfReport } from "./what-if";

/** What to evaluate: a saved plan's JSON, or a policy document to attach to targets. */
export type WhatIfRequest =
  | { readonly kind: "plan"; readonly file: string }
  | { readonly kind: "policy"; readonly file: string; readonly targets: readonly string[] };

/** The what-if the command line asks for, if any; a UsageError for a combination that means nothing. */
export function whatIfRequest(values: Record<string, unknown>): WhatIfRequest | undefined {
  const plan = values.plan as string | undefined;
  const policy = values.policy as string | undefined;
  const targets = (values.attach as string[] | undefined) ?? [];
  if (plan !== undefined && policy !== undefined) throw new UsageError("doctor: give --plan or --policy, not both");
  if (policy === undefined && targets.length > 0) throw new UsageError("doctor: --attach needs --policy <file>");
  if (policy !== undefined && targets.length === 0) {
    throw new UsageError('doctor: --policy needs at least one --attach <target> ("root", an OU id or an account id)');
  }
  for (const target of targets) {
    if (!/^(root|r-[0-9a-z]{4,32}|ou-[0-9a-z]{4,32}-[a-z0-9]{8,32}|\d{12})$/.test(target)) {
      throw new UsageError(
        `doctor: --attach ${JSON.stringify(target).slice(0, 60)} is not "root", an OU id (ou-...) or a 12-digit account id`,
      );
    }
  }
  if (values.markdown === true && plan === undefined && policy === undefined) {
    throw new UsageError("doctor: --markdown is for --plan or --policy (the stack's own checks have --json)");
  }
  if (values.markdown === true && values.json === true) throw new UsageError("doctor: give --json or --markdown, not both");
  if (values["before-apply"] === true && (plan !== undefined || policy !== undefined)) {
    throw new UsageError("doctor: --before-apply is for the stack's own checks, not with --plan or --policy");
  }
  if (plan !== undefined) return { kind: "plan", file: plan };
  return policy === undefined ? undefined : { kind: "policy", file: policy, targets };
}

const MAX_POLICY_BYTES = 1024 * 1024;

/**
 * `doctor --plan` / `doctor --policy --attach`: the organization read live (a plan's prior_state is not trusted
 * over it), the changes applied, both evaluated for the stack's tasks. Exit 0 when nothing would break, 2 when
 * something would or the answer cannot be told, 1 on an error. A plan that changes no Organizations resource
 * that decides root sessions is answered without an AWS call.
 */
export async function runWhatIf(
  request: WhatIfRequest,
  stack: StackConfig,
  settings: ClientSettings,
  options: { readonly json: boolean; readonly markdown: boolean; readonly cwd: string },
  io: Io,
): Promise<number> {
  const file = path.resolve(options.cwd, request.file);
  let changes: OrganizationChange[];
  try {
    if (request.kind === "plan") {
      const plan = readPlanFile(file);
      if (!touchesOrganization(plan)) {
        const answer = `${request.file} changes no Organizations policy, attachment, policy type, OU or account: nothing to evaluate`;
        io.stdout(
          options.json
            ? JSON.stringify({ stack: stack.name, source: request.file, changes: [], answer }, null, 2)
            : options.markdown
              ? `## Central root sessions\n\n${answer}.`
              : `doctor: ${answer}`,
        );
        return EXIT_CODES.ok;
      }
      changes = organizationChanges(plan);
    } else {
      changes = policyChanges(readTextFile(file, MAX_POLICY_BYTES), request);
    }
  } catch (error) {
    if (error instanceof PlanUnreadable)
      throw new ExpectedError(`doctor: cannot use ${request.file} as a plan: ${error.message}`);
    if (error instanceof TextFileError) throw new ExpectedError(`doctor: cannot read ${request.file} (${error.message})`);
    throw error;
  }
  const organizations: OrganizationsClient = await createOrganizationsClient(settings);
  const caller = await new STSClient({ region: settings.region, credentials: credentialsOf(settings) }).send(
    new GetCallerIdentityCommand({}),
  );
  const { Organization: organization } = await organizations.send(new DescribeOrganizationCommand({}));
  const live = await readOrganizationScps(organizations, {
    id: organization?.Id ?? "",
    managementAccountId: organization?.MasterAccountId ?? "",
  });
  const resolved = changes.map((change) =>
    // "root" in --attach is the organization's root, whose id the live organization gives.
    change.kind === "attach" && "id" in change.target && change.target.id === "root"
      ? { ...change, target: { id: live.root.id } }
      : change,
  );
  const answer = whatIf(live, resolved, {
    partition: partitionOfArn(caller.Arn ?? "") ?? stack.partition,
    tasks: tasksOf(stack.features),
    caller: { accountId: caller.Account ?? "", arn: caller.Arn ?? "", region: stack.region },
  });
  const source = request.kind === "plan" ? `the plan ${request.file}` : `attaching ${request.file}`;
  io.stdout(
    options.json
      ? JSON.stringify(
          { stack: stack.name, source: request.file, organizationId: organization?.Id, changes: resolved, ...answer },
          null,
          2,
        )
      : options.markdown
        ? whatIfMarkdown(answer, resolved, source)
        : whatIfReport(answer, resolved, source),
  );
  return blocksTheChange(answer) ? EXIT_CODES.found : EXIT_CODES.ok;
}

/** A policy document to attach to each target: an RCP when its statements name a Principal (RCPs must), else an SCP. */
function policyChanges(content: string, request: Extract<WhatIfRequest, { kind: "policy" }>): OrganizationChange[] {
  let document: unknown;
  try {
    document = JSON.parse(content);
  } catch (error) {
    throw new ExpectedError(`doctor: ${request.file} is not a JSON policy document (${(error as Error).message})`);
  }
  const type = statementsOf(document).some((statement) => "Principal" in statement) ? "RCP" : "SCP";
  const address = `--policy ${request.file}`;
  return [
    { kind: "put policy", address, policy: { created: address }, type, name: path.basename(request.file), content },
    ...request.targets.map((target): OrganizationChange => ({
      kind: "attach",
      address: `--attach ${target}`,
      policy: { created: address },
      target: { id: target },
    })),
  ];
}
