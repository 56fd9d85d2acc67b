/**
 * The pinned AWS SDK still supports Node 20 but announces its future minimum on every run; logs (terraform's
 * among them) should show our output, not that notice. Only that notice: real warnings and errors still print.
 * An explicit AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED=false keeps it.
 */
export function silenceSdkNodeVersionNotice(): void {
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ||= "true";
}
