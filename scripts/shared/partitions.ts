// AWS partitions, derived once from a region (config, synth, the program) or an ARN (a caller's identity). Every
// ARN this project writes or matches (the root user, the task policies, the guardrail's condition, the
// least-privilege policies) is built with the partition it is for: an `arn:aws:` ARN matches nobody in GovCloud
// or China.

/**
 * The partitions where IAM's centralized root access exists, and the region IAM's requests are made in. Their
 * regions come from the AWS SDK's data (partition-regions.ts), never from a list written here.
 */
export const PARTITIONS = {
  aws: { name: "commercial", iamRegion: "us-east-1" },
  "aws-us-gov": { name: "AWS GovCloud (US)", iamRegion: "us-gov-west-1" },
  "aws-cn": { name: "China", iamRegion: "cn-north-1" },
} as const;

/** A partition where centralized root access exists, by its ARN name. */
export type Partition = keyof typeof PARTITIONS;

/**
 * The partition of a region, by AWS's naming: `us-gov-*` is GovCloud, `cn-*` China, the isolated partitions'
 * regions (`us-iso-*`, `us-isob-*`, `eu-isoe-*`, `us-isof-*`) are not supported (AWS documents no centralized root
 * access there): undefined. Any other well-formed region is commercial.
 */
export function partitionOfRegion(region: string): Partition | undefined {
  if (region.startsWith("us-gov-")) return "aws-us-gov";
  if (region.startsWith("cn-")) return "aws-cn";
  if (/^[a-z]{2}-iso[a-z]?-/.test(region)) return undefined;
  return "aws";
}

/** The partition an ARN names (`arn:<partition>:...`), or undefined for one this project does not support. */
export function partitionOfArn(arn: string): Partition | undefined {
  const partition = arn.split(":")[1];
  return partition !== undefined && partition in PARTITIONS ? (partition as Partition) : undefined;
}

/** The ARN of an account's root user: what a root session acts as, and what guardrails and policies match. */
export function rootUserArn(partition: Partition, accountId: string): string {
  return `arn:${partition}:iam::${accountId}:root`;
}
