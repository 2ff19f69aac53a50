import { systemClock, type Clock } from "./clock.js";
import { checkClock, checkMs, checkOptions, checkSignal, describeValue, isThenable, onAbort, startTimer, toArray } from "../check-arguments.js";

/** When {@link wait} returns, as in Python's `asyncio.wait`. */
export type ReturnWhen = "FIRST_COMPLETED" | "FIRST_EXCEPTION" | "ALL_COMPLETED";

/** Options of {@link wait}. */
export interface WaitOptions {
  /** Default `"ALL_COMPLETED"`. `"FIRST_EXCEPTION"` returns at the first rejection, or when all are done. */
  returnWhen?: ReturnWhen;
  /** Milliseconds; when they pass, `wait` returns what is done so far. No error is raised. Default `Infinity`. */
  timeout?: number;
  /** Aborting it stops waiting: the promise rejects with `signal.reason`. The futures are not cancelled. */
  signal?: AbortSignal;
  /** Where time comes from; tests pass `manualClock()`. Default `systemClock`. */
  clock?: Clock;
}

/** What {@link wait} returns: the very objects it was given, split by whether they have settled. */
export interface WaitResult<F> {
  done: Set<F>;
  pending: Set<F>;
}

const returnWhenValues: readonly ReturnWhen[] = ["FIRST_COMPLETED", "FIRST_EXCEPTION", "ALL_COMPLETED"];

/**
 * Waits until some or all of `futures` settle and returns them split into
 * `{ done, pending }` sets, like Python's `asyncio.wait`. It never rejects
 * because a future did (await the ones in `done` to get their results) and
 * never cancels anything.
 *
 * @example
 * ```ts
 * import { wait } from "@offloop/core";
 * const futures = [executor.submit(tasks.fib, 30), executor.submit(tasks.fib, 40)];
 * const { done, pending } = await wait(futures, { returnWhen: "FIRST_COMPLETED", timeout: 5_000 });
 * for (const future of done) console.log(await future);
 * for (const future of pending) future.cancel();
 * ```
 */
export function wait<F extends PromiseLike<unknown>>(futures: Iterable<F>, options?: WaitOptions): Promise<WaitResult<F>> {
  const items = toArray("futures", futures) as F[];
  items.forEach((item, index) => {
    if (!isThenable(item)) throw new TypeError(`Expected futures[${index}] to be a promise or a thenable, got ${describeValue(item)}`);
  });
  const { returnWhen = "ALL_COMPLETED", timeout = Infinity, signal: rawSignal, clock: rawClock } = checkOptions(options);
  if (!returnWhenValues.includes(returnWhen)) {
    throw new TypeError(`Expected returnWhen to be "FIRST_COMPLETED", "FIRST_EXCEPTION" or "ALL_COMPLETED", got ${describeValue(returnWhen)}`);
  }
  checkMs("timeout", timeout);
  const signal = checkSignal(rawSignal);
  const clock = checkClock(rawClock, systemClock);
  if (signal?.aborted) return Promise.reject(signal.reason);

  const unique = new Set(items);
  const done = new Set<F>();
  const split = (): WaitResult<F> => ({ done: new Set(done), pending: new Set([...unique].filter((item) => !done.has(item))) });
  if (unique.size === 0) return Promise.resolve(split());

  return new Promise<WaitResult<F>>((resolve, reject) => {
    let finished = false;
    const finish = () => {
      finished = true;
      stopTimer();
      removeAbort();
    };
    const stopTimer = startTimer(clock, timeout, () => {
      if (finished) return;
      finish();
      resolve(split());
    });
    const removeAbort = onAbort(signal, () => {
      if (finished) return;
      finish();
      reject(signal!.reason);
    });
    const onSettled = (item: F, rejected: boolean) => {
      if (finished) return;
      done.add(item);
      const returnNow =
        done.size === unique.size || returnWhen === "FIRST_COMPLETED" || (returnWhen === "FIRST_EXCEPTION" && rejected);
      if (!returnNow) return;
      finish();
      resolve(split());
    };
    for (const item of unique) {
      Promise.resolve(item).then(
        () => onSettled(item, false),
        () => onSettled(item, true),
      );
    }
  });
}
