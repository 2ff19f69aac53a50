// Helpers shared by core's tests (imported with a .ts extension, which Node via tsx, Bun and Deno all resolve).
import { CancelledError, manualClock, type Clock } from "@offloop/core";

export interface FakeFuture<T> extends PromiseLike<T> {
  cancel(reason?: unknown): boolean;
  resolve(value: T): void;
  reject(error: unknown): void;
  readonly cancelReasons: unknown[];
}

/** A thenable with `cancel`, like the executor's Future: cancelling rejects it with CancelledError. */
export function fakeFuture<T = unknown>(): FakeFuture<T> {
  let settle!: { resolve: (value: T) => void; reject: (error: unknown) => void };
  const promise = new Promise<T>((resolve, reject) => (settle = { resolve, reject }));
  promise.catch(() => {});
  let settled = false;
  const cancelReasons: unknown[] = [];
  return {
    then: (onFulfilled, onRejected) => promise.then(onFulfilled, onRejected),
    cancel(reason) {
      cancelReasons.push(reason);
      if (settled) return false;
      settled = true;
      settle.reject(new CancelledError("The task was cancelled", { cause: reason }));
      return true;
    },
    resolve(value) {
      if (!settled) (settled = true), settle.resolve(value);
    },
    reject(error) {
      if (!settled) (settled = true), settle.reject(error);
    },
    cancelReasons,
  };
}

/** Lets every queued promise callback run. */
export async function flush(): Promise<void> {
  for (let i = 0; i < 20; i++) await Promise.resolve();
}

/** A promise with its resolve and reject functions. */
export function deferred<T = unknown>(): { promise: Promise<T>; resolve: (value: T) => void; reject: (error: unknown) => void } {
  let resolve!: (value: T) => void;
  let reject!: (error: unknown) => void;
  const promise = new Promise<T>((res, rej) => ((resolve = res), (reject = rej)));
  promise.catch(() => {});
  return { promise, resolve, reject };
}

/** A manual clock that counts timers set and not yet fired or cleared. */
export function countingClock(): Clock & { active(): number; advance(ms: number): void } {
  const inner = manualClock();
  const live = new Set<unknown>();
  return {
    now: () => inner.now(),
    setTimeout(callback, ms, options) {
      const handle: unknown = inner.setTimeout(() => {
        live.delete(handle);
        callback();
      }, ms, options);
      live.add(handle);
      return handle;
    },
    clearTimeout(handle) {
      live.delete(handle);
      inner.clearTimeout(handle);
    },
    active: () => live.size,
    advance: (ms) => inner.advance(ms),
  };
}
