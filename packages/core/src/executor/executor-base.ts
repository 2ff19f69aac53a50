import { describeValue } from "../check-arguments.js";
import { CancelledError, ExecutorShutdownError, QueueFullError } from "../errors.js";
import type { Executor, ExecutorStats, MapOptions, RunOptions, ShutdownOptions } from "./executor.js";
import type { Future } from "./future.js";
import { mapWithExecutor } from "./map.js";
import { describeTask, type TaskLike } from "../tasks.js";

/**
 * The front door every offloop executor shares: `submit`, `run`, `map` (with
 * backpressure and chunking) and `await using`, all funnelled into one
 * `enqueue` that a subclass implements. `WorkerPool` and `BullMQExecutor`
 * extend it; an executor on another transport only writes `enqueue`,
 * `shutdown` and `stats`.
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
    describeTask(task);
    const callSite = this.captureCallSite ? new Error("map() called here") : undefined;
    return mapWithExecutor<T, Awaited<R>>(
      (chunk, runOptions) => this.enqueue(task, chunk, runOptions, true, callSite) as Future<Awaited<R>[]>,
      items,
      options,
      this.mapParallelism,
    );
  }

  /** `shutdown({ wait: true })`, for `await using executor = new ...`. */
  [Symbol.asyncDispose](): Promise<void> {
    return this.shutdown({ wait: true });
  }
}

/** Why an executor refuses a task at submit, and whether that counts as a cancellation (else a failure). */
export interface SubmissionRefusal {
  readonly error: Error;
  readonly cancelled: boolean;
}

/**
 * The checks every executor makes at submit, in one order: shut down
 * (`ExecutorShutdownError`), `maxQueue` reached (`QueueFullError`), signal
 * already aborted (`CancelledError`). Returns undefined when the task may be
 * queued.
 *
 * @example
 * ```ts
 * const refusal = submissionRefusal({ closing: false, name: "pool", pending: 10, maxQueue: 10, signal: undefined });
 * refusal?.error.name; // "QueueFullError"
 * ```
 */
export function submissionRefusal(state: {
  closing: boolean;
  name: string;
  pending: number;
  maxQueue: number;
  signal: AbortSignal | undefined;
}): SubmissionRefusal | undefined {
  if (state.closing) return { error: new ExecutorShutdownError(`Cannot submit a task: executor "${state.name}" is shut down`), cancelled: false };
  if (state.pending >= state.maxQueue) {
    return { error: new QueueFullError(`Cannot submit a task: ${state.maxQueue} tasks are already pending (maxQueue)`), cancelled: false };
  }
  if (state.signal?.aborted) {
    return { error: new CancelledError("The task was cancelled before it was submitted", { cause: state.signal.reason }), cancelled: true };
  }
  return undefined;
}
