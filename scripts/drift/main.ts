import { runAsProcess } from "../../stacks/command-line";
import { projectRoot } from "../../stacks/config/project-root";
import { silenceSdkNodeVersionNotice } from "../root-access/sdk-notice";
import { drift } from "./command";

// `npm run drift -- <stack>`: the drift check as a process.
silenceSdkNodeVersionNotice();
runAsProcess((invocation) => drift(invocation, projectRoot()));
