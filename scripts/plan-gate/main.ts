import { runAsProcess } from "../../stacks/command-line";
import { planGate } from "./command";

// `npm run plan-gate -- <plan.json>` (alias: plan-check): the plan gate as a process.
runAsProcess((invocation) => planGate(invocation));
