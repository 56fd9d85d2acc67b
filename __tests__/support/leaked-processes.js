// @ts-check
const fs = require("node:fs");

/** The environment variable that marks the processes of one test run (set by the global setup). */
const RUN_MARKER = "ORG_ROOT_ACCESS_TEST_RUN";

/**
 * The processes that carry this run's marker and are not jest itself: an emulator, terraform, a provider or a
 * script that a test started and never stopped. Read from /proc (Linux, where CI runs).
 * @returns {{ pid: number; command: string }[]}
 */
function leakedProcesses() {
  const marker = process.env[RUN_MARKER];
  return marker ? processesMarked(RUN_MARKER, marker) : [];
}

/**
 * The processes, other than this one and jest's, whose environment has `name=value`.
 * @param {string} name
 * @param {string} value
 * @returns {{ pid: number; command: string }[]}
 */
function processesMarked(name, value) {
  const marker = `${name}=${value}`;
  if (!fs.existsSync("/proc/self/environ")) return [];
  const leaked = [];
  for (const entry of fs.readdirSync("/proc")) {
    const pid = Number(entry);
    if (!Number.isInteger(pid) || pid === process.pid) continue;
    try {
      const environ = fs.readFileSync(`/proc/${pid}/environ`, "utf8").split("\0");
      if (!environ.includes(marker)) continue;
      const command = fs.readFileSync(`/proc/${pid}/cmdline`, "utf8").split("\0").join(" ").trim();
      if (/jest|processChild/.test(command)) continue;
      leaked.push({ pid, command });
    } catch {
      // gone while we looked, or not ours to read
    }
  }
  return leaked;
}

module.exports = { RUN_MARKER, leakedProcesses, processesMarked };
