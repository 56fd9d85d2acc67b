import { runAsProcess } from "../command-line/command-line";
import { planGate } from "./command";

// `npm run plan-gate -- <plan.json>`: the plan gate as a process.
runAsProcess((invocation) => planGate(invocation));
