import * as net from "node:net";
import { Emulator } from "../../../tools/emulator/emulator";

// The emulator answers like AWS's endpoints on the wire: connections stay open between calls, and request bodies
// are read whole (also chunked ones), so the next request on a connection starts clean. werkzeug's own server
// closed every connection, which made the terraform provider's SDK abandon a reply now and then and retry the call
// (keep_alive.py says how that was found).

const GET_CALLER_IDENTITY = "Action=GetCallerIdentity&Version=2011-06-15";
const STS_AUTH = "AWS4-HMAC-SHA256 Credential=test/20261201/us-east-1/sts/aws4_request, SignedHeaders=host, Signature=x";

/** One HTTP/1.1 reply read off a socket: its status line, headers (lower-case names) and body. */
interface Reply {
  readonly status: string;
  readonly headers: Record<string, string>;
  readonly body: string;
}

/** Writes `request` on the socket and resolves with the one reply it gets (framed by Content-Length; none for HEAD). */
function exchange(socket: net.Socket, request: string): Promise<Reply> {
  const head = request.startsWith("HEAD ");
  return new Promise((resolve, reject) => {
    let received = Buffer.alloc(0);
    const onData = (chunk: Buffer) => {
      received = Buffer.concat([received, chunk]);
      const end = received.indexOf("\r\n\r\n");
      if (end < 0) return;
      const [status, ...lines] = received.subarray(0, end).toString("latin1").split("\r\n");
      const headers = Object.fromEntries(
        lines.map((line) => [line.slice(0, line.indexOf(":")).toLowerCase(), line.slice(line.indexOf(":") + 1).trim()]),
      );
      const body = received.subarray(end + 4);
      if (!head && body.length < Number(headers["content-length"])) return;
      socket.off("data", onData);
      socket.off("error", reject);
      socket.off("close", closed);
      resolve({ status, headers, body: body.toString("utf8") });
    };
    const closed = () => reject(new Error(`the emulator closed the connection before its reply to ${request.split("\r\n")[0]}`));
    socket.on("data", onData);
    socket.once("error", reject);
    socket.once("close", closed);
    socket.write(request);
  });
}

function connect(endpoint: string): Promise<net.Socket> {
  const { hostname, port } = new URL(endpoint);
  return new Promise((resolve, reject) => {
    const socket = net.connect(Number(port), hostname, () => resolve(socket));
    socket.once("error", reject);
  });
}

describe("the emulator on the wire", () => {
  let emulator: Emulator;
  beforeAll(async () => {
    emulator = await Emulator.start();
  });
  afterAll(() => emulator?.stop());

  it("keeps a connection open between calls, with a Content-Length body and a chunked one, as AWS does", async () => {
    // GIVEN one connection to the emulator
    const socket = await connect(emulator.endpoint);
    let closedByServer = false;
    socket.on("end", () => (closedByServer = true));
    try {
      // WHEN a call with a Content-Length body, then the same call with a chunked body, go over it
      const plain = await exchange(
        socket,
        `POST / HTTP/1.1\r\nHost: sts.amazonaws.com\r\nContent-Type: application/x-www-form-urlencoded\r\n` +
          `Authorization: ${STS_AUTH}\r\nContent-Length: ${GET_CALLER_IDENTITY.length}\r\n\r\n${GET_CALLER_IDENTITY}`,
      );
      const [first, second] = [GET_CALLER_IDENTITY.slice(0, 10), GET_CALLER_IDENTITY.slice(10)];
      const chunked = await exchange(
        socket,
        `POST / HTTP/1.1\r\nHost: sts.amazonaws.com\r\nContent-Type: application/x-www-form-urlencoded\r\n` +
          `Authorization: ${STS_AUTH}\r\nTransfer-Encoding: chunked\r\n\r\n` +
          `${first.length.toString(16)}\r\n${first}\r\n${second.length.toString(16)}\r\n${second}\r\n0\r\n\r\n`,
      );
      // AND the control API's call counts are read over it too
      const counts = await exchange(socket, `GET /_org-root-access/calls HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n`);

      // THEN every call was answered on that one connection, which is still open
      for (const reply of [plain, chunked]) {
        expect(reply.status).toBe("HTTP/1.1 200 OK");
        expect(reply.body).toContain("<Account>123456789012</Account>");
        expect(reply.headers.connection).toBeUndefined();
      }
      expect(JSON.parse(counts.body)).toEqual({ "sts:GetCallerIdentity": 2 });
      expect(closedByServer).toBe(false);
    } finally {
      socket.destroy();
    }
  });

  it("answers HEAD with the headers only, and the connection goes on", async () => {
    // GIVEN one connection WHEN a HEAD, then a GET, go over it
    const socket = await connect(emulator.endpoint);
    try {
      const head = await exchange(socket, `HEAD /_org-root-access/calls HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n`);
      const get = await exchange(socket, `GET /_org-root-access/calls HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n`);
      // THEN the HEAD reply had no body and the GET was answered after it
      expect(head.body).toBe("");
      expect(get.status).toBe("HTTP/1.1 200 OK");
      expect(typeof JSON.parse(get.body)).toBe("object");
    } finally {
      socket.destroy();
    }
  });
});
