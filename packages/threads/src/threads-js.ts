// threads.js 1.7.0 ships no types for its ESM entry ("threads" -> index.mjs),
// so the little of it that the adapter calls is described here, structurally.

/** threads.js's serialized form of an Error (its DefaultSerializer). */
export interface ThreadsSerializedError {
  __error_marker: "$$error";
  name: string;
  message: string;
  stack?: string;
}

/**
 * A threads.js `Worker`. Under Node, Bun and Deno it is a `node:worker_threads`
 * Worker with an `addEventListener` shim that hands every event to the
 * listener as `{ data }` (the message, the error, or the exit code).
 */
export interface ThreadsWorker {
  postMessage(message: unknown, transfer?: readonly object[]): void;
  addEventListener(type: string, listener: (event: { data: any }) => void): void;
  terminate(): void | Promise<number>;
  ref?(): void;
  unref?(): void;
}

/** The part of the "threads" module the adapter uses. */
export interface ThreadsModule {
  Worker: new (path: string, options?: Record<string, unknown>) => ThreadsWorker;
  spawn(worker: ThreadsWorker, options?: { timeout?: number }): Promise<unknown>;
}
