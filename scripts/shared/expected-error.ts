/**
 * The base of every expected failure (a bad configuration, a bad command line, an AWS refusal the code explains):
 * its message is the whole story, so commands print it as it is, without a stack trace. Only a bug is anything else.
 */
export class ExpectedError extends Error {
  override readonly name: string = "ExpectedError";
}
