import { runAsProcess } from "../command-line/command-line";
import { planSummary } from "./command";

// `npm run plan-summary -- <plan.json>`: the plan summary as a process.
runAsProcess(planSummary);
