import { Partition, rootUserArn } from "../shared/partitions";
import { Domain, globTokens, pattern } from "./wildcards";

// The request context of a central root session's calls, key by key, as AWS documents it: what the doctor
// evaluates conditions against. One table, read by the evaluator and written to docs/reference/ by `npm run docs`,
// so what the documentation says is what the code does. A key AWS does not document for a root session is not
// known: the doctor considers every value (and its absence) and says "cannot tell" only when the answer changes.

/** The types of condition keys, as AWS's global condition key reference names them. */
export type KeyType = "String" | "ARN" | "Bool" | "Date" | "Numeric" | "IPAddress";

/** What is known of one key in a request. */
export type KeyState = { readonly present: readonly string[]; readonly multivalued: boolean } | "absent" | NotKnown;

/**
 * A key whose value is not known: why, whether it may be absent, and, where AWS documents the possibilities, the
 * only states it can have (`null` for absent) or the shape of its values.
 */
export interface NotKnown {
  readonly notKnown: string;
  readonly type: KeyType;
  readonly multivalued: boolean;
  readonly mayBeAbsent: boolean;
  readonly possible?: readonly (string | null)[];
  readonly domain?: Domain;
}

/** What the context of one request is made of. */
export interface RequestFacts {
  readonly partition: Partition;
  /** The principal's account (the member, in a root session). */
  readonly accountId: string;
  readonly organizationId: string;
  /** aws:PrincipalOrgPaths of the principal's account: `o-.../r-.../ou-.../`. */
  readonly orgPath: string;
  /** The region the request is made in. */
  readonly region: string;
  /** When the request is evaluated (aws:CurrentTime). */
  readonly now: Date;
}

/** One row of the table: a key (or a family ending in "/"), its value in a root session, and AWS's source. */
export interface ContextKeyFact {
  readonly key: string;
  readonly type: KeyType;
  readonly multivalued: boolean;
  /** The value in a root session's request, for the documentation. */
  readonly value: string;
  readonly source: string;
  readonly state: (facts: RequestFacts) => KeyState;
}

const GLOBAL_KEYS = "IAM User Guide, AWS global condition context keys";
const single = (value: string): KeyState => ({ present: [value], multivalued: false });
const notKnown = (notKnownWhy: string, type: KeyType, options: Partial<Omit<NotKnown, "notKnown" | "type">> = {}): NotKnown => ({
  notKnown: notKnownWhy,
  type,
  multivalued: false,
  mayBeAbsent: true,
  ...options,
});

/** The caller's network or client: nothing in the organization tells it. */
const NETWORK = "it depends on the network the session's calls come from";

/**
 * What AWS documents of a central root session's request context, key by key. Keys are matched without case (AWS:
 * "condition key names are not case-sensitive"); a key that ends in "/" is a family (`aws:PrincipalTag/team`).
 */
export const ROOT_SESSION_CONTEXT: readonly ContextKeyFact[] = [
  {
    key: "aws:PrincipalArn",
    type: "ARN",
    multivalued: false,
    value: "`arn:<partition>:iam::<member>:root`",
    source: "IAM User Guide, Centralize root access for member accounts: a session acts as the member's root user",
    state: (facts) => single(rootUserArn(facts.partition, facts.accountId)),
  },
  {
    key: "aws:PrincipalAccount",
    type: "String",
    multivalued: false,
    value: "the member account",
    source: GLOBAL_KEYS,
    state: (facts) => single(facts.accountId),
  },
  {
    key: "aws:PrincipalOrgID",
    type: "String",
    multivalued: false,
    value: "the organization",
    source: GLOBAL_KEYS,
    state: (facts) => single(facts.organizationId),
  },
  {
    key: "aws:PrincipalOrgPaths",
    type: "String",
    multivalued: true,
    value: "the member's path, `o-.../r-.../ou-.../`",
    source: GLOBAL_KEYS,
    state: (facts) => ({ present: [facts.orgPath], multivalued: true }),
  },
  {
    key: "aws:AssumedRoot",
    type: "Bool",
    multivalued: false,
    value: '`"true"`',
    source: `${GLOBAL_KEYS} (aws:AssumedRoot: present only in sessions opened with sts:AssumeRoot)`,
    state: () => single("true"),
  },
  {
    key: "aws:ResourceAccount",
    type: "String",
    multivalued: false,
    value: "the member account (the calls act on its own root user, buckets and queues)",
    source: GLOBAL_KEYS,
    state: (facts) => single(facts.accountId),
  },
  {
    key: "aws:ResourceOrgID",
    type: "String",
    multivalued: false,
    value: "the organization",
    source: GLOBAL_KEYS,
    state: (facts) => single(facts.organizationId),
  },
  {
    key: "aws:ResourceOrgPaths",
    type: "String",
    multivalued: true,
    value: "the member's path",
    source: GLOBAL_KEYS,
    state: (facts) => ({ present: [facts.orgPath], multivalued: true }),
  },
  {
    key: "aws:RequestedRegion",
    type: "String",
    multivalued: false,
    value:
      "the partition's IAM region for IAM calls (`us-east-1`, `us-gov-west-1`, `cn-north-1`); the bucket's or queue's region",
    source: `${GLOBAL_KEYS} (aws:RequestedRegion: global services use their endpoint's region)`,
    state: (facts) => single(facts.region),
  },
  {
    key: "aws:PrincipalTag/",
    type: "String",
    multivalued: false,
    value: "absent",
    source: `${GLOBAL_KEYS} (aws:PrincipalTag: the tags of the IAM user or role; the root user has none)`,
    state: () => "absent",
  },
  {
    key: "aws:PrincipalIsAWSService",
    type: "Bool",
    multivalued: false,
    value: '`"false"`',
    source: `${GLOBAL_KEYS} (present in every request: true only for a service principal)`,
    state: () => single("false"),
  },
  {
    key: "aws:ViaAWSService",
    type: "Bool",
    multivalued: false,
    value: '`"false"`',
    source: `${GLOBAL_KEYS} (present in every request: true only when a service calls on the principal's behalf)`,
    state: () => single("false"),
  },
  ...["aws:CalledVia", "aws:CalledViaFirst", "aws:CalledViaLast"].map((key): ContextKeyFact => ({
    key,
    type: "String",
    multivalued: key === "aws:CalledVia",
    value: "absent (the calls are made directly)",
    source: `${GLOBAL_KEYS} (${key}: present only when a service makes the request on the principal's behalf)`,
    state: () => "absent",
  })),
  ...["aws:PrincipalServiceName", "aws:PrincipalServiceNamesList"].map((key): ContextKeyFact => ({
    key,
    type: "String",
    multivalued: key.endsWith("List"),
    value: "absent (not a service principal)",
    source: `${GLOBAL_KEYS} (${key}: present only for a service principal)`,
    state: () => "absent",
  })),
  ...["aws:SourceAccount", "aws:SourceArn", "aws:SourceOrgID", "aws:SourceOrgPaths"].map((key): ContextKeyFact => ({
    key,
    type: key === "aws:SourceArn" ? "ARN" : "String",
    multivalued: key === "aws:SourceOrgPaths",
    value: "absent (no service calls on the session's behalf)",
    source: `${GLOBAL_KEYS} (${key}: present only when a service calls another on behalf of a resource)`,
    state: () => "absent",
  })),
  {
    key: "aws:SecureTransport",
    type: "Bool",
    multivalued: false,
    value: '`"true"` (the AWS SDK calls over HTTPS)',
    source: `${GLOBAL_KEYS}; the AWS SDK for JavaScript's endpoints are https`,
    state: () => single("true"),
  },
  {
    key: "aws:CurrentTime",
    type: "Date",
    multivalued: false,
    value: "now",
    source: `${GLOBAL_KEYS} (present in every request)`,
    state: (facts) => single(facts.now.toISOString()),
  },
  {
    key: "aws:EpochTime",
    type: "Date",
    multivalued: false,
    value: "now, in seconds since 1970",
    source: `${GLOBAL_KEYS} (present in every request)`,
    state: (facts) => single(String(Math.floor(facts.now.getTime() / 1000))),
  },
  ...["aws:RequestTag/", "aws:TagKeys"].map((key): ContextKeyFact => ({
    key,
    type: "String",
    multivalued: key === "aws:TagKeys",
    value: "absent (the tasks' calls send no tags)",
    source: `${GLOBAL_KEYS} (${key}: present only when the request passes tags)`,
    state: () => "absent",
  })),
  {
    key: "aws:username",
    type: "String",
    multivalued: false,
    value: "absent",
    source: `${GLOBAL_KEYS} (aws:username: present for IAM users only)`,
    state: () => "absent",
  },
  {
    key: "aws:FederatedProvider",
    type: "String",
    multivalued: false,
    value: "absent",
    source: `${GLOBAL_KEYS} (present only for federated principals)`,
    state: () => "absent",
  },
  ...["aws:SourceIp", "aws:VpcSourceIp"].map((key): ContextKeyFact => ({
    key,
    type: "IPAddress",
    multivalued: false,
    value: "not known: the caller's network (absent through a VPC endpoint)",
    source: GLOBAL_KEYS,
    state: () => notKnown(NETWORK, "IPAddress"),
  })),
  ...["aws:SourceVpc", "aws:SourceVpce", "aws:SourceVpcArn"].map((key): ContextKeyFact => ({
    key,
    type: key.endsWith("Arn") ? "ARN" : "String",
    multivalued: false,
    value: "not known: the caller's network (present only through a VPC endpoint)",
    source: GLOBAL_KEYS,
    state: () => notKnown(NETWORK, key.endsWith("Arn") ? "ARN" : "String"),
  })),
  ...["aws:UserAgent", "aws:Referer"].map((key): ContextKeyFact => ({
    key,
    type: "String",
    multivalued: false,
    value: "not known: the caller's client",
    source: GLOBAL_KEYS,
    state: () => notKnown("it depends on the client that makes the session's calls", "String"),
  })),
  {
    key: "aws:MultiFactorAuthPresent",
    type: "Bool",
    multivalued: false,
    value: "not known: AWS does not document it for root sessions (CloudTrail records `mfaAuthenticated` false for them)",
    source: `${GLOBAL_KEYS}; IAM User Guide, Track privileged tasks in CloudTrail`,
    state: () => notKnown("AWS does not document it for root sessions", "Bool"),
  },
  {
    key: "aws:PrincipalType",
    type: "String",
    multivalued: false,
    value: "not known: AWS documents `Account` for the root user, but not for a root session",
    source: GLOBAL_KEYS,
    state: () => notKnown("AWS does not document it for root sessions", "String", { mayBeAbsent: false }),
  },
  {
    key: "aws:ResourceTag/",
    type: "String",
    multivalued: false,
    value: "not known: the bucket's or queue's tags",
    source: GLOBAL_KEYS,
    state: () => notKnown("it depends on the tags of the bucket or queue", "String"),
  },
  {
    key: "aws:TokenIssueTime",
    type: "Date",
    multivalued: false,
    value: "not known: when the session was opened",
    source: GLOBAL_KEYS,
    state: () => notKnown("it is when the session was opened", "Date", { mayBeAbsent: false }),
  },
];

const BY_KEY = new Map(ROOT_SESSION_CONTEXT.map((fact) => [fact.key.toLowerCase(), fact]));

/** The fact for a key, by name or by family (`aws:principaltag/team` → aws:PrincipalTag/). */
export function contextFact(key: string): ContextKeyFact | undefined {
  const lower = key.toLowerCase();
  const slash = lower.indexOf("/");
  return BY_KEY.get(lower) ?? (slash > 0 ? BY_KEY.get(lower.slice(0, slash + 1)) : undefined);
}

/** What a request context says of a key: lowercase key → state. */
export type RequestContext = (key: string) => KeyState;

/** A central root session's request context. */
export function rootSessionContext(facts: RequestFacts): RequestContext {
  return (key) => {
    const fact = contextFact(key);
    return fact ? fact.state(facts) : undocumented(key);
  };
}

/** A key nobody documents for these requests (a service's own keys, `s3:...`, among them). */
function undocumented(key: string): NotKnown {
  return notKnown(`AWS does not document ${key} for these requests`, "String");
}

/** Who opens the sessions when it is not the management account: IAM's delegated administrator's principal. */
export interface Caller {
  readonly accountId: string;
  /** `arn:...:iam::<account>:user/...`, or `arn:...:sts::<account>:assumed-role/<role>/<session>`. */
  readonly arn: string;
  readonly region: string;
}

/**
 * The context of the caller's own sts:AssumeRoot request: its principal (an IAM user, or a role whose path the
 * session ARN does not show: `arn:<partition>:iam::<account>:role/<path><name>`, every path considered), its
 * account and organization path, and the task it asks for; its tags and how it signed in are not known.
 */
export function assumeRootCallerContext(facts: RequestFacts, caller: Caller, taskPolicyArn: string): RequestContext {
  const role = /^arn:([\w-]+):sts::(\d{12}):assumed-role\/([^/]+)\//.exec(caller.arn);
  const user = /^arn:[\w-]+:iam::\d{12}:user\//.test(caller.arn);
  const own: Record<string, KeyState> = {
    "aws:principalarn": role
      ? notKnown("the role's path is not in the caller's session ARN", "ARN", {
          mayBeAbsent: false,
          domain: {
            prefix: `arn:${role[1]}:iam::${role[2]}:role`,
            alphabet: PATH_CHARACTERS,
            first: "/",
            minLength: 0,
            maxLength: 511,
            excluded: NOT_ROLE_PATHS,
            suffix: `/${role[3]}`,
          },
        })
      : user
        ? single(caller.arn)
        : notKnown("the caller's ARN is neither an IAM user's nor an assumed role's", "ARN", { mayBeAbsent: false }),
    "aws:principaltype": role ? single("AssumedRole") : user ? single("User") : undocumented("aws:PrincipalType"),
    "aws:assumedroot": "absent",
    "sts:taskpolicyarn": single(taskPolicyArn),
    "aws:multifactorauthpresent": notKnown("it depends on how the caller signed in", "Bool"),
    "aws:resourceaccount": undocumented("aws:ResourceAccount"),
    "aws:resourceorgid": undocumented("aws:ResourceOrgID"),
    "aws:resourceorgpaths": { ...undocumented("aws:ResourceOrgPaths"), multivalued: true },
  };
  const base = rootSessionContext(facts);
  return (key) => {
    const lower = key.toLowerCase();
    if (lower in own) return own[lower];
    if (lower.startsWith("aws:principaltag/")) return notKnown("the caller's principal may have tags", "String");
    return base(key);
  };
}

/** The characters of an IAM path and name (IAM User Guide, IAM identifiers). */
/** A role's path is "/" or "/a/.../": between "role" and the name, no empty segment. */
const NOT_ROLE_PATHS = [pattern(globTokens("*//*")), pattern(globTokens("*/"))];

const PATH_CHARACTERS = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_+=,.@-/";
