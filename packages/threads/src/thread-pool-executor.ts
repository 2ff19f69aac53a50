import { WorkerPool, type PoolOptions, ownOptions } from "@offloop/core";
import { threadsSpawner, type ThreadsOptions } from "./spawner.js";

/** Options of the threads.js `ThreadPoolExecutor`: the common pool options plus threads.js's `spawnTimeout` and `resourceLimits`. */
export interface ThreadPoolExecutorOptions extends PoolOptions, ThreadsOptions {}

/**
 * Python's `ThreadPoolExecutor` on threads.js workers, for apps already on
 * threads.js: offloop's engine queues, batches, cancels and times out
 * tasks; threads.js starts the workers. Idle workers never keep the
 * process alive.
 *
 * @example
 * ```ts
 * import { ThreadPoolExecutor } from "@offloop/threads";
 * import tasks from "./tasks.js";
 * await using executor = new ThreadPoolExecutor({ maxWorkers: 4 });
 * console.log(await executor.submit(tasks.fib, 30));
 * ```
 */
export class ThreadPoolExecutor extends WorkerPool {
  constructor(options: ThreadPoolExecutorOptions = {}) {
    const { spawnTimeout, resourceLimits, ...poolOptions } = ownOptions(options);
    if (spawnTimeout !== undefined && !(typeof spawnTimeout === "number" && spawnTimeout > 0 && Number.isFinite(spawnTimeout))) {
      throw new TypeError(`Expected spawnTimeout to be a positive number of ms, got ${String(spawnTimeout)}`);
    }
    if (resourceLimits !== undefined && (typeof resourceLimits !== "object" || resourceLimits === null)) {
      throw new TypeError(`Expected resourceLimits to be an object such as { maxOldGenerationSizeMb: 64 }, got ${String(resourceLimits)}`);
    }
    super(poolOptions, threadsSpawner({ spawnTimeout, resourceLimits }));
  }
}
