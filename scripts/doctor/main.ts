import { projectRoot } from "../../stacks/config/project-root";
import { silenceSdkNodeVersionNotice } from "../aws/sdk-notice";
import { runAsProcess } from "../command-line/command-line";
import { doctor } from "./command";

// `npm run doctor -- [<stack>]`: whether centralized root access works in the organization, and what to change.
silenceSdkNodeVersionNotice();
runAsProcess((invocation) => doctor(invocation, projectRoot()));
