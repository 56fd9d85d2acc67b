import { createHash } from "node:crypto";
import * as fs from "node:fs";

const known = new Map<string, string>();

/**
 * The hash cdktf's TerraformAsset gives a file (md5 of its bytes, first 32 hex digits, upper case), computed
 * once per file version for all the stacks of a synth instead of once per stack: with 25 organizations,
 * hashing the 600 KB script bundle was a fifth of the synth.
 */
export function assetHashOf(file: string): string {
  const { size, mtimeMs } = fs.statSync(file);
  const key = `${file}:${size}:${mtimeMs}`;
  let hash = known.get(key);
  if (hash === undefined) {
    hash = createHash("md5").update(fs.readFileSync(file)).digest("hex").slice(0, 32).toUpperCase();
    known.set(key, hash);
  }
  return hash;
}
