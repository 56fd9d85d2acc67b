import { parseListeningLine } from "../../../tools/emulator/server";

describe("parseListeningLine", () => {
  it("reads the endpoint and the pid of an emulator that says it is ready", () => {
    // GIVEN the line moto_server.py prints (or, forked, writes to its connection) once it accepts connections
    const line = "org-root-access emulator listening on http://127.0.0.1:40123 (pid 4242)";
    // THEN both are read
    expect(parseListeningLine(line)).toEqual({ endpoint: "http://127.0.0.1:40123", pid: 4242 });
  });

  it.each([
    "org-root-access emulator forks on /tmp/root-access-emulator-forks-x/socket",
    "org-root-access emulator listening on http://127.0.0.1:40123",
    " * Running on http://127.0.0.1:5000",
  ])("ignores any other line: %s", (line) => {
    expect(parseListeningLine(line)).toBeUndefined();
  });
});
