import { CancelledError } from "../errors.js";
import { checkFunction, checkInteger } from "../check-arguments.js";

/** The function returned by {@link limit}: call it with a function and its arguments. */
export interface LimitFunction {
  <A extends unknown[], R>(fn: (...args: A) => R | PromiseLike<R>, ...args: A): Promise<Awaited<R>>;
  /** How many calls are running now. */
  readonly activeCount: number;
  /** How many calls wait for a free slot. */
  readonly pendingCount: number;
  /**
   * Drops the calls that have not started: their promises reject with a
   * `CancelledError` (p-limit leaves them pending forever). Running calls go on.
   */
  clearQueue(): void;
}

/**
 * Runs at most `concurrency` calls at once and queues the rest in order, in
 * the style of p-limit: `const run = limit(3); await run(fn, ...args)`.
 *
 * @example
 * ```ts
 * import { limit } from "@offloop/core";
 * const run = limit(2);
 * const pages = await Promise.all(urls.map((url) => run(fetchPage, url))); // 2 at a time
 * run.activeCount; // 0
 * ```
 */
export function limit(concurrency: number): LimitFunction {
  checkInteger("concurrency", concurrency, 1, true);
  let active = 0;
  const queue: Array<{ start: () => void; cancel: () => void }> = [];

  const next = () => {
    active--;
    queue.shift()?.start();
  };

  const run = <A extends unknown[], R>(fn: (...args: A) => R | PromiseLike<R>, ...args: A): Promise<Awaited<R>> => {
    checkFunction("fn", fn);
    return new Promise<Awaited<R>>((resolve, reject) => {
      const start = () => {
        active++;
        let result: Promise<Awaited<R>>;
        try {
          result = Promise.resolve(fn(...args)) as Promise<Awaited<R>>;
        } catch (error) {
          result = Promise.reject(error);
        }
        result.then(
          (value) => {
            next();
            resolve(value);
          },
          (error: unknown) => {
            next();
            reject(error);
          },
        );
      };
      if (active < concurrency) start();
      else queue.push({ start, cancel: () => reject(new CancelledError("The call was dropped from the queue by clearQueue()")) });
    });
  };

  return Object.defineProperties(run, {
    activeCount: { get: () => active },
    pendingCount: { get: () => queue.length },
    clearQueue: {
      value: () => {
        for (const entry of queue.splice(0)) entry.cancel();
      },
    },
  }) as LimitFunction;
}
