import { systemClock, type Clock } from "./clock.js";
import { TimeoutError } from "../errors.js";
import { checkClock, checkMs, checkOptions, checkSignal, isCancellable, onAbort, startTimer } from "../check-arguments.js";

/** Options of {@link waitFor}. */
export interface WaitForOptions {
  /** Aborting it stops waiting: the promise rejects with `signal.reason` and a `Future` is cancelled. */
  signal?: AbortSignal;
  /** Where time comes from; tests pass `manualClock()`. Default `systemClock`. */
  clock?: Clock;
}

/**
 * Waits for `awaitable` at most `ms` milliseconds, like Python's
 * `asyncio.wait_for`: past the limit it rejects with a `TimeoutError` and, if
 * the awaitable is cancellable (an executor `Future`), cancels it so that the
 * task really stops. `ms` may be `Infinity`.
 *
 * @example
 * ```ts
 * import { waitFor, TimeoutError } from "@offloop/core";
 * try {
 *   await waitFor(executor.submit(tasks.slow), 1_000);
 * } catch (error) {
 *   if (TimeoutError.isInstance(error)) console.log(error.message); // "Timed out after 1000 ms"
 * }
 * ```
 */
export function waitFor<T>(awaitable: T | PromiseLike<T>, ms: number, options?: WaitForOptions): Promise<Awaited<T>> {
  checkMs("ms", ms);
  const { signal: rawSignal, clock: rawClock } = checkOptions(options);
  const signal = checkSignal(rawSignal);
  const clock = checkClock(rawClock, systemClock);
  const cancel = (reason: unknown) => {
    if (isCancellable(awaitable)) awaitable.cancel(reason);
  };
  if (signal?.aborted) {
    cancel(signal.reason);
    return Promise.reject(signal.reason);
  }
  return new Promise<Awaited<T>>((resolve, reject) => {
    let settled = false;
    const finish = () => {
      settled = true;
      stopTimer();
      removeAbort();
    };
    const stopTimer = startTimer(clock, ms, () => {
      if (settled) return;
      finish();
      const error = new TimeoutError(`Timed out after ${ms} ms`);
      cancel(error);
      reject(error);
    });
    const removeAbort = onAbort(signal, () => {
      if (settled) return;
      finish();
      cancel(signal!.reason);
      reject(signal!.reason);
    });
    Promise.resolve(awaitable).then(
      (value) => {
        if (settled) return;
        finish();
        resolve(value as Awaited<T>);
      },
      (error: unknown) => {
        if (settled) return;
        finish();
        reject(error);
      },
    );
  });
}
