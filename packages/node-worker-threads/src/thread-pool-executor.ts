import { WorkerPool, type PoolOptions, ownOptions } from "@offloop/core";
import { nodeThreadSpawner, type NodeThreadOptions } from "./spawner.js";

/** Options of the Node `ThreadPoolExecutor`: the common pool options plus Node's. */
export interface ThreadPoolExecutorOptions extends PoolOptions, NodeThreadOptions {}

/**
 * Python's `ThreadPoolExecutor` for Node, on `worker_threads`: runs tasks in
 * a pool of worker threads, so CPU-heavy or blocking work leaves the event
 * loop free. Idle workers never keep the process alive.
 *
 * @example
 * ```ts
 * import { ThreadPoolExecutor } from "@offloop/node-worker-threads";
 * import tasks from "./tasks.js";
 * await using executor = new ThreadPoolExecutor({ maxWorkers: 4 });
 * console.log(await executor.submit(tasks.fib, 30));
 * ```
 */
export class ThreadPoolExecutor extends WorkerPool {
  constructor(options: ThreadPoolExecutorOptions = {}) {
    const { resourceLimits, execArgv, env, ...poolOptions } = ownOptions(options);
    if (execArgv !== undefined && (!Array.isArray(execArgv) || execArgv.some((flag) => typeof flag !== "string"))) {
      throw new TypeError(`Expected execArgv to be an array of strings, got ${JSON.stringify(execArgv)}`);
    }
    if (resourceLimits !== undefined && (typeof resourceLimits !== "object" || resourceLimits === null)) {
      throw new TypeError(`Expected resourceLimits to be an object such as { maxOldGenerationSizeMb: 64 }, got ${String(resourceLimits)}`);
    }
    super(poolOptions, nodeThreadSpawner({ resourceLimits, execArgv, env }));
  }
}
