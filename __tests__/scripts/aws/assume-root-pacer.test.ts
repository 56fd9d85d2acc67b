import { AssumeRootPacer } from "../../../scripts/aws/assume-root-pacer";

// The pacer against simulated limiters, on a simulated clock: AWS publishes neither AssumeRoot's rate nor its
// limiter's shape, so both shapes the emulator offers are played here too, at 5 calls a second.

type Limiter = (now: number) => boolean;

/** At most `rate` calls in any one second. */
function slidingWindow(rate: number): Limiter {
  const accepted: number[] = [];
  return (now) => {
    while (accepted.length > 0 && accepted[0] <= now - 1000) accepted.shift();
    if (accepted.length >= rate) return false;
    accepted.push(now);
    return true;
  };
}

/** A token bucket refilled at `rate` a second, holding `burst`. */
function tokenBucket(rate: number, burst: number): Limiter {
  let tokens = burst;
  let at = 0;
  return (now) => {
    tokens = Math.min(burst, tokens + ((now - at) * rate) / 1000);
    at = now;
    if (tokens < 1) return false;
    tokens -= 1;
    return true;
  };
}

/** Runs `calls` sessions through the pacer, `concurrency` at a time, each call taking `latency` ms; returns ms. */
async function simulate(limiter: Limiter, calls: number, options: { cap?: number; concurrency?: number; latency?: number } = {}) {
  let now = 0;
  const timers: { at: number; resolve: () => void }[] = [];
  const clock = {
    now: () => now,
    sleep: (ms: number) => new Promise<void>((resolve) => timers.push({ at: now + ms, resolve })),
  };
  const pacer = new AssumeRootPacer(options.cap, clock);
  let next = 0;
  let throttles = 0;
  const worker = async () => {
    while (next < calls) {
      next++;
      for (;;) {
        await pacer.slot();
        await clock.sleep(options.latency ?? 20);
        if (limiter(now)) {
          pacer.succeeded();
          break;
        }
        throttles++;
        pacer.throttled();
      }
    }
  };
  const done = Promise.all(Array.from({ length: options.concurrency ?? 8 }, worker));
  let finished = false;
  void done.then(() => (finished = true));
  // Advance the simulated clock to the earliest timer until every worker is done.
  while (!finished) {
    await Promise.resolve();
    await new Promise((resolve) => setImmediate(resolve));
    timers.sort((a, b) => a.at - b.at);
    const timer = timers.shift();
    if (timer === undefined) continue;
    now = Math.max(now, timer.at);
    timer.resolve();
  }
  return { ms: now, throttles, rate: pacer.currentRate };
}

describe("pacing sts:AssumeRoot at the rate AWS grants", () => {
  it.each([
    ["a strict one-second window", () => slidingWindow(5)],
    ["a token bucket with a burst of 20", () => tokenBucket(5, 20)],
  ])("stays within 1.2x of the floor for 300 sessions at 5 a second under %s", async (_, limiter) => {
    // GIVEN a limiter granting 5 calls a second WHEN 300 sessions are opened, 8 at a time
    const { ms, rate } = await simulate(limiter(), 300);
    // THEN the run takes at most 1.2 times accounts / rate, and the pacer settled near the granted rate
    expect(ms / 1000).toBeLessThanOrEqual(1.2 * (300 / 5));
    expect(rate).toBeGreaterThan(4);
    expect(rate).toBeLessThanOrEqual(5.6);
  });

  it("never goes faster than --rate, and is not throttled when the cap is under the limit", async () => {
    const { ms, throttles } = await simulate(slidingWindow(5), 40, { cap: 4 });
    expect(throttles).toBe(0);
    expect(ms / 1000).toBeGreaterThanOrEqual(40 / 4 - 1);
  });

  it("slows down at once after a throttle that shows no accepted call", () => {
    const pacer = new AssumeRootPacer(undefined, { now: () => 0, sleep: () => Promise.resolve() });
    const before = pacer.currentRate;
    pacer.throttled();
    expect(pacer.currentRate).toBe(before / 2);
  });
});
