// S3's naming rules for general purpose buckets (Amazon S3 User Guide, "General purpose bucket naming rules"),
// read by the break-glass command before it opens a root session and by the doctor for the names a bucket may
// have. One list, so that both mean the same bucket names.

/** Prefixes S3 reserves: no bucket name starts with them. */
export const RESERVED_BUCKET_PREFIXES = ["xn--", "sthree-", "amzn-s3-demo-"] as const;

/** Suffixes S3 reserves for access point, Object Lambda, Multi-Region Access Point, directory and table bucket names. */
export const RESERVED_BUCKET_SUFFIXES = ["-s3alias", "--ol-s3", ".mrap", "--x-s3", "--table-s3"] as const;

/** Why `name` cannot be a general purpose bucket's name, or undefined when it can. */
export function bucketNameProblem(name: string): string | undefined {
  if (name.length < 3 || name.length > 63) return `is ${name.length} characters long, and a bucket name is 3 to 63`;
  if (!/^[a-z0-9.-]+$/.test(name)) return "has characters other than lowercase letters, digits, '.' and '-'";
  if (!/^[a-z0-9]/.test(name) || !/[a-z0-9]$/.test(name)) return "does not begin and end with a letter or a digit";
  if (name.includes("..")) return "has two adjacent periods";
  if (/^\d+\.\d+\.\d+\.\d+$/.test(name)) return "is formatted as an IP address";
  const prefix = RESERVED_BUCKET_PREFIXES.find((reserved) => name.startsWith(reserved));
  if (prefix) return `starts with ${prefix}, which S3 reserves`;
  const suffix = RESERVED_BUCKET_SUFFIXES.find((reserved) => name.endsWith(reserved));
  if (suffix) return `ends with ${suffix}, which S3 reserves for other resources`;
  return undefined;
}
