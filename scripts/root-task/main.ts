import { projectRoot } from "../../stacks/config/project-root";
import { silenceSdkNodeVersionNotice } from "../aws/sdk-notice";
import { runAsProcess } from "../command-line/command-line";
import { rootTask } from "./command";

// `npm run root-task -- <task> [<stack>] --account <id> ...`: break-glass tasks in one member account.
silenceSdkNodeVersionNotice();
runAsProcess((invocation) => rootTask(invocation, projectRoot()));
