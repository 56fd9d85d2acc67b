import { keepSchemas, keepSchemasInReply, wireFields } from "./provider-schema";

/** A protobuf varint. */
function varint(value: number): Buffer {
  const bytes: number[] = [];
  while (value >= 128) {
    bytes.push((value % 128) | 0x80);
    value = Math.floor(value / 128);
  }
  bytes.push(value);
  return Buffer.from(bytes);
}

/** A length-delimited field. */
function field(number: number, payload: Buffer | string): Buffer {
  const bytes = Buffer.from(payload);
  return Buffer.concat([varint(number * 8 + 2), varint(bytes.length), bytes]);
}

/** A map<string, Schema> entry: key 1, value 2. */
function entry(number: number, key: string, schema: string): Buffer {
  return field(number, Buffer.concat([field(1, key), field(2, schema)]));
}

/** The type names in one map field of a reply. */
function keys(reply: Buffer, number: number): string[] {
  return wireFields(reply)
    .filter((f) => f.number === number)
    .map((f) =>
      wireFields(f.payload!)
        .find((inner) => inner.number === 1)!
        .payload!.toString(),
    );
}

/** A GetProviderSchema.Response with two resources, two data sources, a function and server capabilities. */
const response = Buffer.concat([
  field(1, "provider schema"),
  entry(2, "aws_organizations_organization", "organization schema"),
  entry(2, "aws_s3_bucket", "bucket schema"),
  entry(3, "aws_organizations_organization", "organization data schema"),
  entry(3, "aws_caller_identity", "caller data schema"),
  entry(7, "arn_parse", "function"),
  entry(8, "aws_secretsmanager_secret_version", "ephemeral schema"),
  Buffer.concat([varint(6 * 8 + 2), varint(2), Buffer.from([0x08, 0x01])]),
  Buffer.concat([varint(5 * 8 + 0), varint(300)]), // a varint field, as a future protocol might add
]);

describe("the provider schema the shared provider's proxy hands terraform", () => {
  const types = new Set(["aws_organizations_organization"]);

  it("keeps only the schemas of the given types, and everything else whole", () => {
    // GIVEN the provider's reply WHEN it is trimmed to the organization
    const trimmed = keepSchemas(response, types);
    // THEN resources, data sources and ephemeral resources keep only that type
    expect(keys(trimmed, 2)).toEqual(["aws_organizations_organization"]);
    expect(keys(trimmed, 3)).toEqual(["aws_organizations_organization"]);
    expect(keys(trimmed, 8)).toEqual([]);
    // AND the provider's own schema, its functions and capabilities pass unchanged, in order
    expect(wireFields(trimmed).map((f) => f.number)).toEqual([1, 2, 3, 7, 6, 5]);
    expect(trimmed.includes(Buffer.from("organization schema"))).toBe(true);
    expect(trimmed.includes(Buffer.from("bucket schema"))).toBe(false);
    expect(keys(trimmed, 7)).toEqual(["arn_parse"]);
  });

  it("frames the trimmed reply as one gRPC message", () => {
    // GIVEN the reply as gRPC sends it: no compression flag, a 4-byte length, the message
    const prefix = Buffer.from([0, 0, 0, 0, 0]);
    prefix.writeUInt32BE(response.length, 1);
    // WHEN it is trimmed
    const reply = keepSchemasInReply(Buffer.concat([prefix, response]), types)!;
    // THEN the length prefix matches the trimmed message
    expect(reply[0]).toBe(0);
    expect(reply.readUInt32BE(1)).toBe(reply.length - 5);
    expect(reply.subarray(5)).toEqual(keepSchemas(response, types));
  });

  it("leaves a reply it cannot read as one uncompressed message alone", () => {
    // GIVEN a compressed reply, and one whose length prefix does not match WHEN each is trimmed THEN neither is
    const compressed = Buffer.concat([Buffer.from([1, 0, 0, 0, 3]), Buffer.from("abc")]);
    const truncated = Buffer.concat([Buffer.from([0, 0, 0, 0, 9]), Buffer.from("abc")]);
    expect(keepSchemasInReply(compressed, types)).toBeUndefined();
    expect(keepSchemasInReply(truncated, types)).toBeUndefined();
  });

  it("fails on a field that runs past the end of the message", () => {
    // GIVEN a field that claims 10 bytes and has 3 WHEN it is read THEN it fails, saying where
    const broken = Buffer.concat([varint(1 * 8 + 2), varint(10), Buffer.from("abc")]);
    expect(() => wireFields(broken)).toThrow("protobuf field at byte 0 runs past the end (5)");
  });
});
