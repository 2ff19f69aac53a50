import { systemClock, type Clock } from "./clock.js";
import { TimeoutError } from "../errors.js";
import { checkClock, checkMs, checkOptions, checkSignal, onAbort, startTimer, toArray } from "../check-arguments.js";

/** Options of {@link asCompleted}. */
export interface AsCompletedOptions {
  /** Milliseconds from the call for the whole iteration; past it, the iterator throws `TimeoutError`. Default `Infinity`. */
  timeout?: number;
  /** Aborting it makes the iterator throw `signal.reason`. */
  signal?: AbortSignal;
  /** Where time comes from; tests pass `manualClock()`. Default `systemClock`. */
  clock?: Clock;
}

type Outcome = { ok: true; value: unknown } | { ok: false; error: unknown };

/**
 * Yields the results of `awaitables` in the order they settle, like Python's
 * `asyncio.as_completed`. A rejection is thrown by the iterator when its turn
 * comes, which ends the loop (the others keep running); past `timeout` the
 * iterator throws a `TimeoutError`. Leaving the loop early clears the timer.
 *
 * @example
 * ```ts
 * import { asCompleted } from "@offloop/core";
 * const futures = urls.map((url) => executor.submit(tasks.download, url));
 * for await (const page of asCompleted(futures, { timeout: 30_000 })) {
 *   console.log("got", page.length, "bytes");
 * }
 * ```
 */
export function asCompleted<T>(awaitables: Iterable<T | PromiseLike<T>>, options?: AsCompletedOptions): AsyncIterableIterator<Awaited<T>> {
  // Like Python's as_completed, an awaitable passed twice is yielded once.
  const items = [...new Set(toArray("awaitables", awaitables))];
  const { timeout = Infinity, signal: rawSignal, clock: rawClock } = checkOptions(options);
  checkMs("timeout", timeout);
  const signal = checkSignal(rawSignal);
  const clock = checkClock(rawClock, systemClock);

  const outcomes: Outcome[] = [];
  const readers: Array<{ resolve: (result: IteratorResult<Awaited<T>>) => void; reject: (error: unknown) => void }> = [];
  let yielded = 0;
  let failure: { error: unknown } | undefined; // timeout or abort, thrown once
  let closed = false;

  const close = () => {
    closed = true;
    stopTimer();
    removeAbort();
  };
  // Hands out whatever is ready to the readers that are waiting.
  const pump = () => {
    while (readers.length > 0) {
      if (closed) {
        readers.shift()!.resolve({ value: undefined, done: true });
      } else if (outcomes.length > 0) {
        const outcome = outcomes.shift()!;
        const reader = readers.shift()!;
        yielded++;
        if (outcome.ok) {
          if (yielded === items.length) close();
          reader.resolve({ value: outcome.value as Awaited<T>, done: false });
        } else {
          close();
          reader.reject(outcome.error);
        }
      } else if (yielded === items.length) {
        close();
      } else if (failure) {
        close();
        readers.shift()!.reject(failure.error);
      } else {
        return;
      }
    }
  };
  const fail = (error: unknown) => {
    if (closed || failure) return;
    failure = { error };
    stopTimer();
    removeAbort();
    pump();
  };

  let stopTimer = () => {};
  let removeAbort = () => {};
  if (signal?.aborted) failure = { error: signal.reason };
  else if (items.length > 0) {
    stopTimer = startTimer(clock, timeout, () => {
      const pending = items.length - yielded - outcomes.length;
      fail(new TimeoutError(`Timed out after ${timeout} ms with ${pending} of ${items.length} awaitables still pending`));
    });
    removeAbort = onAbort(signal, () => fail(signal!.reason));
  }
  for (const item of items) {
    Promise.resolve(item).then(
      (value) => {
        outcomes.push({ ok: true, value });
        pump();
      },
      (error: unknown) => {
        outcomes.push({ ok: false, error });
        pump();
      },
    );
  }

  const iterator: AsyncIterableIterator<Awaited<T>> = {
    next() {
      return new Promise((resolve, reject) => {
        readers.push({ resolve, reject });
        pump();
      });
    },
    return() {
      close();
      pump();
      return Promise.resolve({ value: undefined, done: true });
    },
    [Symbol.asyncIterator]() {
      return iterator;
    },
  };
  return iterator;
}
