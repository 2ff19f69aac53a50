import { CancelledError } from "../errors.js";

/** Where a Future is in its life, as in Python's `concurrent.futures.Future`. */
export type FutureState = "pending" | "running" | "fulfilled" | "rejected" | "cancelled";

/**
 * The result of a submitted task: a Promise (a subclass: `await`,
 * `Promise.all` and `then` take it as it is, with no wrapper promise), and
 * cancellable like Python's `concurrent.futures.Future`. Unlike Python,
 * cancelling a running task really stops it. A Future that nobody awaits
 * never raises an unhandled rejection. Its `constructor` property is
 * `Promise`, so that `await` and `Promise.resolve` take the fast path and
 * `then()` returns plain Promises; use `instanceof Future` to recognise one.
 *
 * @example
 * ```ts
 * const future = executor.submit(tasks.fib, 35);
 * future.state;      // "pending" or "running"
 * future.cancel();   // true: it was pending or running
 * await future.catch((error) => error.name); // "CancelledError"
 * ```
 */
export class Future<R = unknown> extends Promise<R> {
  /** While pending, the resolve function of the Promise the Future is; once settled, how it ended (one field: 100,000 may be pending). */
  #resolveOrOutcome: ((value: R | PromiseLike<R>) => void) | "fulfilled" | "rejected" | "cancelled";

  /** then(), catch() and finally() return plain Promises. */
  static override get [Symbol.species](): PromiseConstructor {
    return Promise;
  }

  /** Futures are made by executors (`submit`); `executor` is for Promise's own statics, which build instances of the class. */
  constructor(executor?: (resolve: (value: R | PromiseLike<R>) => void, reject: (reason?: unknown) => void) => void) {
    super(executor ?? captureResolve);
    // then() and await treat a Future (of any subclass) as the plain Promise it is: no wrapper promise, no extra turn.
    const prototype = new.target.prototype;
    if (prototype.constructor !== Promise) Object.defineProperty(prototype, "constructor", { value: Promise, writable: true, configurable: true });
    if (executor === undefined) {
      this.#resolveOrOutcome = captured as (value: R | PromiseLike<R>) => void;
      captured = undefined;
    } else {
      this.#resolveOrOutcome = "fulfilled";
    }
  }

  /**
   * Called by `cancel()` while the Future is unsettled; the owner stops the
   * work and settles the Future (with `CancelledError` unless it chooses
   * otherwise). Subclasses that run work override it.
   */
  protected onCancel(reason: CancelledError): void {
    this.settle("cancelled", reason);
  }

  /** Whether the work has started; subclasses that know say so. */
  protected get started(): boolean {
    return false;
  }

  /** `"pending"`, `"running"`, `"fulfilled"`, `"rejected"` or `"cancelled"`. */
  get state(): FutureState {
    const outcome = this.#resolveOrOutcome;
    if (typeof outcome !== "function") return outcome;
    return this.started ? "running" : "pending";
  }

  /** True once the Future has settled (fulfilled, rejected or cancelled). */
  done(): boolean {
    return typeof this.#resolveOrOutcome !== "function";
  }

  /**
   * Cancels the task: a pending task never runs; a running one gets its
   * signal aborted and, if it has not stopped after the executor's
   * `cancelGrace`, its worker is terminated. Returns true when it took effect,
   * false when the Future had already settled.
   */
  cancel(reason?: unknown): boolean {
    if (this.done()) return false;
    this.onCancel(reason instanceof CancelledError ? reason : new CancelledError(cancelMessage(reason), { cause: reason }));
    return true;
  }

  /** Settles the Future once; later calls are ignored. Returns whether this call settled it. */
  settle(state: "fulfilled" | "rejected" | "cancelled", value: unknown): boolean {
    const resolve = this.#resolveOrOutcome;
    if (typeof resolve !== "function") return false;
    this.#resolveOrOutcome = state;
    if (state === "fulfilled") resolve(value as R);
    else {
      // A Future that nobody awaits never raises an unhandled rejection: it is marked handled first.
      promiseThen.call(this, undefined, ignore);
      resolve(Promise.reject(value));
    }
    const listeners = settleListeners.get(this);
    if (listeners) {
      settleListeners.delete(this);
      for (const listener of listeners) listener(this);
    }
    return true;
  }

  /** Calls `listener` once when the Future settles (at once if it has). */
  onSettled(listener: (future: Future<R>) => void): void {
    if (this.done()) listener(this);
    else {
      const listeners = settleListeners.get(this);
      if (listeners) listeners.push(listener);
      else settleListeners.set(this, [listener]);
    }
  }

  /** The Future itself: it is a Promise (kept for code written when it was only awaitable). */
  get promise(): Promise<R> {
    return this;
  }

  get [Symbol.toStringTag](): string {
    return "Future";
  }
}

const promiseThen = Promise.prototype.then;
/** `onSettled` listeners of unsettled Futures: kept aside, since few Futures have any and 100,000 may be pending. */
// Each list holds the listeners of one Future<R>, whatever its R.
const settleListeners = new WeakMap<object, Array<(future: any) => void>>();
const ignore = () => {};
let captured: ((value: never) => void) | undefined;
/** The executor of every Future: hands its resolve function over without a closure per Future. */
function captureResolve(resolve: (value: never) => void): void {
  captured = resolve;
}

function cancelMessage(reason: unknown): string {
  if (reason === undefined) return "The task was cancelled";
  if (reason instanceof Error) return `The task was cancelled: ${reason.message}`;
  return `The task was cancelled: ${String(reason)}`;
}

/**
 * A Future that is already settled, e.g. for a task refused at submit.
 *
 * @example
 * ```ts
 * const future = rejectedFuture(new QueueFullError("full"));
 * ```
 */
export function rejectedFuture<R = never>(error: unknown): Future<R> {
  const future = new Future<R>();
  future.settle("rejected", error);
  return future;
}
