import { WorkerPool, type PoolOptions } from "@offloop/core";
import { browserWorkerSpawner, type WorkerFactory } from "./spawner.js";

/** Options of the browser `ThreadPoolExecutor`: the common pool options and the `worker` factory. */
export interface ThreadPoolExecutorOptions extends PoolOptions {
  /**
   * Starts one worker on your worker entry, in your bundler's syntax:
   * `() => new Worker(new URL("./worker.js", import.meta.url), { type: "module" })`.
   * The entry imports your task modules and calls `serveWebWorker()` from
   * `offloop/worker` (or `@offloop/core/worker`).
   */
  worker: WorkerFactory;
}

/**
 * Python's `ThreadPoolExecutor` for the browser, on the browser's `Worker`:
 * runs tasks in a pool of web workers, so heavy work leaves the page
 * responsive. `maxWorkers` defaults to `navigator.hardwareConcurrency`.
 * Name task modules with a stable string id (`defineTasks("thumbnails",
 * ...)`): bundlers rewrite `import.meta.url`.
 *
 * @example
 * ```ts
 * // worker.ts: import "./tasks.js"; import { serveWebWorker } from "offloop/worker"; serveWebWorker();
 * import { ThreadPoolExecutor } from "@offloop/web-worker";
 * import tasks from "./tasks.js";
 * const executor = new ThreadPoolExecutor({
 *   worker: () => new Worker(new URL("./worker.js", import.meta.url), { type: "module" }),
 * });
 * console.log(await executor.submit(tasks.fib, 30));
 * ```
 */
export class ThreadPoolExecutor extends WorkerPool {
  constructor(options: ThreadPoolExecutorOptions) {
    if (typeof options !== "object" || options === null || options.worker === undefined) {
      throw new TypeError(
        'ThreadPoolExecutor in a browser needs a worker factory: new ThreadPoolExecutor({ worker: () => new Worker(new URL("./worker.js", import.meta.url), { type: "module" }) }), where worker.js imports your task modules and calls serveWebWorker()',
      );
    }
    const { worker, ...poolOptions } = options;
    super(poolOptions, browserWorkerSpawner(worker));
  }
}
