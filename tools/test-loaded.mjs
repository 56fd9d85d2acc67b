// @ts-check
// npm run test:loaded [-- jest args]: the whole suite with the machine deliberately busy, as a shared CI runner
// often is: two CPU-bound processes run for as long as the tests do. Exits with the tests' exit code.
import { spawn } from "node:child_process";

const BURNERS = 2;

const burners = Array.from({ length: BURNERS }, () => spawn(process.execPath, ["-e", "for (;;) {}"], { stdio: "ignore" }));
const stopBurners = () => burners.forEach((burner) => burner.kill("SIGKILL"));
process.stderr.write(`test:loaded: ${BURNERS} CPU-bound processes running (pids ${burners.map((b) => b.pid).join(", ")})\n`);

const tests = spawn("npm", ["test", "--", ...process.argv.slice(2)], { stdio: "inherit" });
for (const signal of /** @type {const} */ (["SIGINT", "SIGTERM"])) {
  process.on(signal, () => tests.kill(signal));
}
tests.once("exit", (code, signal) => {
  stopBurners();
  process.exitCode = code ?? (signal ? 1 : 0);
});
tests.once("error", (error) => {
  stopBurners();
  process.stderr.write(`test:loaded: could not run npm test: ${error.message}\n`);
  process.exitCode = 1;
});
