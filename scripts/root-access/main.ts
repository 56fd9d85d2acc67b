import { silenceSdkNodeVersionNotice } from "../aws/sdk-notice";
import { runAsProcess } from "../command-line/command-line";
import { execute } from "./command";

// The program terraform's local-exec runs (build/root-access.js, shipped in every stack folder).
silenceSdkNodeVersionNotice();
runAsProcess(execute);
