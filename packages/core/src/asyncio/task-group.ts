import { CancelledError } from "../errors.js";
import { checkOptions, checkSignal, describeValue, isCancellable, isThenable, onAbort } from "../check-arguments.js";

/** Options of {@link TaskGroup}. */
export interface TaskGroupOptions {
  /** Aborting it cancels every task of the group; `wait()` then rejects with `signal.reason`. */
  signal?: AbortSignal;
}

/** What {@link TaskGroup.spawn} takes: a function given the group's signal, or a `Future` or promise. */
export type TaskGroupTask<T> = ((signal: AbortSignal) => T | PromiseLike<T>) | PromiseLike<T>;

/**
 * Structured concurrency, like Python's `asyncio.TaskGroup`: the first task
 * that fails aborts the group's signal and cancels the `Future`s of its
 * siblings, and `wait()` (or leaving an `await using` block) waits for every
 * task, then rejects with an `AggregateError` of the real failures. A task
 * that ends in a cancellation is not a failure.
 *
 * @example
 * ```ts
 * import { TaskGroup } from "@offloop/core";
 * {
 *   await using group = new TaskGroup();
 *   group.spawn((signal) => fetch(urlA, { signal }));
 *   group.spawn(executor.submit(tasks.resize, image)); // a Future: cancelled if a sibling fails
 * } // waits for both; throws AggregateError if one failed
 * ```
 */
export class TaskGroup implements AsyncDisposable {
  readonly #controller = new AbortController();
  readonly #cancellables = new Set<PromiseLike<unknown> & { cancel(reason?: unknown): boolean }>();
  readonly #failures: unknown[] = [];
  readonly #removeParentAbort: () => void;
  #parentAborted = false;
  #spawned = 0;
  #running = 0;
  #onIdle: (() => void) | undefined;
  #waiting: Promise<void> | undefined;
  #finished = false;

  constructor(options?: TaskGroupOptions) {
    const parent = checkSignal(checkOptions(options).signal);
    const abortFromParent = () => {
      this.#parentAborted = true;
      this.#abort(parent!.reason);
    };
    if (parent?.aborted) abortFromParent();
    this.#removeParentAbort = parent?.aborted ? () => {} : onAbort(parent, abortFromParent);
  }

  /** Aborted when a task fails or the parent signal aborts; pass it on to the work you start. */
  get signal(): AbortSignal {
    return this.#controller.signal;
  }

  /**
   * Starts a task in the group and returns its result. A function is called
   * at once with the group's signal; a `Future` is cancelled if the group
   * aborts. On a group that has already aborted, the function is not called.
   * The returned promise never causes an unhandled rejection: failures are
   * reported by `wait()`.
   */
  spawn<T>(task: TaskGroupTask<T>): Promise<Awaited<T>> {
    if (typeof task !== "function" && !isThenable(task)) {
      throw new TypeError(`Expected task to be a function or a promise-like (such as a Future), got ${describeValue(task)}`);
    }
    if (this.#finished) throw new Error("Cannot spawn a task on a TaskGroup that has finished waiting: create a new TaskGroup");
    const signal = this.#controller.signal;
    let result: Promise<Awaited<T>>;
    let failedAtOnce = false;
    if (typeof task === "function") {
      if (signal.aborted) {
        result = Promise.reject(signal.reason);
      } else {
        try {
          result = Promise.resolve(task(signal)) as Promise<Awaited<T>>;
        } catch (error) {
          // A synchronous throw fails the group at once, before the next spawn.
          result = Promise.reject(error);
          failedAtOnce = true;
          this.#onRejected(error);
        }
      }
    } else {
      if (isCancellable(task)) {
        if (signal.aborted) task.cancel(signal.reason);
        else this.#cancellables.add(task);
      }
      result = Promise.resolve(task) as Promise<Awaited<T>>;
    }
    this.#spawned++;
    this.#running++;
    const settled = () => {
      if (isCancellable(task)) this.#cancellables.delete(task);
      if (--this.#running === 0) this.#onIdle?.();
    };
    result.then(settled, (error: unknown) => {
      if (!failedAtOnce) this.#onRejected(error);
      settled();
    });
    return result;
  }

  /**
   * Waits until every task has settled, including tasks spawned meanwhile.
   * Rejects with an `AggregateError` of the failures if any task failed,
   * with the parent signal's reason if it aborted, and resolves otherwise.
   */
  wait(): Promise<void> {
    this.#waiting ??= (async () => {
      while (this.#running > 0) await new Promise<void>((resolve) => (this.#onIdle = resolve));
      this.#finished = true;
      this.#removeParentAbort();
      if (this.#failures.length > 0) {
        const [first] = this.#failures;
        const summary = first instanceof Error ? `: ${first.message}` : "";
        throw new AggregateError(this.#failures, `${this.#failures.length} of ${this.#spawned} tasks in the TaskGroup failed${summary}`);
      }
      if (this.#parentAborted) throw this.#controller.signal.reason;
    })();
    return this.#waiting;
  }

  /** `await using group = new TaskGroup()` waits for the group when the block ends. */
  [Symbol.asyncDispose](): Promise<void> {
    return this.wait();
  }

  #onRejected(error: unknown): void {
    if (this.#isCancellation(error)) return;
    this.#failures.push(error);
    this.#abort(new CancelledError("Cancelled because a sibling task in the TaskGroup failed", { cause: error }));
  }

  #abort(reason: unknown): void {
    if (this.#controller.signal.aborted) return;
    this.#controller.abort(reason);
    for (const future of this.#cancellables) future.cancel(reason);
    this.#cancellables.clear();
  }

  #isCancellation(error: unknown): boolean {
    if (CancelledError.isInstance(error)) return true;
    const signal = this.#controller.signal;
    return signal.aborted && (error === signal.reason || (error as { name?: unknown } | null)?.name === "AbortError");
  }
}
