// Stands in for cdktf/lib/tokens/private/stack-trace.js in build/main.js. cdktf records the full call stack
// of every token it creates, for error messages about tokens that cannot be resolved; that is about a
// millisecond per stack. Such errors are programming errors, which the tests (running cdktf unbundled,
// with stack traces) catch; the app users run skips the recording. CDK Terrain (cdktn, cdktf's community
// fork) names the function captureCreationStack: both are here, so the stub fits either.
function noStack() {
  return [];
}
exports.captureStackTrace = noStack;
exports.captureCreationStack = noStack;
