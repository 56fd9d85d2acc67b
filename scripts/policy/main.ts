import { runAsProcess } from "../../stacks/command-line";
import { projectRoot } from "../../stacks/config/project-root";
import { policy } from "./command";

// `npm run policy -- <stack>`: the least-privilege policy as a process.
runAsProcess((invocation) => policy(invocation, projectRoot()));
