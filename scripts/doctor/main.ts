import { runAsProcess } from "../../stacks/command-line";
import { projectRoot } from "../../stacks/config/project-root";
import { silenceSdkNodeVersionNotice } from "../root-access/sdk-notice";
import { doctor } from "./command";

// `npm run doctor -- [<stack>]`: whether centralized root access works in the organization, and what to change.
silenceSdkNodeVersionNotice();
runAsProcess((invocation) => doctor(invocation, projectRoot()));
