import { ConfigError } from "../../stacks/config/config-errors";
import type { AppConfig, StackConfig } from "../../stacks/config/schema";

/**
 * The stack a command names in its arguments (`npm run <program> -- <stack>`); with a single stack
 * configured, the name may be left out. Anything else is a ConfigError saying what was wrong.
 */
export function stackNamedIn(argv: readonly string[], config: AppConfig, program: string): StackConfig {
  const names = config.stacks.map((stack) => stack.name);
  const name = argv[0] ?? (names.length === 1 ? names[0] : undefined);
  const stack = config.stacks.find((candidate) => candidate.name === name);
  if (stack && argv.length <= 1) return stack;
  const problem = argv.length > 1 ? "one stack at a time" : name === undefined ? "name a stack" : `no stack is named "${name}"`;
  throw new ConfigError(`Usage: ${program} <stack> (${problem}); the stacks in ${config.source} are: ${names.join(", ")}`);
}
