import type { Transferable } from "../protocol/protocol.js";
import type { Future } from "./future.js";
import type { TaskLike } from "../tasks.js";

/** Options for one task run. */
export interface RunOptions {
  /** Cancels the task when it aborts (the Future rejects with CancelledError). */
  signal?: AbortSignal;
  /** Milliseconds from submission; past it the task is cancelled and the Future rejects with TimeoutError. */
  timeout?: number;
  /** Buffers in the arguments to move to the worker instead of copying (they become detached here). */
  transfer?: Transferable[];
  /** Receives each value the task reports with `taskContext().progress(value)`. */
  onProgress?: (value: unknown) => void;
}

/** Options for `executor.map` and `executor.mapChunks`. */
export interface MapOptions {
  /** The most items submitted and not yet yielded at once (backpressure on the source). */
  concurrency?: number;
  /** Yield results in input order (default) or as they complete. */
  ordered?: boolean;
  /** Items sent to a worker in one task; the function still receives one item at a time. Default 1. */
  chunkSize?: number;
  /** Aborting stops the iteration, cancels what is in flight and throws the signal's reason. */
  signal?: AbortSignal;
  /** Per-chunk time limit in milliseconds. */
  timeout?: number;
}

/** Options for `executor.shutdown`. */
export interface ShutdownOptions {
  /** Wait until running and pending tasks have settled and workers have exited (default true). */
  wait?: boolean;
  /** Cancel tasks that have not started, with CancelledError (default false). */
  cancelPending?: boolean;
}

/** A snapshot of what an executor is doing. */
export interface ExecutorStats {
  /** Live workers (starting, busy or idle). */
  readonly workers: number;
  /** Workers with nothing to do. */
  readonly idle: number;
  /** Tasks submitted and not yet started. */
  readonly queued: number;
  /** Tasks started and not yet settled. */
  readonly running: number;
  /** Tasks ever submitted (including refused ones). */
  readonly submitted: number;
  readonly completed: number;
  readonly failed: number;
  readonly cancelled: number;
}

/**
 * The executor contract: what every offloop executor does, on every runtime,
 * like Python's `concurrent.futures.Executor`.
 *
 * @example
 * ```ts
 * async function total(executor: Executor) {
 *   const results = await Promise.all([1, 2, 3].map((n) => executor.submit(tasks.square, n)));
 *   return results.reduce((a, b) => a + b, 0);
 * }
 * ```
 */
export interface Executor {
  /** Runs `task(...args)` in a worker; returns its Future at once. */
  submit<A extends unknown[], R>(task: TaskLike<A, R>, ...args: A): Future<Awaited<R>>;
  /** Like `submit`, with per-task options (signal, timeout, transfer, onProgress). */
  run<A extends unknown[], R>(task: TaskLike<A, R>, args: A, options?: RunOptions): Future<Awaited<R>>;
  /** Runs `task(item)` for each item, with backpressure; yields results in order unless `ordered: false`. */
  map<T, R>(task: TaskLike<[T], R>, items: Iterable<T> | AsyncIterable<T>, options?: MapOptions): AsyncIterableIterator<Awaited<R>>;
  /** Like `map` (same options), but yields each chunk's results as one array: one `await` per chunk instead of one per item. */
  mapChunks<T, R>(task: TaskLike<[T], R>, items: Iterable<T> | AsyncIterable<T>, options?: MapOptions): AsyncIterableIterator<Awaited<R>[]>;
  /** Stops accepting tasks and frees the workers once the running ones are done. */
  shutdown(options?: ShutdownOptions): Promise<void>;
  /** `shutdown({ wait: true })`, for `await using executor = new ThreadPoolExecutor()`. */
  [Symbol.asyncDispose](): Promise<void>;
  readonly stats: ExecutorStats;
}
