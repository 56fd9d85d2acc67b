import { projectRoot } from "../../stacks/config/project-root";
import { silenceSdkNodeVersionNotice } from "../aws/sdk-notice";
import { runAsProcess } from "../command-line/command-line";
import { drift } from "./command";

// `npm run drift -- <stack>`: the drift check as a process.
silenceSdkNodeVersionNotice();
runAsProcess((invocation) => drift(invocation, projectRoot()));
