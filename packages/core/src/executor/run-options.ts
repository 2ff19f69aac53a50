import { describeValue, durationOption } from "../check-arguments.js";
import { systemClock, type Clock } from "../asyncio/clock.js";
import { TimeoutError } from "../errors.js";
import type { RunOptions } from "./executor.js";
import type { Future } from "./future.js";

/**
 * Checks the options of `run` where the user called it: a TypeError or
 * RangeError naming the option, for executors that are not a `WorkerPool`.
 *
 * @example
 * ```ts
 * validateRunOptions({ timeout: -5 }); // RangeError: Expected timeout to be a non-negative number of milliseconds, got -5
 * ```
 */
export function validateRunOptions(options: RunOptions): void {
  if (typeof options !== "object" || options === null) throw new TypeError(`Expected options to be an object, got ${describeValue(options)}`);
  if (options.timeout !== undefined) durationOption("timeout", options.timeout, 0);
  if (options.signal !== undefined && (typeof options.signal !== "object" || typeof options.signal?.addEventListener !== "function")) {
    throw new TypeError(`Expected signal to be an AbortSignal, got ${describeValue(options.signal)}`);
  }
  if (options.transfer !== undefined && !Array.isArray(options.transfer)) {
    throw new TypeError(`Expected transfer to be an array of transferable objects, got ${describeValue(options.transfer)}`);
  }
  if (options.onProgress !== undefined && typeof options.onProgress !== "function") {
    throw new TypeError(`Expected onProgress to be a function, got ${describeValue(options.onProgress)}`);
  }
}

/**
 * Arms a task's `timeout` and `signal`: past the timeout `onTimeout` gets a
 * TimeoutError naming the limit; when the signal aborts, the Future is
 * cancelled with the signal's reason. Returns the function that disarms both
 * (call it when the task settles), or undefined when there was nothing to arm.
 * Every executor uses it, so timeouts and aborts behave alike everywhere.
 *
 * @example
 * ```ts
 * const disarm = armRunOptions(future, { timeout: 100 }, (error) => stop(future, error));
 * future.onSettled(() => disarm?.());
 * ```
 */
export function armRunOptions(
  future: Future<unknown>,
  options: RunOptions | undefined,
  onTimeout: (error: TimeoutError) => void,
  clock: Clock = systemClock,
): (() => void) | undefined {
  if (options === undefined) return undefined;
  const { timeout, signal } = options;
  const timer = timeout !== undefined && timeout !== Infinity
    ? clock.setTimeout(() => onTimeout(new TimeoutError(`The task timed out after ${timeout} ms`)), timeout)
    : undefined;
  const onAbort = signal ? () => future.cancel(signal.reason) : undefined;
  if (signal && onAbort) signal.addEventListener("abort", onAbort, { once: true });
  if (timer === undefined && onAbort === undefined) return undefined;
  return () => {
    if (timer !== undefined) clock.clearTimeout(timer);
    if (signal && onAbort) signal.removeEventListener("abort", onAbort);
  };
}
