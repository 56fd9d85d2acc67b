import "./emulator-forks";
import "./stop-processes";

// Real builds, synths, terraform validate and the emulator: each test may start processes, on a busy machine.
jest.setTimeout(180_000);
