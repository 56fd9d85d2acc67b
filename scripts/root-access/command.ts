import { createIamClient, createOrganizationsClient } from "./aws-clients";
import { ScriptError, USAGE } from "./errors";
import { parseCommand } from "./options";
import { FeatureSwitch } from "./feature-switch";
import { OrganizationDeletion } from "./organization-deletion";
import { removeRootCredentials } from "./root-credentials-removal";
import { ServiceAccessWait } from "./service-access-wait";

/** Where the script writes: one JSON result line to `stdout`, progress and errors to `stderr`. */
export interface Io {
  readonly stdout: (line: string) => void;
  readonly stderr: (line: string) => void;
}

/** Exit codes: success (and in desired state), error, drift found by check. */
export const EXIT = { ok: 0, error: 1, drift: 2 } as const;

/** Executes one command line; returns the exit code. Expected failures print their explanation, never a stack. */
export async function execute(argv: readonly string[], env: NodeJS.ProcessEnv, io: Io): Promise<number> {
  try {
    const command = parseCommand(argv, env);
    if (command.help) {
      io.stdout(USAGE);
      return EXIT.ok;
    }
    const { options } = command;
    const log = (line: string) => io.stderr(`root-access: ${line}`);
    if (options.verb === "check-deletable") {
      if (!options.deleteOrganization) {
        log("the organization is kept (allowOrganizationDestroy is not set): nothing to check");
        return EXIT.ok;
      }
      const deletion = new OrganizationDeletion(
        await createOrganizationsClient(options),
        { ...options, endpoint: options.endpoints.organizations },
        log,
      );
      io.stdout(JSON.stringify(await deletion.check()));
      return EXIT.ok;
    }
    if (options.verb === "remove-root-credentials") {
      const result = await removeRootCredentials(options, log);
      io.stdout(JSON.stringify(result));
      return result.failed.length > 0 ? EXIT.error : EXIT.ok;
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
      return result.inDesiredState ? EXIT.ok : EXIT.drift;
    }
    const [feature] = options.features;
    const result = options.verb === "enable" ? await featureSwitch.enable(feature) : await featureSwitch.disable(feature);
    io.stdout(JSON.stringify(result));
    return EXIT.ok;
  } catch (error) {
    io.stderr(
      error instanceof ScriptError
        ? `root-access: error: ${error.message}`
        : `root-access: unexpected error: ${(error as Error)?.stack ?? String(error)}`,
    );
    return EXIT.error;
  }
}
