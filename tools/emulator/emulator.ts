import { StartingEmulator, forkEmulator, spawnEmulator } from "./server";

/** The account moto gives to its default test credentials: the management account of an organization they create. */
export const EMULATOR_ACCOUNT_ID = "123456789012";

/** Faults the emulator can inject into IAM's root access operations. */
export type EmulatorFault = "none" | "server-error" | "drop";

/** Knobs of a running emulator. */
export interface EmulatorSettings {
  /** Seconds after IAM trusted access is enabled during which IAM still answers ServiceAccessNotEnabledException. */
  readonly serviceAccessLagSeconds?: number;
  /** Fail every root access call with HTTP 500 (past the SDK's retries) or by dropping the connection. */
  readonly fault?: EmulatorFault;
  /** Per "service:Action": seconds between handling a call and replying to it. */
  readonly replyDelaySeconds?: Readonly<Record<string, number>>;
  /** Per "service:Action": how many of the next calls are handled and then lose their reply (the connection closes). */
  readonly dropReplies?: Readonly<Record<string, number>>;
  /**
   * Per "service:Action": how many of the next calls are handled and then hold their reply until {@link
   * Emulator.release} (a test keeps a terraform run at one point, such as inside its state lock, however slow
   * the machine).
   */
  readonly holdReplies?: Readonly<Record<string, number>>;
  /** Per "service:Action": how many of the next calls are answered with the service's throttling error. */
  readonly throttleCalls?: Readonly<Record<string, number>>;
  /** Seconds before ListOrganizationsFeatures shows an Enable or Disable (propagation). */
  readonly featureLagSeconds?: number;
  /** What IAM does with enabled features when its trusted access is disabled; AWS does not say. Default "kept". */
  readonly featuresWhenTrustedAccessDisabled?: "kept" | "forgotten";
  /** What a member account that is not IAM's delegated administrator gets from Enable*; AWS may answer either. */
  readonly memberEnableError?: "CallerIsNotManagementAccount" | "AccountNotManagementOrDelegatedAdministrator";
  /** Which features sts:AssumeRoot needs: the task's own (credential tasks RootCredentialsManagement) or both. */
  readonly assumeRootFeatures?: "by-task" | "both";
  /** sts:AssumeRoot calls accepted per second before Throttling; 0 for no limit. */
  readonly assumeRootCallsPerSecond?: number;
  /**
   * The limiter's shape, which AWS does not document: "window" (default), at most that many calls in any one
   * second; "bucket", a token bucket refilled at that rate, holding `assumeRootBurst` calls (default one second's).
   */
  readonly assumeRootLimiter?: "window" | "bucket";
  readonly assumeRootBurst?: number;
  /** Root sessions expire after this many seconds, whatever DurationSeconds asked; null for DurationSeconds. */
  readonly rootSessionSeconds?: number | null;
  /** "service:Action" names refused in every root session, as an SCP denying them would (AccessDenied). */
  readonly rootSessionDeniedActions?: readonly string[];
  /** Each account's first root session (per task) expires after this many calls: a session that ran out midway. */
  readonly firstRootSessionCalls?: number | null;
  /** sts:AssumeRole credentials expire after this many seconds (ExpiredToken after that); null for moto's hour. */
  readonly roleSessionSeconds?: number | null;
  /** Per account id: the opt-in regions it has enabled (DescribeRegions lists them as "opted-in"). */
  readonly optedInRegions?: Readonly<Record<string, readonly string[]>>;
}

/** Root-user credentials to give a member account (`Emulator.seedRootUser`). */
export interface RootUserSeed {
  readonly accountId: string;
  readonly password?: boolean;
  readonly accessKeys?: readonly { readonly status?: "Active" | "Inactive"; readonly lastUsed?: boolean }[];
  readonly mfaDevices?: readonly { readonly type: "virtual" | "hardware" }[];
  readonly signingCertificates?: readonly { readonly status?: "Active" | "Inactive" }[];
}

/** One sts:AssumeRoot session the emulator issued, and what it did. */
export interface RootSessionRecord {
  readonly caller: string;
  readonly accountId: string;
  readonly task: string;
  /** ["iam:DeleteAccessKey", "allowed" | "denied" | "expired"], in order. */
  readonly actions: readonly (readonly [string, string])[];
}

/** Every emulator server started here and not yet stopped, started or still starting. */
const started = new Set<StartingEmulator>();

/**
 * A local AWS (moto 5.2.1 plus the root access extension) on a free loopback port. It stops when `stop()` is
 * called, and also when this process dies: the server exits when its standard input (or, forked, its
 * connection to the fork server) closes.
 */
export class Emulator {
  /**
   * Where `start()` forks its servers from instead of starting python (`EmulatorForkServer`); the tests set it
   * from FORK_SERVER_VARIABLE. Unset, as in every program, each emulator is its own python process.
   */
  static forkServer: string | undefined;

  private constructor(
    private readonly server: StartingEmulator,
    /** The URL to put in AWS_ENDPOINT_URL. */
    readonly endpoint: string,
  ) {}

  /**
   * Starts the emulator and resolves once it accepts connections; fails with python's output if it cannot.
   * A python or port of its own always starts a new process; otherwise it is forked when `forkServer` is set.
   */
  static async start(options: { readonly python?: string; readonly port?: number } = {}): Promise<Emulator> {
    const forkServer = options.python === undefined && options.port === undefined ? Emulator.forkServer : undefined;
    const starting = forkServer
      ? forkEmulator(forkServer)
      : spawnEmulator(options.python ?? process.env.PYTHON ?? "python3", String(options.port ?? 0));
    started.add(starting);
    try {
      return new Emulator(starting, await starting.endpoint);
    } catch (error) {
      started.delete(starting);
      throw error;
    }
  }

  /**
   * An environment that points any AWS tool (the SDK, terraform's provider, the AWS CLI) at the emulator with
   * moto's test credentials. Every AWS_* variable of `base` is dropped first, so no real profile, credentials or
   * endpoint can leak in.
   */
  environment(base: NodeJS.ProcessEnv = process.env): NodeJS.ProcessEnv {
    const clean = Object.fromEntries(Object.entries(base).filter(([name]) => !name.startsWith("AWS_")));
    return {
      ...clean,
      AWS_ENDPOINT_URL: this.endpoint,
      AWS_ACCESS_KEY_ID: "test",
      AWS_SECRET_ACCESS_KEY: "test",
      AWS_REGION: "us-east-1",
      AWS_CONFIG_FILE: "/dev/null",
      AWS_SHARED_CREDENTIALS_FILE: "/dev/null",
      AWS_EC2_METADATA_DISABLED: "true",
    };
  }

  /** How many times each action was called since the last reset, keyed "service:Action". */
  async calls(): Promise<Record<string, number>> {
    return this.control("GET", "calls");
  }

  /** The CPU time and peak memory the emulator itself has used since it started (for benchmarks). */
  async usage(): Promise<{ readonly cpuSeconds: number; readonly peakMb: number }> {
    return this.control("GET", "usage");
  }

  /** The owner of `endpoint` confirms its pending email subscriptions (the link in AWS's message); returns how many. */
  async confirmSubscription(endpoint: string): Promise<number> {
    return (await this.control<{ confirmed: number }>("POST", "confirm-subscription", { endpoint })).confirmed;
  }

  /**
   * Replies held now (the `holdReplies` knob), and S3 writes refused by their If-None-Match condition since the
   * last reset (a terraform that found the state lock taken).
   */
  async held(): Promise<{ readonly held: number; readonly conditionalWritesRefused: number }> {
    return this.control("GET", "held");
  }

  /** Sends every held reply. */
  async release(): Promise<void> {
    await this.control("POST", "release");
  }

  /** How many client connections sent a request since the last reset. */
  async connectionsOpened(): Promise<number> {
    return (await this.control<{ opened: number }>("GET", "connections")).opened;
  }

  /** Changes the lag and fault knobs; unspecified ones keep their value. */
  async configure(settings: EmulatorSettings): Promise<void> {
    await this.control("POST", "settings", settings);
  }

  /** Gives a member account's root user credentials (password, access keys, MFA devices, signing certificates). */
  async seedRootUser(seed: RootUserSeed): Promise<void> {
    await this.control("POST", "root-user", seed);
  }

  /** Every root session issued since the last reset, with the calls it made. */
  async rootSessions(): Promise<RootSessionRecord[]> {
    return this.control("GET", "root-sessions");
  }

  /** moto's reset: every account's state, plus the extension's features, counters and knobs. */
  async reset(): Promise<void> {
    const response = await fetch(`${this.endpoint}/moto-api/reset`, { method: "POST" });
    if (!response.ok) throw new Error(`emulator reset failed: HTTP ${response.status}`);
  }

  /** Stops the server and waits for it to exit. */
  async stop(): Promise<void> {
    started.delete(this.server);
    await this.server.stop();
  }

  /**
   * Stops every emulator this process started, including one whose start was abandoned (a timed-out test):
   * resolves with how many were still running.
   */
  static async stopAll(): Promise<number> {
    const servers = [...started];
    started.clear();
    await Promise.all(servers.map((server) => server.stop()));
    return servers.length;
  }

  private async control<T>(method: "GET" | "POST", route: string, body?: unknown): Promise<T> {
    const response = await fetch(`${this.endpoint}/_org-root-access/${route}`, {
      method,
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const value = await response.json();
    if (!response.ok) throw new Error(`emulator ${route}: ${JSON.stringify(value)}`);
    return value as T;
  }
}
