// How the offloop/shared primitives wait on a word of shared memory: blocking
// (Atomics.wait, in tasks) or without blocking the event loop (Atomics.waitAsync
// where the host has it, else polling). Internal: not exported from the package.
import { checkMs, checkOptions, checkSignal, describeValue, onAbort } from "../check-arguments.js";
import { TimeoutError } from "../errors.js";

/** Options of every waiting call in offloop/shared. */
export interface SharedWaitOptions {
  /**
   * The most milliseconds to wait (default Infinity); past it the call throws
   * (rejects with) `TimeoutError`, or, for `try`-style calls, returns false.
   */
  timeout?: number;
  /**
   * Aborting it stops the wait with `signal.reason`. The async variants
   * listen to it while they wait; a blocking call checks it before it blocks
   * (nothing can run on a thread blocked in `Atomics.wait`), so bound those
   * with `timeout`.
   */
  signal?: AbortSignal;
}

/** When a wait must end, from its options: an absolute time (ms) or Infinity, and the signal. */
export interface Deadline {
  readonly at: number;
  readonly timeout: number;
  readonly signal: AbortSignal | undefined;
}

/** Reads and checks `{ timeout, signal }`; throws `signal.reason` when it has already aborted. */
export function deadlineOf(options: SharedWaitOptions | undefined): Deadline {
  const { timeout = Infinity, signal } = checkOptions(options);
  checkMs("timeout", timeout);
  checkSignal(signal);
  signal?.throwIfAborted();
  return { at: timeout === Infinity ? Infinity : performance.now() + timeout, timeout, signal };
}

/** Milliseconds left before the deadline (0 once it passed, Infinity without one). */
export function remaining(deadline: Deadline): number {
  return deadline.at === Infinity ? Infinity : Math.max(0, deadline.at - performance.now());
}

/** The error for a wait that reached its deadline. */
export function timedOut(what: string, deadline: Deadline): TimeoutError {
  return new TimeoutError(`${what} did not happen within the timeout (${deadline.timeout} ms)`);
}

/**
 * Blocks this thread while `view[index] === expected`, until notified or the
 * deadline. Returns false once the deadline has passed. Throws a clear error
 * where the host forbids blocking (a browser's main thread).
 */
export function blockWhile(view: Int32Array, index: number, expected: number, deadline: Deadline): boolean {
  const ms = remaining(deadline);
  if (ms === 0) return false;
  try {
    Atomics.wait(view, index, expected, ms);
  } catch (error) {
    throw new TypeError(`This thread cannot block (${(error as Error).message}): use the async variant (lockAsync, waitAsync, sendAsync, for await) here`, { cause: error });
  }
  return remaining(deadline) > 0;
}

/**
 * Waits without blocking while `view[index] === expected`, until notified,
 * the deadline or the signal. Resolves false once the deadline has passed;
 * rejects with the signal's reason. A wake-up that arrives for a wait that
 * was given up is passed on to the next waiter, so none is lost.
 */
export function waitWhile(view: Int32Array, index: number, expected: number, deadline: Deadline): Promise<boolean> {
  const ms = remaining(deadline);
  if (ms === 0) return Promise.resolve(false);
  if (Atomics.load(view, index) !== expected) return Promise.resolve(true);
  const waitAsync = (Atomics as { waitAsync?: (view: Int32Array, index: number, value: number, timeout?: number) => { async: boolean; value: Promise<string> | string } }).waitAsync;
  if (typeof waitAsync !== "function") return pollWhile(view, index, expected, deadline);
  const result = waitAsync(view, index, expected, ms);
  if (!result.async) return Promise.resolve(remaining(deadline) > 0);
  const woken = result.value as Promise<string>;
  const signal = deadline.signal;
  if (!signal) return woken.then(() => remaining(deadline) > 0);
  return new Promise<boolean>((resolve, reject) => {
    let givenUp = false;
    const removeAbort = onAbort(signal, () => {
      givenUp = true;
      reject(signal.reason);
    });
    woken.then((outcome) => {
      removeAbort();
      if (givenUp) {
        if (outcome === "ok") Atomics.notify(view, index, 1);
        return;
      }
      resolve(remaining(deadline) > 0);
    });
  });
}

/** The fallback where Atomics.waitAsync is missing: look again after 1, 2, 4 ... 16 ms. */
function pollWhile(view: Int32Array, index: number, expected: number, deadline: Deadline): Promise<boolean> {
  return new Promise<boolean>((resolve, reject) => {
    let delay = 1;
    let timer: ReturnType<typeof setTimeout>;
    const removeAbort = onAbort(deadline.signal, () => {
      clearTimeout(timer);
      reject(deadline.signal!.reason);
    });
    const look = () => {
      const left = remaining(deadline);
      if (Atomics.load(view, index) !== expected || left === 0) {
        removeAbort();
        resolve(left > 0);
        return;
      }
      timer = setTimeout(look, Math.min(delay, left));
      delay = Math.min(delay * 2, 16);
    };
    look();
  });
}

/** Throws unless `value` is an integer in [min, max]. */
export function checkCount(name: string, value: unknown, min: number, max: number): number {
  if (typeof value !== "number") throw new TypeError(`Expected ${name} to be an integer from ${min} to ${max}, got ${describeValue(value)}`);
  if (!Number.isInteger(value) || value < min || value > max) throw new RangeError(`Expected ${name} to be an integer from ${min} to ${max}, got ${describeValue(value)}`);
  return value;
}
