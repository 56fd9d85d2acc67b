import * as fs from "node:fs";
import * as http2 from "node:http2";
import * as net from "node:net";
import * as os from "node:os";
import * as path from "node:path";
import { keepSchemasInReply } from "./provider-schema";

/**
 * The call terraform makes at the start of every command to learn the provider's schema, in protocol 5 (the AWS
 * provider's). A protocol 6 provider's schema would pass through whole: slower, never wrong.
 */
const GET_SCHEMA = "/tfplugin5.Provider/GetSchema";

/** gRPC's UNAVAILABLE: what a call gets when the provider behind the proxy is gone. */
const UNAVAILABLE = "14";

/** The reply to GetSchema, trimmed, as the proxy sends it to every command after the first. */
interface SchemaReply {
  readonly headers: http2.OutgoingHttpHeaders;
  readonly body: Buffer;
  readonly trailers: http2.OutgoingHttpHeaders;
}

/** TF_REATTACH_PROVIDERS: for each provider address, where terraform finds the running provider. */
type ReattachConfig = Record<string, { Addr: { Network: string; String: string } } & Record<string, unknown>>;

/**
 * A gRPC (HTTP/2) proxy in front of one provider started in debug mode, which terraform attaches to instead of
 * the provider itself. Every call passes through unchanged except GetSchema: the AWS provider's reply is 4.9 MB
 * of schemas for some 1,500 resource types, and decoding it is most of the CPU of every terraform command (1.7
 * CPU-seconds of a 1.8 s `validate`; 0.15 s with only the stacks' types). The proxy asks the provider once and
 * answers every command with the stacks' resource types only, so terraform still validates, plans and applies
 * them against the provider's own schemas, and a type outside the list fails loudly ("The provider hashicorp/aws
 * does not support resource type").
 *
 * It serves from the test's own event loop: a test must not block it (spawnSync) while an attached terraform
 * command runs, or that command waits until the loop is free.
 */
export class SchemaProxy {
  private readonly sessions = new Set<http2.ServerHttp2Session>();
  private schema?: SchemaReply;

  private constructor(
    private readonly server: http2.Http2Server,
    private readonly upstream: http2.ClientHttp2Session,
    private readonly socketDir: string,
    /** TF_REATTACH_PROVIDERS that attaches terraform to the proxy. */
    readonly reattach: string,
  ) {}

  /** Starts a proxy for the provider `reattach` points at, keeping the schemas of `types`. */
  static async start(reattach: string, types: ReadonlySet<string>): Promise<SchemaProxy> {
    const config = JSON.parse(reattach) as ReattachConfig;
    const [address, provider] = Object.entries(config)[0] ?? [];
    if (address === undefined || Object.keys(config).length !== 1) {
      throw new Error(`expected TF_REATTACH_PROVIDERS for one provider, got ${reattach}`);
    }
    const upstream = http2.connect("http://provider", {
      createConnection: () => connectTo(provider.Addr),
      // The schema reply is several MB; the default 10 MB budget leaves little room for calls in flight beside it.
      maxSessionMemory: 64,
    });
    upstream.on("error", () => undefined); // each call in flight reports it; a later call finds the session closed
    const socketDir = fs.mkdtempSync(path.join(os.tmpdir(), "schema-proxy-"));
    const socket = path.join(socketDir, "grpc.sock");
    const server = http2.createServer({ maxSessionMemory: 64 });
    const proxied = { [address]: { ...provider, Addr: { Network: "unix", String: socket } } };
    const proxy = new SchemaProxy(server, upstream, socketDir, JSON.stringify(proxied));
    server.on("session", (session) => {
      proxy.sessions.add(session);
      session.on("error", () => undefined); // terraform going away mid-call is its own business
      session.once("close", () => proxy.sessions.delete(session));
    });
    server.on("stream", (stream, headers) => proxy.forward(stream, headers, types));
    await new Promise<void>((resolve, reject) => {
      server.once("error", reject);
      server.listen(socket, resolve);
    });
    return proxy;
  }

  /** Stops listening, drops every connection and removes the socket. */
  async close(): Promise<void> {
    for (const session of this.sessions) session.destroy();
    this.upstream.destroy();
    await new Promise((resolve) => this.server.close(resolve));
    fs.rmSync(this.socketDir, { recursive: true, force: true });
  }

  private forward(stream: http2.ServerHttp2Stream, headers: http2.IncomingHttpHeaders, types: ReadonlySet<string>) {
    stream.on("error", () => undefined);
    const getSchema = headers[":path"] === GET_SCHEMA;
    if (getSchema && this.schema !== undefined) return reply(stream, this.schema);
    if (this.upstream.closed || this.upstream.destroyed) return unavailable(stream, "the provider has gone away");
    const call = this.upstream.request(requestHeaders(headers));
    call.on("error", (error) => unavailable(stream, error.message));
    stream.on("close", () => call.destroyed || call.close(stream.rstCode));
    stream.pipe(call);

    let responseHeaders: http2.OutgoingHttpHeaders = {};
    let trailers: http2.OutgoingHttpHeaders = {};
    let trailersOnly = false;
    const body: Buffer[] = [];
    call.on("response", (incoming) => {
      responseHeaders = responseHeadersOf(incoming);
      // A reply that is only headers with a gRPC status: the call failed before it had anything to say.
      trailersOnly = incoming["grpc-status"] !== undefined;
      if (stream.destroyed) return;
      if (trailersOnly) stream.respond(responseHeaders, { endStream: true });
      else if (!getSchema) stream.respond(responseHeaders, { waitForTrailers: true });
    });
    call.on("data", (chunk: Buffer) => {
      if (getSchema) body.push(chunk);
      else if (!stream.destroyed) stream.write(chunk);
    });
    call.on("trailers", (incoming) => (trailers = withoutPseudoHeaders(incoming)));
    call.on("end", () => {
      if (trailersOnly || stream.destroyed) return;
      if (!getSchema) {
        stream.once("wantTrailers", () => stream.sendTrailers(trailers));
        stream.end();
        return;
      }
      const whole = Buffer.concat(body);
      const schema = { headers: responseHeaders, body: keepSchemasInReply(whole, types) ?? whole, trailers };
      if (trailers["grpc-status"] === "0") this.schema = schema;
      reply(stream, schema);
    });
  }
}

/** Connects to a provider's gRPC address as go-plugin gives it: a unix socket, or host:port. */
function connectTo(addr: { Network: string; String: string }): net.Socket {
  if (addr.Network === "unix") return net.connect(addr.String);
  const [, host, port] = /^(.*):(\d+)$/.exec(addr.String) ?? [];
  if (addr.Network !== "tcp" || port === undefined) {
    throw new Error(`cannot reach the provider at ${addr.Network} ${addr.String}: expected unix or tcp host:port`);
  }
  return net.connect(Number(port), host);
}

/** A call's request headers for the upstream session: its method, path and gRPC metadata, not this hop's. */
function requestHeaders(headers: http2.IncomingHttpHeaders): http2.OutgoingHttpHeaders {
  return {
    ...withoutPseudoHeaders(headers),
    ":method": headers[":method"],
    ":path": headers[":path"],
  };
}

function withoutPseudoHeaders(headers: http2.IncomingHttpHeaders): http2.OutgoingHttpHeaders {
  return Object.fromEntries(Object.entries(headers).filter(([name]) => !name.startsWith(":")));
}

/** A reply's headers to pass on: its :status and gRPC metadata. */
function responseHeadersOf(headers: http2.IncomingHttpHeaders): http2.OutgoingHttpHeaders {
  return { ...withoutPseudoHeaders(headers), ":status": headers[":status"] };
}

function reply(stream: http2.ServerHttp2Stream, schema: SchemaReply): void {
  if (stream.destroyed) return;
  stream.respond(schema.headers, { waitForTrailers: true });
  stream.once("wantTrailers", () => stream.sendTrailers(schema.trailers));
  stream.end(schema.body);
  stream.resume();
}

function unavailable(stream: http2.ServerHttp2Stream, why: string): void {
  if (stream.destroyed) return;
  if (stream.headersSent) {
    stream.close(http2.constants.NGHTTP2_INTERNAL_ERROR);
    return;
  }
  stream.respond(
    { ":status": 200, "content-type": "application/grpc", "grpc-status": UNAVAILABLE, "grpc-message": encodeURI(why) },
    { endStream: true },
  );
}
