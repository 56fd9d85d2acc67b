import { runAsProcess } from "../../stacks/command-line";
import { projectRoot } from "../../stacks/config/project-root";
import { silenceSdkNodeVersionNotice } from "../root-access/sdk-notice";
import { rootCredentials } from "./command";

// `npm run root-credentials -- <verb> [<stack>]`: audit, remove and recover member accounts' root credentials.
silenceSdkNodeVersionNotice();
runAsProcess((invocation) => rootCredentials(invocation, projectRoot()));
