import { ScriptError } from "./aws-errors";

// Loads no AWS client: the plan gate checks the environment with it before it decides whether to read AWS.

/** The endpoints a run may send to, one per service, as the environment sets them. */
export interface Endpoints {
  readonly iam?: string;
  readonly sts?: string;
  readonly organizations?: string;
}

/**
 * The endpoints set in the environment (the SDK reads them itself; these are for messages about connections),
 * checked first: a malformed AWS_ENDPOINT_URL or AWS_ENDPOINT_URL_<SERVICE> is one line naming the variable and the
 * value, never the SDK's stack trace from inside a call.
 */
export function endpointsFromEnvironment(env: NodeJS.ProcessEnv): Endpoints {
  for (const name of Object.keys(env).filter((key) => /^AWS_ENDPOINT_URL(_[A-Z0-9_]+)?$/.test(key))) {
    checkedEndpoint(env, name);
  }
  const endpoint = (service: string) =>
    checkedEndpoint(env, `AWS_ENDPOINT_URL_${service}`) ?? checkedEndpoint(env, "AWS_ENDPOINT_URL");
  return { iam: endpoint("IAM"), sts: endpoint("STS"), organizations: endpoint("ORGANIZATIONS") };
}

/** One service's endpoint as the environment sets it (AWS_ENDPOINT_URL_<SERVICE>, else AWS_ENDPOINT_URL), checked. */
export function serviceEndpoint(env: NodeJS.ProcessEnv, service: string): string | undefined {
  return checkedEndpoint(env, `AWS_ENDPOINT_URL_${service}`) ?? checkedEndpoint(env, "AWS_ENDPOINT_URL");
}

// Terraform passes unset settings as empty strings: those are unset. Blanks are not (the SDK would read them).
function checkedEndpoint(env: NodeJS.ProcessEnv, name: string): string | undefined {
  const value = env[name];
  if (value === undefined || value === "") return undefined;
  let url: URL | undefined;
  try {
    url = new URL(value);
  } catch {
    url = undefined;
  }
  if (url === undefined || (url.protocol !== "http:" && url.protocol !== "https:")) {
    throw new ScriptError(
      `${name} ${JSON.stringify(value.slice(0, 60))} is not an http(s) URL, for example https://iam.amazonaws.com: ` +
        "correct it, or unset it to use AWS's own endpoints",
    );
  }
  return value;
}
