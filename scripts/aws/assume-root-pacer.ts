/**
 * Paces sts:AssumeRoot at the rate AWS grants. AWS publishes no rate for it and says nothing of its limiter's
 * shape (a strict window, a bucket with a burst), and the SDK's adaptive retry backs off far below whatever the
 * rate is. So the pacer learns it: calls are spaced evenly at the current rate; a throttle sets the rate to what
 * was accepted in the second before it (the limit, as the service just showed it) and the throttled call waits for
 * the next slot; a long run without a throttle tries a little faster. `cap` (`--rate`) is never exceeded.
 */
export class AssumeRootPacer {
  /** Calls per second now. */
  private rate: number;
  private next = 0;
  private readonly accepted: number[] = [];
  private lastThrottle: number;

  constructor(
    /** The most calls per second ever made; undefined: no cap but what the service grants. */
    private readonly cap: number | undefined,
    private readonly clock: { now: () => number; sleep: (ms: number) => Promise<void> } = REAL_CLOCK,
  ) {
    this.rate = cap ?? FIRST_RATE;
    this.lastThrottle = clock.now();
  }

  /** Calls per second the pacer spaces calls at now. */
  get currentRate(): number {
    return this.rate;
  }

  /** Waits for the next slot: calls leave evenly spaced at the current rate. */
  async slot(): Promise<void> {
    const now = this.clock.now();
    const at = Math.max(now, this.next);
    this.next = at + 1000 / this.rate;
    if (at > now) await this.clock.sleep(at - now);
  }

  /** A call was accepted. */
  succeeded(): void {
    const now = this.clock.now();
    this.accepted.push(now);
    while (this.accepted.length > 0 && this.accepted[0] <= now - WINDOW_MS) this.accepted.shift();
    if (now - this.lastThrottle >= PROBE_AFTER_MS) {
      this.lastThrottle = now;
      this.rate = this.capped(this.rate * PROBE_FACTOR);
    }
  }

  /** A call was throttled: the rate becomes what was accepted in the last second, a little under it. */
  throttled(): void {
    const now = this.clock.now();
    while (this.accepted.length > 0 && this.accepted[0] <= now - WINDOW_MS) this.accepted.shift();
    const granted = this.accepted.length;
    this.rate = this.capped(Math.max(MIN_RATE, granted > 0 ? granted * MARGIN : this.rate * BACK_OFF));
    this.lastThrottle = now;
    // The window that refused this call must pass before the next one is tried.
    this.next = Math.max(this.next, now + 1000 / this.rate);
  }

  private capped(rate: number): number {
    return this.cap === undefined ? rate : Math.min(rate, this.cap);
  }
}

/** Where an unknown rate starts: fast enough that the first second shows the limit. */
const FIRST_RATE = 50;
/** The window over which accepted calls are counted when the service throttles. */
const WINDOW_MS = 1000;
/** Spacing a little under the limit a throttle showed, so that the window never holds one call too many. */
const MARGIN = 0.97;
/** When a throttle shows no accepted call (the first call), halve the rate instead. */
const BACK_OFF = 0.5;
/** The slowest the pacer goes. */
const MIN_RATE = 0.2;
/** Without a throttle for this long, try 10% faster: the service may grant more than it showed. */
const PROBE_AFTER_MS = 15_000;
const PROBE_FACTOR = 1.1;

const REAL_CLOCK = {
  now: () => performance.now(),
  // setTimeout takes at most 2^31 - 1 ms (about 24 days); a longer wait would fire at once.
  sleep: (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, Math.min(ms, 2 ** 31 - 1))),
};
