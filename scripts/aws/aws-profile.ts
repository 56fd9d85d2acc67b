import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";

// What the SDK's default chain hides when credentials come from a named profile: that the profile does not exist
// (the SDK then reports a missing region, or "Could not load credentials from any providers"), or that its
// credential_process failed (the chain tries the next provider and drops the error). Read only after the SDK
// failed, to say why.

/** The profile the environment names (AWS_PROFILE, else AWS_DEFAULT_PROFILE), if any. */
function namedProfile(env: NodeJS.ProcessEnv): string | undefined {
  return env.AWS_PROFILE || env.AWS_DEFAULT_PROFILE || undefined;
}

/** The shared config and credentials files the SDK reads. */
function sharedFiles(env: NodeJS.ProcessEnv): { readonly config: string; readonly credentials: string } {
  const home = env.HOME || os.homedir();
  return {
    config: env.AWS_CONFIG_FILE || path.join(home, ".aws", "config"),
    credentials: env.AWS_SHARED_CREDENTIALS_FILE || path.join(home, ".aws", "credentials"),
  };
}

/** Each section of an INI file (`[profile x]` in config, `[x]` in credentials) with its keys. */
function sections(file: string, prefixed: boolean): Map<string, Record<string, string>> {
  const found = new Map<string, Record<string, string>>();
  let text: string;
  try {
    text = fs.readFileSync(file, "utf8");
  } catch {
    return found;
  }
  let current: Record<string, string> | undefined;
  for (const line of text.split(/\r?\n/)) {
    const header = /^\s*\[\s*([^\]]+?)\s*\]\s*$/.exec(line);
    if (header) {
      const name = prefixed && header[1] !== "default" ? /^profile\s+(.+)$/.exec(header[1])?.[1] : header[1];
      current = name === undefined ? undefined : (found.get(name) ?? {});
      if (name !== undefined && current) found.set(name, current);
      continue;
    }
    const entry = /^\s*([A-Za-z0-9_]+)\s*=\s*(.*?)\s*$/.exec(line);
    if (entry && current) current[entry[1]] = entry[2];
  }
  return found;
}

/**
 * Why the named profile cannot give credentials, when that can be told: it is in neither shared file, or its
 * credential_process fails (run once more, to show its own error). Undefined when no profile is named or no
 * reason is found.
 */
export function profileProblem(env: NodeJS.ProcessEnv): string | undefined {
  const profile = namedProfile(env);
  if (profile === undefined) return undefined;
  const files = sharedFiles(env);
  const settings = { ...sections(files.credentials, false).get(profile), ...sections(files.config, true).get(profile) };
  const variable = env.AWS_PROFILE ? "AWS_PROFILE" : "AWS_DEFAULT_PROFILE";
  if (Object.keys(settings).length === 0 && !sections(files.config, true).has(profile)) {
    return (
      `${variable} names the profile "${profile}", which is in neither ${files.config} nor ${files.credentials}. ` +
      `Check its spelling ("aws configure list-profiles" lists them), or unset ${variable}`
    );
  }
  const command = settings.credential_process;
  if (command === undefined) return undefined;
  const run = spawnSync(command, { shell: true, encoding: "utf8", timeout: 60_000, env });
  if (run.error || run.status !== 0) {
    const said = (run.stderr || run.stdout || run.error?.message || "").trim().split("\n")[0].slice(0, 300);
    const ended = run.error ? run.error.message : `exit ${run.status ?? run.signal}`;
    return `the credential_process of profile "${profile}" (${command}) failed (${ended})${said ? `: ${said}` : ""}`;
  }
  try {
    const output = JSON.parse(run.stdout) as { Version?: unknown; AccessKeyId?: unknown };
    if (output.Version !== 1 || typeof output.AccessKeyId !== "string") throw new Error("no Version 1 or AccessKeyId");
  } catch (error) {
    return (
      `the credential_process of profile "${profile}" (${command}) did not print the JSON the SDK expects ` +
      `({"Version": 1, "AccessKeyId": ..., ...}): ${(error as Error).message}`
    );
  }
  return undefined;
}
