import "./emulator-forks";
import "./stop-processes";

// Real terraform against the emulator: a scenario runs several plans and applies, on a busy machine.
jest.setTimeout(600_000);
