import { Testing } from "cdktf";
import * as path from "node:path";
import { parseAppConfig } from "../../stacks/config/load";
import type { StackConfig } from "../../stacks/config/schema";
import { RootAccessStack } from "../../stacks/root-access-stack";

/** Synthesized Terraform JSON, read loosely: tests pick the parts they assert on. */
export type Json = Record<string, any>;

/** Stands in for build/root-access.js: synth tests only hash and reference the asset. */
export const SCRIPT_BUNDLE = path.join(__dirname, "fixtures", "root-access.js");

/** One stack's validated config, named "root-access", with `fields` as a config file would write them. */
export function configWith(fields: Record<string, unknown> = {}): StackConfig {
  return parseAppConfig({ stacks: [{ name: "root-access", ...fields }] }, "test").stacks[0];
}

/** The stack's cdk.tf.json, as text (for cdktf's matchers). */
export function synth(fields: Record<string, unknown> = {}): string {
  const config = configWith(fields);
  return Testing.synth(new RootAccessStack(Testing.app(), config.name, { config, scriptBundle: SCRIPT_BUNDLE }));
}

/** The stack's cdk.tf.json, parsed. */
export function synthJson(fields: Record<string, unknown> = {}): Json {
  return JSON.parse(synth(fields));
}
