// threads.js 1.7.0 ships types only for its CommonJS entry, which its
// "exports" map hides from ESM importers; the little of it that this
// package calls is declared here.

declare module "threads" {
  /**
   * A threads.js `Worker`. Under Node, Bun and Deno it is a
   * `node:worker_threads` Worker with an `addEventListener` shim that hands
   * every event to the listener as `{ data }` (the message, the error, or
   * the exit code).
   */
  export interface ThreadsWorker {
    postMessage(message: unknown, transfer?: readonly object[]): void;
    addEventListener(type: string, listener: (event: { data: any }) => void): void;
    terminate(): void | Promise<number>;
    ref?(): void;
    unref?(): void;
  }
  export const Worker: new (path: string, options?: Record<string, unknown>) => ThreadsWorker;
  /** Resolves once the worker called `expose()`; rejects after `timeout` ms or on the worker's start error. */
  export function spawn(worker: ThreadsWorker, options?: { timeout?: number }): Promise<unknown>;
}

declare module "threads/worker" {
  export function expose(exposed: object | ((...args: any[]) => unknown)): void;
}
