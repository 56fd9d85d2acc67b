import * as fs from "node:fs";
import * as path from "node:path";
import type { Partition } from "./partitions";

// The regions of each partition, as the AWS SDK for JavaScript ships them with its endpoint rules (the partitions
// data in @aws-sdk/core): a list written by hand goes stale the day AWS opens a region, and a region missing here
// is one where the doctor would call a region-deny SCP "blocked everywhere". Read once, on first use, so that
// what merely imports this (the bundled program) never touches it.

/** Where @aws-sdk/core keeps the partitions data, inside its package. */
const PARTITIONS_FILE = "dist-es/submodules/client/util-endpoints/lib/aws/partitions.js";

interface PartitionsData {
  readonly partitions: readonly {
    readonly id: string;
    readonly regionRegex: string;
    readonly regions: Record<string, unknown>;
  }[];
}

let loaded: ReadonlyMap<string, readonly string[]> | undefined;

/** The regions of a partition, from the AWS SDK's data, sorted (pseudo-regions such as `aws-global` left out). */
export function regionsOf(partition: Partition): readonly string[] {
  loaded ??= readPartitions();
  const regions = loaded.get(partition);
  if (regions === undefined || regions.length === 0) {
    throw new Error(`the AWS SDK's partitions data has no regions for ${partition}: @aws-sdk/core's layout has changed`);
  }
  return regions;
}

function readPartitions(): Map<string, readonly string[]> {
  const file = path.join(path.dirname(require.resolve("@aws-sdk/core/package.json")), PARTITIONS_FILE);
  let data: PartitionsData;
  try {
    const text = fs.readFileSync(file, "utf8");
    data = JSON.parse(text.slice(text.indexOf("{"), text.lastIndexOf("}") + 1)) as PartitionsData;
  } catch (error) {
    throw new Error(
      `cannot read the AWS SDK's partitions data from ${file} (${(error as Error).message}): @aws-sdk/core's layout has changed`,
      { cause: error },
    );
  }
  return new Map(
    data.partitions.map((partition) => {
      const regex = new RegExp(partition.regionRegex);
      return [
        partition.id,
        Object.keys(partition.regions)
          .filter((region) => regex.test(region))
          .sort(),
      ];
    }),
  );
}

/**
 * The commercial regions every account has enabled: those AWS launched before 20 March 2019. A region launched
 * since is disabled until the account opts in; the list never grows. GovCloud and China have no opt-in regions.
 */
const ENABLED_WITHOUT_OPT_IN = [
  "ap-northeast-1",
  "ap-northeast-2",
  "ap-northeast-3",
  "ap-south-1",
  "ap-southeast-1",
  "ap-southeast-2",
  "ca-central-1",
  "eu-central-1",
  "eu-north-1",
  "eu-west-1",
  "eu-west-2",
  "eu-west-3",
  "sa-east-1",
  "us-east-1",
  "us-east-2",
  "us-west-1",
  "us-west-2",
] as const;

/** The regions of a partition that every account has enabled, without opting in. Sorted. */
export function regionsEnabledWithoutOptIn(partition: Partition): readonly string[] {
  return partition === "aws" ? ENABLED_WITHOUT_OPT_IN : regionsOf(partition);
}
