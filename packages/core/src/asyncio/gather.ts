import { checkOptions, checkSignal, describeValue, isCancellable, onAbort, toArray } from "../check-arguments.js";

/** Options of {@link gather}. */
export interface GatherOptions {
  /**
   * When true, a rejection does not reject the whole: its reason takes the
   * awaitable's place in the results (Python's `return_exceptions=True`).
   */
  returnExceptions?: boolean;
  /**
   * Aborting it rejects with `signal.reason` and cancels the cancellable
   * awaitables (executor `Future`s) that are still running, as cancelling
   * Python's `gather` cancels its children.
   */
  signal?: AbortSignal;
}

/** The results of {@link gather}, in input order. */
export type GatherResults<T extends readonly unknown[]> = { -readonly [K in keyof T]: Awaited<T[K]> };

/** The results of {@link gather} with `returnExceptions: true`: a value, or the error in its place. */
export type GatherSettledResults<T extends readonly unknown[]> = { -readonly [K in keyof T]: Awaited<T[K]> | Error };

/**
 * Waits for every awaitable (promises, thenables, `Future`s or plain values)
 * and returns their results in input order, like Python's `asyncio.gather`.
 * Without `returnExceptions`, the first rejection rejects the whole while the
 * others keep running (use `TaskGroup` to cancel them on failure); with it,
 * each rejection reason is returned in its place.
 *
 * @example
 * ```ts
 * import { gather } from "@offloop/core";
 * const [a, b, c] = await gather([executor.submit(tasks.fib, 30), fetchUser(1), 42]);
 * const results = await gather([Promise.resolve(1), Promise.reject(new Error("no"))], { returnExceptions: true });
 * // [1, Error("no")]
 * ```
 */
export function gather<const T extends readonly unknown[]>(awaitables: T, options?: GatherOptions & { returnExceptions?: false }): Promise<GatherResults<T>>;
export function gather<const T extends readonly unknown[]>(awaitables: T, options: GatherOptions & { returnExceptions: true }): Promise<GatherSettledResults<T>>;
export function gather<T>(awaitables: Iterable<T | PromiseLike<T>>, options?: GatherOptions & { returnExceptions?: false }): Promise<Awaited<T>[]>;
export function gather<T>(awaitables: Iterable<T | PromiseLike<T>>, options: GatherOptions & { returnExceptions: true }): Promise<(Awaited<T> | Error)[]>;
export function gather<T>(awaitables: Iterable<T | PromiseLike<T>>, options?: GatherOptions): Promise<unknown[]>;
export function gather(awaitables: Iterable<unknown>, options?: GatherOptions): Promise<unknown[]> {
  const items = toArray("awaitables", awaitables);
  const { returnExceptions = false, signal: rawSignal } = checkOptions(options);
  if (typeof returnExceptions !== "boolean") {
    throw new TypeError(`Expected returnExceptions to be a boolean, got ${describeValue(returnExceptions)}`);
  }
  const signal = checkSignal(rawSignal);
  const settled = items.map(() => false);
  const cancelRunning = (reason: unknown) => {
    items.forEach((item, index) => {
      if (!settled[index] && isCancellable(item)) item.cancel(reason);
    });
  };
  if (signal?.aborted) {
    cancelRunning(signal.reason);
    return Promise.reject(signal.reason);
  }
  const tracked = items.map((item, index) => {
    const promise = Promise.resolve(item);
    promise.then(
      () => void (settled[index] = true),
      () => void (settled[index] = true),
    );
    return promise;
  });
  const all: Promise<unknown[]> = returnExceptions
    ? Promise.allSettled(tracked).then((results) => results.map((result) => (result.status === "fulfilled" ? result.value : result.reason)))
    : Promise.all(tracked);
  if (!signal) return all;
  return new Promise<unknown[]>((resolve, reject) => {
    const removeAbort = onAbort(signal, () => {
      cancelRunning(signal.reason);
      reject(signal.reason);
    });
    all.then(
      (values) => {
        removeAbort();
        resolve(values);
      },
      (error: unknown) => {
        removeAbort();
        reject(error);
      },
    );
  });
}
