import { createIamClient, createOrganizationsClient } from "../aws/aws-clients";
import { ScriptError } from "../aws/aws-errors";
import { ServiceAccessWait } from "../aws/service-access-wait";
import { EXIT_CODES, Invocation } from "../command-line/command-line";
import { removeRootCredentials } from "../root-credentials/removal";
import { FeatureSwitch } from "./feature-switch";
import { parseCommand } from "./options";
import { OrganizationDeletion } from "./organization-deletion";
import { USAGE } from "./program-errors";

/**
 * Executes one command line of the program; returns the exit code (the commands' codes: 0 done and in the desired
 * state, 1 an error, a wrong command line included, 2 drift found by check). One JSON result line goes to stdout,
 * progress and errors to stderr. Expected failures print their explanation, never a stack.
 */
export async function execute({ argv, env, io }: Invocation): Promise<number> {
  try {
    const command = parseCommand(argv, env);
    if (command.help) {
      io.stdout(USAGE);
      return EXIT_CODES.ok;
    }
    const { options } = command;
    const log = (line: string) => io.stderr(`root-access: ${line}`);
    if (options.verb === "check-deletable") {
      if (!options.deleteOrganization) {
        log("the organization is kept (allowOrganizationDestroy is not set): nothing to check");
        return EXIT_CODES.ok;
      }
      const deletion = new OrganizationDeletion(
        await createOrganizationsClient(options),
        { ...options, endpoint: options.endpoints.organizations },
        log,
      );
      io.stdout(JSON.stringify(await deletion.check()));
      return EXIT_CODES.ok;
    }
    if (options.verb === "remove-root-credentials") {
      const result = await removeRootCredentials(options, log);
      io.stdout(JSON.stringify(result));
      return result.failed.length > 0 ? EXIT_CODES.failed : EXIT_CODES.ok;
    }
    const featureSwitch = new FeatureSwitch(
      createIamClient(options),
      options,
      new ServiceAccessWait({ seconds: options.waitSeconds, stack: options.stack }, log),
      log,
    );
    if (options.verb === "check") {
      const result = await featureSwitch.check(options.features);
      io.stdout(JSON.stringify(result));
      return result.inDesiredState ? EXIT_CODES.ok : EXIT_CODES.found;
    }
    const [feature] = options.features;
    const result = options.verb === "enable" ? await featureSwitch.enable(feature) : await featureSwitch.disable(feature);
    io.stdout(JSON.stringify(result));
    return EXIT_CODES.ok;
  } catch (error) {
    io.stderr(
      error instanceof ScriptError
        ? `root-access: error: ${error.message}`
        : `root-access: unexpected error: ${(error as Error)?.stack ?? String(error)}`,
    );
    return EXIT_CODES.failed;
  }
}
