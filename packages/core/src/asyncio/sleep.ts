import { systemClock, type Clock } from "./clock.js";
import { checkClock, checkMs, checkOptions, checkSignal, onAbort, startTimer } from "../check-arguments.js";

/** Options of {@link sleep}. */
export interface SleepOptions {
  /** Aborting it ends the sleep early: the promise rejects with `signal.reason`. */
  signal?: AbortSignal;
  /** Where time comes from; tests pass `manualClock()`. Default `systemClock`. */
  clock?: Clock;
}

/**
 * Resolves after `ms` milliseconds, like Python's `asyncio.sleep`; an aborted
 * `signal` rejects it with the signal's reason. `sleep(Infinity)` waits until aborted.
 *
 * @example
 * ```ts
 * import { sleep } from "@offloop/core";
 * await sleep(100);
 * await sleep(60_000, { signal: AbortSignal.timeout(10) }).catch((error) => error.name); // "TimeoutError"
 * ```
 */
export function sleep(ms: number, options?: SleepOptions): Promise<void> {
  checkMs("ms", ms);
  const { signal: rawSignal, clock: rawClock } = checkOptions(options);
  const signal = checkSignal(rawSignal);
  const clock = checkClock(rawClock, systemClock);
  if (signal?.aborted) return Promise.reject(signal.reason);
  return new Promise<void>((resolve, reject) => {
    const stopTimer = startTimer(clock, ms, () => {
      removeAbort();
      resolve();
    });
    const removeAbort = onAbort(signal, () => {
      stopTimer();
      reject(signal!.reason);
    });
  });
}
