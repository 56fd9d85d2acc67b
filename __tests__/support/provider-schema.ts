/**
 * The fields of tfplugin5's GetProviderSchema.Response that map a type name to its schema: resource_schemas (2),
 * data_source_schemas (3), ephemeral_resource_schemas (8), list_resource_schemas (9), action_schemas (10). The
 * provider's own schema, provider_meta, functions, diagnostics and server capabilities pass whole.
 */
const SCHEMA_MAPS: ReadonlySet<number> = new Set([2, 3, 8, 9, 10]);

/** Protobuf wire types this reader understands (3 and 4, groups, are in no tfplugin5 message). */
const VARINT = 0;
const FIXED64 = 1;
const LENGTH_DELIMITED = 2;
const FIXED32 = 5;

/** One field of a protobuf message as it is on the wire: its number, its payload when length-delimited, all its bytes. */
interface WireField {
  readonly number: number;
  readonly payload?: Buffer;
  readonly bytes: Buffer;
}

/**
 * A GetProviderSchema.Response with only the resource, data source (and ephemeral, list, action) schemas of
 * `types`; everything else as it was. Reads only the reply's top level and each map entry's key, so the schemas
 * it keeps are the provider's bytes unchanged.
 */
export function keepSchemas(response: Buffer, types: ReadonlySet<string>): Buffer {
  const kept = wireFields(response).filter((field) => !SCHEMA_MAPS.has(field.number) || types.has(mapEntryKey(field)));
  return Buffer.concat(kept.map((field) => field.bytes));
}

/**
 * A unary gRPC reply body (one uncompressed length-prefixed message) with {@link keepSchemas} applied, or
 * undefined when the body is not one such message, which the caller then passes on as it is.
 */
export function keepSchemasInReply(body: Buffer, types: ReadonlySet<string>): Buffer | undefined {
  if (body.length < 5 || body[0] !== 0 || body.readUInt32BE(1) !== body.length - 5) return undefined;
  const message = keepSchemas(body.subarray(5), types);
  const prefix = Buffer.alloc(5);
  prefix.writeUInt32BE(message.length, 1);
  return Buffer.concat([prefix, message]);
}

/** The fields of one message, in order. */
export function wireFields(message: Buffer): WireField[] {
  const fields: WireField[] = [];
  let at = 0;
  while (at < message.length) {
    const start = at;
    const [key, afterKey] = varint(message, at);
    const wireType = key % 8;
    at = afterKey;
    let payload: Buffer | undefined;
    if (wireType === VARINT) at = varint(message, at)[1];
    else if (wireType === FIXED64) at += 8;
    else if (wireType === FIXED32) at += 4;
    else if (wireType === LENGTH_DELIMITED) {
      const [length, afterLength] = varint(message, at);
      payload = message.subarray(afterLength, afterLength + length);
      at = afterLength + length;
    } else throw new Error(`unsupported protobuf wire type ${wireType} at byte ${start}`);
    if (at > message.length) throw new Error(`protobuf field at byte ${start} runs past the end (${message.length})`);
    fields.push({ number: Math.floor(key / 8), payload, bytes: message.subarray(start, at) });
  }
  return fields;
}

/** The string key (field 1) of a map entry. */
function mapEntryKey(entry: WireField): string {
  const key = wireFields(entry.payload ?? Buffer.alloc(0)).find((field) => field.number === 1);
  return key?.payload?.toString("utf8") ?? "";
}

/** A varint at `at`: its value and the offset after it. */
function varint(buffer: Buffer, at: number): [number, number] {
  let value = 0;
  let scale = 1;
  for (let i = at; i < buffer.length; i++) {
    value += (buffer[i] & 0x7f) * scale;
    if ((buffer[i] & 0x80) === 0) return [value, i + 1];
    scale *= 128;
  }
  throw new Error(`protobuf varint at byte ${at} runs past the end (${buffer.length})`);
}
