"""How the emulator answers on the wire: like AWS's endpoints, not like werkzeug's development server.

werkzeug's server closes every connection ("Connection: close" on each reply) and sends a reply's headers and its
body with two writes. The AWS SDK for Go in the terraform provider sometimes gives up on such a reply right after
its headers, before reading the body, and retries the call: caught on loopback with tcpdump while three
`terraform apply` loops created organizations (1 failed create in about 640; 4 replies abandoned in about 5,500
connections, one of them CreateOrganization's, whose retry then got AlreadyInOrganizationException). AWS keeps
connections open between calls and sends each reply at once; so does this handler: it reads each request's body
whole, so the next request on the connection starts clean, and writes status, headers and body with one send.
"""

import io
import traceback

from werkzeug.serving import WSGIRequestHandler

NO_BODY_STATUSES = (204, 304)


class KeepAliveRequestHandler(WSGIRequestHandler):
    """werkzeug's request handler, with HTTP/1.1 keep-alive and one send per reply."""

    def run_wsgi(self):
        environ = self.environ = self.make_environ()
        body = self.read_body(environ)
        environ["wsgi.input"] = io.BytesIO(body)
        environ["CONTENT_LENGTH"] = str(len(body))
        # The body is whole now: the app must not de-chunk it again.
        environ.pop("wsgi.input_terminated", None)
        environ.pop("HTTP_TRANSFER_ENCODING", None)
        reply = {"status": None, "headers": [], "written": []}

        def start_response(status, headers, exc_info=None):
            reply["status"], reply["headers"] = status, headers
            return reply["written"].append

        try:
            chunks = self.server.app(environ, start_response)
            try:
                payload = b"".join([*reply["written"], *chunks])
            finally:
                if hasattr(chunks, "close"):
                    chunks.close()
        except (ConnectionError, OSError):
            self.close_connection = True
            return
        except Exception:  # the app failed: a 500, as werkzeug answers, and the traceback on stderr
            self.server.log("error", f"Error on request:\n{traceback.format_exc()}")
            reply["status"], reply["headers"] = "500 Internal Server Error", [("Content-Type", "text/plain")]
            payload = b"Internal Server Error"
            self.close_connection = True
        self.send_reply(environ, reply["status"], reply["headers"], payload)

    def read_body(self, environ):
        """The whole request body, de-chunked if it came chunked (werkzeug's input stream does that)."""
        if environ.get("wsgi.input_terminated"):
            return environ["wsgi.input"].read()
        length = int(environ.get("CONTENT_LENGTH") or 0)
        return self.rfile.read(length) if length > 0 else b""

    def send_reply(self, environ, status, headers, payload):
        code, _, message = status.partition(" ")
        code = int(code)
        try:
            self.send_response(code, message)
            names = set()
            for name, value in headers:
                self.send_header(name, value)
                names.add(name.lower())
            if "content-length" not in names and code not in NO_BODY_STATUSES and not 100 <= code < 200:
                self.send_header("Content-Length", str(len(payload)))
            if environ["REQUEST_METHOD"] == "HEAD" or code in NO_BODY_STATUSES:
                payload = b""
            head = b"".join(self._headers_buffer) + b"\r\n"
            self._headers_buffer = []
            self.wfile.write(head + payload)
            self.wfile.flush()
        except (ConnectionError, OSError):
            # The connection is gone: a client that gave up, or a "drop" fault that shut it down on purpose.
            self.close_connection = True
