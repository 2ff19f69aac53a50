import { WorkerPool, type PoolOptions } from "@offloop/core";
import { bunWorkerSpawner } from "./spawner.js";

/** Options of the Bun `ThreadPoolExecutor`: the common pool options (Bun adds none; it ignores `resourceLimits`). */
export interface ThreadPoolExecutorOptions extends PoolOptions {}

/**
 * Python's `ThreadPoolExecutor` for Bun, on Bun's `Worker`: runs tasks in a
 * pool of worker threads, so CPU-heavy or blocking work leaves the event
 * loop free. Task modules may be TypeScript. Idle workers never keep the
 * process alive.
 *
 * @example
 * ```ts
 * import { ThreadPoolExecutor } from "@offloop/bun-worker";
 * import tasks from "./tasks.ts";
 * await using executor = new ThreadPoolExecutor({ maxWorkers: 4 });
 * console.log(await executor.submit(tasks.fib, 30));
 * ```
 */
export class ThreadPoolExecutor extends WorkerPool {
  constructor(options: ThreadPoolExecutorOptions = {}) {
    super(options, bunWorkerSpawner());
  }
}
