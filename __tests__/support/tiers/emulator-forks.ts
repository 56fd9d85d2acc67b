import { Emulator } from "../../../tools/emulator/emulator";
import { FORK_SERVER_VARIABLE } from "../../../tools/emulator/server";

// The global setup started python with moto imported once: this file's emulators are forks of it, each a new
// server with nothing in it, started in milliseconds instead of a second of CPU.
Emulator.forkServer = process.env[FORK_SERVER_VARIABLE];
