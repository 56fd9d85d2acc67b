import { projectRoot } from "../../stacks/config/project-root";
import { silenceSdkNodeVersionNotice } from "../aws/sdk-notice";
import { runAsProcess } from "../command-line/command-line";
import { rootCredentials } from "./command";

// `npm run root-credentials -- <verb> [<stack>]`: audit, remove and recover member accounts' root credentials.
silenceSdkNodeVersionNotice();
runAsProcess((invocation) => rootCredentials(invocation, projectRoot()));
