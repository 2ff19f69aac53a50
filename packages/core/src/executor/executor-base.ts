import { describeValue, ownOptions } from "../check-arguments.js";
import type { Executor, ExecutorStats, MapOptions, RunOptions, ShutdownOptions } from "./executor.js";
import { rejectedFuture, type Future } from "./future.js";
import { submissionRefusal, type AdmissionState } from "./submission-refusal.js";
import { armRunOptions } from "./run-options.js";
import type { TimeoutError } from "../errors.js";
import type { Clock } from "../asyncio/clock.js";
import { mapChunksWithExecutor, mapWithExecutor, type SubmitChunk } from "./map.js";
import { describeTask, type TaskLike } from "../tasks.js";

/**
 * The front door every offloop executor shares: `submit`, `run`, `map` and
 * `mapChunks` (with backpressure and chunking) and `await using`, all
 * funnelled into one `enqueue` that a subclass implements. `WorkerPool` and
 * `BullMQExecutor` extend it; an executor on another transport only writes `enqueue`,
 * `shutdown` and `stats`. It also keeps the bookkeeping they share: the
 * submit-time refusals (`admit`), the settled counters (`settleTask`,
 * `counts`) and the checks of `shutdown`'s options.
 *
 * @example
 * ```ts
 * class EchoExecutor extends ExecutorBase {
 *   protected readonly captureCallSite = false;
 *   protected readonly mapParallelism = 1;
 *   protected enqueue(task, args) { const future = new Future(); future.settle("fulfilled", args); return future }
 *   async shutdown() {}
 *   get stats() { return { workers: 0, idle: 0, queued: 0, running: 0, submitted: 0, completed: 0, failed: 0, cancelled: 0 } }
 * }
 * ```
 */
export abstract class ExecutorBase implements Executor {
  /** Whether `submit`/`run`/`map` record the submitting call site for error stacks. */
  protected abstract readonly captureCallSite: boolean;
  /** How many chunks can run at once; `map`'s default `concurrency` is derived from it. */
  protected abstract readonly mapParallelism: number;

  /**
   * Queues one task (or, with `chunk`, one chunk of `map` items whose result is
   * an array) and returns its Future; refusals (shut down, queue full,
   * aborted signal) come back as an already rejected Future.
   */
  protected abstract enqueue(task: TaskLike, args: unknown[], options: RunOptions | undefined, chunk: boolean, callSite?: Error): Future<unknown>;

  abstract shutdown(options?: ShutdownOptions): Promise<void>;
  abstract get stats(): ExecutorStats;

  /** Runs `task(...args)` and returns its Future at once. */
  submit<A extends unknown[], R>(task: TaskLike<A, R>, ...args: A): Future<Awaited<R>> {
    return this.enqueue(task, args, undefined, false) as Future<Awaited<R>>;
  }

  /** Like `submit`, with options: `signal`, `timeout`, `transfer`, `onProgress`. */
  run<A extends unknown[], R>(task: TaskLike<A, R>, args: A, options?: RunOptions): Future<Awaited<R>> {
    if (!Array.isArray(args)) throw new TypeError(`Expected args to be an array of arguments, got ${describeValue(args)}`);
    return this.enqueue(task, args, options, false) as Future<Awaited<R>>;
  }

  /**
   * Runs `task(item)` for each item with backpressure: at most `concurrency`
   * items are taken from the source ahead of what has been yielded;
   * `chunkSize` items travel as one task.
   */
  map<T, R>(task: TaskLike<[T], R>, items: Iterable<T> | AsyncIterable<T>, options?: MapOptions): AsyncIterableIterator<Awaited<R>> {
    return mapWithExecutor(this.#chunkSubmitter(task, "map"), items, options, this.mapParallelism);
  }

  /**
   * Like `map` (same options, backpressure, order, errors and cancellation),
   * but yields each chunk's results as one array of up to `chunkSize`
   * results, so the loop pays one `await` per chunk instead of one per item.
   * The fastest way through many tiny items.
   *
   * @example
   * ```ts
   * let total = 0;
   * for await (const squares of executor.mapChunks(tasks.square, numbers, { chunkSize: 1000 })) {
   *   for (const square of squares) total += square;
   * }
   * ```
   */
  mapChunks<T, R>(task: TaskLike<[T], R>, items: Iterable<T> | AsyncIterable<T>, options?: MapOptions): AsyncIterableIterator<Awaited<R>[]> {
    return mapChunksWithExecutor(this.#chunkSubmitter(task, "mapChunks"), items, options, this.mapParallelism);
  }

  /** How `map` and `mapChunks` run one chunk of items as one task (checked, and with one call site per call when captured). */
  #chunkSubmitter<T, R>(task: TaskLike<[T], R>, method: "map" | "mapChunks"): SubmitChunk<T, Awaited<R>> {
    describeTask(task);
    const callSite = this.captureCallSite ? new Error(`${method}() called here`) : undefined;
    return (chunk, runOptions) => this.enqueue(task, chunk, runOptions, true, callSite) as Future<Awaited<R>[]>;
  }

  #submitted = 0;
  #completed = 0;
  #failed = 0;
  #cancelled = 0;

  /**
   * Counts a submission and makes the checks every executor makes, in one
   * order: shut down (`ExecutorShutdownError`), `maxQueue` reached
   * (`QueueFullError`), signal already aborted (`CancelledError`). Returns
   * the rejected Future of a refused task, or undefined when it may be queued.
   */
  protected admit(state: AdmissionState): Future<unknown> | undefined {
    this.#submitted++;
    const refusal = submissionRefusal(state);
    if (!refusal) return undefined;
    if (refusal.cancelled) this.#cancelled++;
    else this.#failed++;
    return rejectedFuture(refusal.error);
  }

  /**
   * Arms a task's `timeout` and `signal`: past the timeout `onTimeout` gets a
   * TimeoutError naming the limit; an abort cancels the Future with the
   * signal's reason. Returns the disarm function (call it when the task settles).
   */
  protected armRunOptions(future: Future<unknown>, options: RunOptions | undefined, onTimeout: (error: TimeoutError) => void, clock?: Clock): (() => void) | undefined {
    return armRunOptions(future, options, onTimeout, clock);
  }

  /** Counts a task refused after `admit` accepted it (e.g. an argument that cannot be sent), as failed. */
  protected refuseAdmitted(error: unknown): Future<unknown> {
    this.#failed++;
    return rejectedFuture(error);
  }

  /** Settles a task's Future once and counts it; returns whether this call settled it. */
  protected settleTask(future: Future<unknown>, state: "fulfilled" | "rejected" | "cancelled", value: unknown): boolean {
    if (!future.settle(state, value)) return false;
    if (state === "fulfilled") this.#completed++;
    else if (state === "rejected") this.#failed++;
    else this.#cancelled++;
    return true;
  }

  /** Tasks submitted and settled so far, by outcome. */
  protected get counts(): { submitted: number; completed: number; failed: number; cancelled: number } {
    return { submitted: this.#submitted, completed: this.#completed, failed: this.#failed, cancelled: this.#cancelled };
  }

  /** Tasks accepted and not yet settled. */
  protected get unsettledCount(): number {
    return this.#submitted - this.#completed - this.#failed - this.#cancelled;
  }

  /** Checks `shutdown`'s options where the user called it and fills in the defaults. */
  protected shutdownOptions(options: ShutdownOptions | undefined): Required<ShutdownOptions> {
    const own = ownOptions(options);
    const wait = own.wait === undefined ? true : own.wait;
    const cancelPending = own.cancelPending === undefined ? false : own.cancelPending;
    if (typeof wait !== "boolean") throw new TypeError(`Expected wait to be a boolean, got ${describeValue(wait)}`);
    if (typeof cancelPending !== "boolean") throw new TypeError(`Expected cancelPending to be a boolean, got ${describeValue(cancelPending)}`);
    return { wait, cancelPending };
  }

  /** `shutdown({ wait: true })`, for `await using executor = new ...`. */
  [Symbol.asyncDispose](): Promise<void> {
    return this.shutdown({ wait: true });
  }
}
