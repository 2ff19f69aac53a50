/**
 * The messages between a pool and its workers: the one file that defines
 * them. Both directions send flat arrays of records, many records a message,
 * so that thousands of tiny tasks cost a handful of `postMessage` calls.
 * Each record is an op string followed by a fixed number of fields:
 *
 * pool -> worker
 *   "hello"   version, workerId, concurrency, progress   first record a worker ever gets; progress is an
 *                                                 Int32Array on shared memory (or null) where the worker
 *                                                 counts the tasks it has taken up, so that after a crash
 *                                                 the pool knows exactly which tasks had started
 *   "module"  fnId, moduleUrl, taskName           define fnId as a task from a module
 *   "source"  fnId, sourceText                    define fnId as a self-contained function
 *   "init"    fnId, args                          run the initializer before any task
 *   "run"     taskId, fnId, args                  run fn(...args)
 *   "chunk"   taskId, fnId, items                 run fn(item) for each item; result is the array
 *   "cancel"  taskId, reason                      abort the task's signal, or drop it if not started
 *
 * worker -> pool
 *   "ready"    version                            the worker is up (sent once, before anything else)
 *   "ok"       taskId, value                      the task returned
 *   "error"    taskId, SerializedError            the task threw
 *   "dropped"  taskId                             a cancelled task that never started
 *   "progress" taskId, value                      taskContext().progress(value)
 *   "initError" SerializedError                   the initializer threw; the worker serves nothing
 */

/**
 * The version of the pool <-> worker messages; a worker announces it in its
 * `ready` message and the pool refuses a worker that speaks another.
 *
 * @example
 * ```ts
 * import { PROTOCOL_VERSION } from "@offloop/core";
 * console.log(`offloop protocol v${PROTOCOL_VERSION}`);
 * ```
 */
export const PROTOCOL_VERSION = 2;

/**
 * Fields after the op string, per op: how a reader walks a flat message of
 * several records.
 *
 * @example
 * ```ts
 * import { RECORD_FIELDS } from "@offloop/core";
 * // ["ok", 7, 42, "ok", 8, 43]: two results in one message
 * const stride = 1 + RECORD_FIELDS.ok; // 3
 * ```
 */
export const RECORD_FIELDS = {
  hello: 4,
  module: 3,
  source: 2,
  init: 2,
  run: 3,
  chunk: 3,
  cancel: 2,
  ready: 1,
  ok: 2,
  error: 2,
  dropped: 1,
  progress: 2,
  initError: 1,
} as const;

/** The ops of records the pool sends to a worker (see the message format above). */
export type PoolOp = "hello" | "module" | "source" | "init" | "run" | "chunk" | "cancel";
/** The ops of records a worker sends to the pool (see the message format above). */
export type WorkerOp = "ready" | "ok" | "error" | "dropped" | "progress" | "initError";

/** A message: records laid end to end, `[op, ...fields, op, ...fields]`. */
export type Message = unknown[];

/** An error as it crosses a thread or process boundary. */
export interface SerializedError {
  name: string;
  message: string;
  stack?: string;
  cause?: unknown;
  /** For AggregateError. */
  errors?: unknown[];
  /** Own enumerable properties, e.g. `code`. */
  props?: Record<string, unknown>;
  /** Marks a serialized error, so that a cause that is a plain object stays one. */
  $offloopError: 1;
}

/** Something a transfer list may hold: an ArrayBuffer, a MessagePort, a stream... (the host decides). */
export type Transferable = object;
