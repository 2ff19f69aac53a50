import { WorkerPool, type PoolOptions, ownOptions } from "@offloop/core";
import { denoWorkerSpawner, type DenoWorkerOptions } from "./spawner.js";

/** Options of the Deno `ThreadPoolExecutor`: the common pool options plus `permissions`. */
export interface ThreadPoolExecutorOptions extends PoolOptions, DenoWorkerOptions {}

/**
 * Python's `ThreadPoolExecutor` for Deno, on Deno's web `Worker`: runs tasks
 * in a pool of worker threads, optionally in a permission sandbox, so
 * CPU-heavy, blocking or untrusted work leaves the event loop free. Task
 * modules may be TypeScript. Idle workers are stopped after `idleTimeout`
 * (default 100 ms here), since Deno cannot unref a Worker.
 *
 * @example
 * ```ts
 * import { ThreadPoolExecutor } from "@offloop/deno-worker";
 * import tasks from "./tasks.ts";
 * await using executor = new ThreadPoolExecutor({ maxWorkers: 4, permissions: { read: ["./images"], net: false } });
 * console.log(await executor.submit(tasks.fib, 30));
 * ```
 */
export class ThreadPoolExecutor extends WorkerPool {
  constructor(options: ThreadPoolExecutorOptions = {}) {
    const { permissions, ...poolOptions } = ownOptions(options);
    super(poolOptions, denoWorkerSpawner({ permissions }));
  }
}
