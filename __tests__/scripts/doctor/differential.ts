import { Example, TaskAccess, evaluateRootSessionAccess } from "../../../scripts/doctor/root-session-access";
import { PARTITIONS } from "../../../scripts/shared/partitions";
import { ROOT_TASK_DEFINITIONS, tasksOf } from "../../../scripts/shared/root-tasks";
import { NOT_KNOWN, NOW } from "./generated-organizations";
import { organizationOf, type ScpSetup } from "./scp-setups";
import { Sample, simulatorAllowsTask } from "./simulator";

// The doctor against an independent evaluator, on one organization: each verdict of the doctor is checked with the
// simulator on a few requests (a sample, not every request). "works": every sampled request (region, name, values of what is not known, reading) is allowed;
// "blocked": every one is denied; "limited": its example that works is allowed and its blocked one denied, and
// every sampled request in a region it calls blocked is denied; "cannot tell": its two examples, the same request
// in two worlds (or readings), get different answers, unless it names a construct AWS does not document (the
// doctor's documented limits, below), where no evaluator can be the judge.

/** What the doctor documents it cannot evaluate (docs/operations/guardrail-and-doctor.md): "cannot tell" is right. */
export const DOCUMENTED_LIMITS: readonly RegExp[] = [
  /which AWS documents only as|which AWS does not document/,
  /whose result AWS does not document \(it says not to\)/,
  /is multivalued and needs ForAnyValue: or ForAllValues:/,
  /comparison of a \w+ key, which AWS does not define/,
  /is not an ARN of six parts/,
  /which AWS says cannot be used/,
  /AWS says the whole statement might (then )?be invalid/,
  /too large to evaluate/,
  // A key that is not known, and whose values cannot be enumerated (a world for each would not be a finite few).
  /which is not known \([^]*; its values cannot be enumerated: (it is multivalued|a condition compares it with a policy variable|a policy variable names it|its values and those of)/,
];

/** How many random samples check a "works" or "blocked" claim, besides the examples. */
const SAMPLES = 4;

/** A small deterministic generator, so that a failing seed replays exactly. */
function randomFrom(seed: string): () => number {
  let state = [...seed].reduce((hash, char) => (Math.imul(hash, 31) + char.charCodeAt(0)) | 0, 7);
  return () => {
    state = (Math.imul(state ^ (state >>> 15), 2246822507) + 0x9e3779b9) | 0;
    return ((state >>> 0) % 1_000_000) / 1_000_000;
  };
}

/** The keys of {@link NOT_KNOWN} an organization's policies name. */
function notKnownIn(setup: ScpSetup): string[] {
  const text = JSON.stringify([setup.policies, setup.rcps ?? []]).toLowerCase();
  return Object.keys(NOT_KNOWN).filter((key) => text.includes(key.toLowerCase()));
}

/** Random requests of a task: regions, names, worlds and readings drawn from what the organization names. */
function samplesFor(setup: ScpSetup, access: TaskAccess, random: () => number, count: number, region?: string): Sample[] {
  const { requests } = ROOT_TASK_DEFINITIONS[access.task];
  const kind = requests.find((request) => ["bucket", "queue", "virtual MFA device"].includes(request.resource))?.resource;
  const gov = setup.partition === "aws-us-gov";
  const regions = region
    ? [region]
    : kind === "bucket" || kind === "queue"
      ? gov
        ? ["us-gov-west-1", "us-gov-east-1"]
        : ["us-east-1", "eu-west-1", "ap-southeast-6", "mx-central-1"]
      : [PARTITIONS[setup.partition].iamRegion];
  const names =
    kind === "bucket"
      ? ["prod-a", "logs-12", "app", `${access.account.id}-x`, "team-x", "a.b"]
      : kind === "queue"
        ? ["app-q", "q", "prod-a", access.account.id]
        : kind === "virtual MFA device"
          ? ["root-x", "dev"]
          : [undefined];
  const keys = notKnownIn(setup);
  const one = <T>(values: readonly T[]) => values[Math.floor(random() * values.length)];
  return Array.from({ length: count }, () => ({
    region: one(regions),
    ...(kind ? { name: one(names) } : {}),
    world: Object.fromEntries(keys.map((key) => [key, random() < 0.3 ? null : [one(NOT_KNOWN[key])]])),
    ...(kind === "virtual MFA device" ? { reading: one(["device", "root user"] as const) } : {}),
  }));
}

/** A doctor's example as a simulator sample: its world's keys spelled as AWS spells them. */
function sampleOf(example: Example): Sample {
  const spelled = (key: string) => Object.keys(NOT_KNOWN).find((known) => known.toLowerCase() === key) ?? key;
  return {
    region: example.region,
    ...(example.name !== undefined ? { name: example.name } : {}),
    world: Object.fromEntries(Object.entries(example.world).map(([key, values]) => [spelled(key), values])),
    ...(example.reading ? { reading: example.reading.includes("root user") ? "root user" : "device" } : {}),
  };
}

/** Where the doctor and the simulator disagree about one organization: one line each, empty when they agree. */
export async function disagreements(setup: ScpSetup): Promise<string[]> {
  const organization = organizationOf(setup);
  const access = evaluateRootSessionAccess(organization, {
    partition: setup.partition,
    tasks: tasksOf(setup.features),
    now: NOW,
  });
  const random = randomFrom(JSON.stringify(setup));
  const found: string[] = [];
  for (const result of access) {
    const where = `${result.task} in ${result.account.id}: the doctor says ${result.outcome}`;
    const allows = (sample: Sample) => simulatorAllowsTask(setup, result.account.id, result.task, sample);
    const show = (sample: Sample) => JSON.stringify(sample);
    if (result.outcome === "works" || result.outcome === "blocked") {
      for (const sample of samplesFor(setup, result, random, SAMPLES)) {
        if ((await allows(sample)) !== (result.outcome === "works")) {
          found.push(`${where}; the simulator ${result.outcome === "works" ? "denies" : "allows"} ${show(sample)}`);
          break;
        }
      }
    } else if (result.outcome === "limited") {
      if (!result.examples) found.push(`${where} without examples`);
      else {
        if (!(await allows(sampleOf(result.examples.works))))
          found.push(`${where}; the simulator denies its example that works ${show(sampleOf(result.examples.works))}`);
        if (await allows(sampleOf(result.examples.blocked)))
          found.push(`${where}; the simulator allows its blocked example ${show(sampleOf(result.examples.blocked))}`);
      }
      for (const region of result.blockedRegions.slice(0, 3)) {
        for (const sample of samplesFor(setup, result, random, 3, region)) {
          if (await allows(sample)) found.push(`${where}, blocked in ${region}; the simulator allows ${show(sample)}`);
        }
      }
    } else if (result.examples) {
      const works = sampleOf(result.examples.works);
      const blocked = sampleOf(result.examples.blocked);
      // The same request: one region, and one name (but where one reading touches the root user, which has none).
      if (
        works.region !== blocked.region ||
        (works.name !== undefined && blocked.name !== undefined && works.name !== blocked.name)
      )
        found.push(`${where}; its examples are not the same request: ${show(works)} ${show(blocked)}`);
      if (!(await allows(works)) || (await allows(blocked)))
        found.push(`${where}; the simulator does not answer its two examples differently: ${show(works)} ${show(blocked)}`);
    } else {
      const undocumented = result.causes.filter((cause) => !DOCUMENTED_LIMITS.some((limit) => limit.test(cause.construct ?? "")));
      if (undocumented.length > 0 || result.causes.length === 0)
        found.push(`${where} without examples, for ${JSON.stringify(undocumented.map((cause) => cause.construct))}`);
    }
  }
  return found;
}
