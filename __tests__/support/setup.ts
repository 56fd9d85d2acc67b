import { Testing } from "cdktf";
import "aws-sdk-client-mock-jest";

Testing.setupJest();

// The script's entry point (cli.ts) switches off the SDK's Node 20 notice; tests call run() directly.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = "true";
