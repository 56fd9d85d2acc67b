import { projectRoot } from "../../stacks/config/project-root";
import { runAsProcess } from "../command-line/command-line";
import { policy } from "./command";

// `npm run policy -- <stack>`: the least-privilege policy as a process.
runAsProcess((invocation) => policy(invocation, projectRoot()));
