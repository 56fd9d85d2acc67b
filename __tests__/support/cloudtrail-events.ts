// CloudTrail management events as EventBridge delivers them ("AWS API Call via CloudTrail"), shaped after the
// AssumeRoot record in AWS's IAM User Guide ("Track privileged tasks in AWS CloudTrail"): the caller's identity
// in userIdentity (a role's session names its role in sessionContext.sessionIssuer.arn), the target account
// and the task policy in requestParameters. Built from AWS's documentation, not from the stack's pattern.

const MANAGEMENT = "111111111111";

type Identity = Record<string, unknown>;

/** A role's session, as CloudTrail writes it. */
export function roleSession(roleArn: string, sessionName: string): Identity {
  const role = roleArn.split(":role/")[1];
  const roleName = role.split("/").pop()!;
  return {
    type: "AssumedRole",
    principalId: `AROAEXAMPLEID:${sessionName}`,
    arn: `arn:aws:sts::${MANAGEMENT}:assumed-role/${roleName}/${sessionName}`,
    accountId: MANAGEMENT,
    accessKeyId: "ASIAIOSFODNN7EXAMPLE",
    sessionContext: {
      sessionIssuer: { type: "Role", principalId: "AROAEXAMPLEID", arn: roleArn, accountId: MANAGEMENT, userName: roleName },
      webIdFederationData: {},
      attributes: { creationDate: "2026-12-07T09:00:00Z", mfaAuthenticated: "false" },
    },
  };
}

/** An IAM user, as CloudTrail writes it (no session context). */
export function iamUser(name: string): Identity {
  return {
    type: "IAMUser",
    principalId: "AIDAEXAMPLEID",
    arn: `arn:aws:iam::${MANAGEMENT}:user/${name}`,
    accountId: MANAGEMENT,
    accessKeyId: "AKIAIOSFODNN7EXAMPLE",
    userName: name,
  };
}

/** An STS call as EventBridge receives it from CloudTrail. */
export function stsEvent(
  eventName: string,
  userIdentity: Identity,
  requestParameters: Record<string, unknown>,
  source = "aws.sts",
): Record<string, unknown> {
  return {
    version: "0",
    id: "6f87d04b-9f74-4f04-a780-7acf4b0a9b38",
    "detail-type": "AWS API Call via CloudTrail",
    source,
    account: MANAGEMENT,
    time: "2026-12-07T09:12:11Z",
    region: "us-east-1",
    resources: [],
    detail: {
      eventVersion: "1.08",
      userIdentity,
      eventTime: "2026-12-07T09:12:11Z",
      eventSource: "sts.amazonaws.com",
      eventName,
      awsRegion: "us-east-1",
      sourceIPAddress: "192.0.2.1",
      userAgent: "aws-cli/2.22.0",
      requestParameters,
      responseElements: { credentials: { accessKeyId: "ASIAIOSFODNN7EXAMPLE", expiration: "Dec 7, 2026, 9:27:11 AM" } },
      requestID: "0b6a1c2d-1234-4a5b-9c8d-1e2f3a4b5c6d",
      eventID: "1e2f3a4b-5c6d-4e7f-8a9b-0c1d2e3f4a5b",
      readOnly: true,
      eventType: "AwsApiCall",
      managementEvent: true,
      recipientAccountId: MANAGEMENT,
      eventCategory: "Management",
    },
  };
}

/** sts:AssumeRoot into `target` for the task policy `task`. */
export function assumeRoot(userIdentity: Identity, target = "222222222222", task = "S3UnlockBucketPolicy") {
  return stsEvent("AssumeRoot", userIdentity, {
    targetPrincipal: target,
    taskPolicyArn: { arn: `arn:aws:iam::aws:policy/root-task/${task}` },
  });
}

/** sts:AssumeRole of `roleArn`. */
export function assumeRole(userIdentity: Identity, roleArn: string) {
  return stsEvent("AssumeRole", userIdentity, { roleArn, roleSessionName: "operator" });
}
