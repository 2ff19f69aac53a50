import { CancelledError } from "../errors.js";

/** Where a Future is in its life, as in Python's `concurrent.futures.Future`. */
export type FutureState = "pending" | "running" | "fulfilled" | "rejected" | "cancelled";

/**
 * The result of a submitted task: awaitable like a Promise, and cancellable
 * like Python's `concurrent.futures.Future`. Unlike Python, cancelling a
 * running task really stops it. A Future that nobody awaits never raises an
 * unhandled rejection.
 *
 * @example
 * ```ts
 * const future = executor.submit(tasks.fib, 35);
 * future.state;      // "pending" or "running"
 * future.cancel();   // true: it was pending or running
 * await future.catch((error) => error.name); // "CancelledError"
 * ```
 */
export class Future<R = unknown> implements PromiseLike<R> {
  #state: "pending" | "fulfilled" | "rejected" | "cancelled" = "pending";
  #value: unknown;
  #promise: Promise<R> | undefined;
  #resolve: ((value: R) => void) | undefined;
  #reject: ((reason: unknown) => void) | undefined;
  #listeners: Array<(future: Future<R>) => void> | undefined;

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
    return this.#state === "pending" && this.started ? "running" : this.#state;
  }

  /** True once the Future has settled (fulfilled, rejected or cancelled). */
  done(): boolean {
    return this.#state !== "pending";
  }

  /**
   * Cancels the task: a pending task never runs; a running one gets its
   * signal aborted and, if it has not stopped after the executor's
   * `cancelGrace`, its worker is terminated. Returns true when it took effect,
   * false when the Future had already settled.
   */
  cancel(reason?: unknown): boolean {
    if (this.#state !== "pending") return false;
    this.onCancel(reason instanceof CancelledError ? reason : new CancelledError(cancelMessage(reason), { cause: reason }));
    return true;
  }

  /** Settles the Future once; later calls are ignored. Returns whether this call settled it. */
  settle(state: "fulfilled" | "rejected" | "cancelled", value: unknown): boolean {
    if (this.#state !== "pending") return false;
    this.#state = state;
    this.#value = value;
    if (this.#promise) {
      if (state === "fulfilled") this.#resolve!(value as R);
      else this.#reject!(value);
      this.#resolve = this.#reject = undefined;
    }
    const listeners = this.#listeners;
    if (listeners) {
      this.#listeners = undefined;
      for (const listener of listeners) listener(this);
    }
    return true;
  }

  /** Calls `listener` once when the Future settles (at once if it has). */
  onSettled(listener: (future: Future<R>) => void): void {
    if (this.#state !== "pending") listener(this);
    else (this.#listeners ??= []).push(listener);
  }

  /** The Promise behind the Future, made on first use. */
  get promise(): Promise<R> {
    if (!this.#promise) {
      if (this.#state === "pending") {
        this.#promise = new Promise<R>((resolve, reject) => {
          this.#resolve = resolve;
          this.#reject = reject;
        });
      } else {
        this.#promise = this.#state === "fulfilled" ? Promise.resolve(this.#value as R) : Promise.reject(this.#value);
      }
    }
    return this.#promise;
  }

  then<T1 = R, T2 = never>(
    onFulfilled?: ((value: R) => T1 | PromiseLike<T1>) | null,
    onRejected?: ((reason: any) => T2 | PromiseLike<T2>) | null,
  ): Promise<T1 | T2> {
    return this.promise.then(onFulfilled, onRejected);
  }

  catch<T = never>(onRejected?: ((reason: any) => T | PromiseLike<T>) | null): Promise<R | T> {
    return this.promise.catch(onRejected);
  }

  finally(onFinally?: (() => void) | null): Promise<R> {
    return this.promise.finally(onFinally);
  }

  get [Symbol.toStringTag](): string {
    return "Future";
  }
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
