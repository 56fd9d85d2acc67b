import type * as z from "zod";
import { configProblem, keyPath } from "./config-errors";
import type { RuleProblem } from "./schema";

type Issue = z.core.$ZodIssue;

/**
 * One line per problem, in the order zod found them: where it is (the key path as the user wrote it), the bad
 * value, and what is allowed. The schema's `error` phrases say what is allowed; this module only words them.
 */
export function problemsOf(issues: readonly Issue[]): string[] {
  const seen = new Set<string>();
  const lines: string[] = [];
  for (const issue of issues) {
    // A value can fail two checks of one kind (an unsafe integer is also above the maximum): say it once.
    const key = `${issue.code}:${JSON.stringify(issue.path.map(String))}`;
    if (seen.has(key) && issue.code !== "custom") continue;
    seen.add(key);
    lines.push(...linesOf(issue));
  }
  return lines;
}

function linesOf(issue: Issue): string[] {
  const path = keyPath(issue.path);
  const input: unknown = issue.input;
  switch (issue.code) {
    case "invalid_type":
      return [
        input === undefined ? configProblem.missing(path, issue.message) : configProblem.wrongType(path, input, issue.message),
      ];
    case "invalid_value":
      return [configProblem.notOneOf(path, input, issue.values.map(String))];
    case "unrecognized_keys":
      return issue.keys.map((key) => configProblem.unknownKey(path, key, issue.message));
    case "too_small":
      return [
        issue.origin === "array" ? configProblem.empty(path, issue.message) : configProblem.wrongType(path, input, issue.message),
      ];
    case "invalid_union":
      return [discriminatorProblem(path, issue)];
    case "custom":
      return [ruleProblem(path, issue)];
    default:
      return [configProblem.wrongType(path, input, issue.message)];
  }
}

function discriminatorProblem(path: string, issue: z.core.$ZodIssueInvalidUnion): string {
  const { discriminator, options } = issue as { discriminator?: string; options?: unknown[] };
  if (discriminator === undefined || options === undefined) {
    return issue.input === undefined
      ? configProblem.missing(path, issue.message)
      : configProblem.wrongType(path, issue.input, issue.message);
  }
  const value = (issue.input as Record<string, unknown> | undefined)?.[discriminator];
  const allowed = options.map(String);
  return value === undefined
    ? configProblem.missing(path, allowed.map((option) => JSON.stringify(option)).join(" or "))
    : configProblem.notOneOf(path, value, allowed);
}

function ruleProblem(path: string, issue: z.core.$ZodIssueCustom): string {
  const params = issue.params as (RuleProblem & { readonly relativePath: readonly PropertyKey[] }) | undefined;
  switch (params?.kind) {
    case "duplicate": {
      // The first occurrence's path is relative to the same object as the issue's: give it the same prefix.
      const prefix = prefixOf(issue.path, params.relativePath);
      return configProblem.duplicate(path, params.value, keyPath([...prefix, ...params.firstPath]), params.why);
    }
    case "onlyWith":
      return configProblem.onlyWith(path, params.condition, params.remedy);
    case "nameTaken": {
      const stacks = prefixOf(issue.path, params.relativePath);
      return configProblem.nameTaken(
        keyPath([...stacks, issue.path[stacks.length]]),
        { value: params.name, written: params.written },
        keyPath([...stacks, params.first.index]),
        { value: params.first.name, written: params.first.written },
      );
    }
    case "stateTaken": {
      const stacks = prefixOf(issue.path, params.relativePath);
      return configProblem.stateTaken(
        keyPath([...stacks, issue.path[stacks.length]]),
        params,
        keyPath([...stacks, params.first.index]),
        params.first.written,
      );
    }
    case "missing":
      return configProblem.missing(path, params.expected);
    default:
      return configProblem.wrongType(path, issue.input, issue.message);
  }
}

/** The path of the object a rule ran on: the issue's path without the part the rule added. */
function prefixOf(path: readonly PropertyKey[], relativePath: readonly PropertyKey[]): PropertyKey[] {
  return path.slice(0, path.length - relativePath.length);
}
