// offloop on Node: the core toolbox (with runInExecutor, toThread and the default
// executor), the worker_threads and child_process executors, and ProcessPoolExecutor.
import { setDefaultExecutorFactory } from "@offloop/core";
import { ThreadPoolExecutor } from "@offloop/node-worker-threads";

export * from "@offloop/core";
export { ProcessPoolExecutor, type ProcessPoolExecutorOptions } from "@offloop/node-child-process";
export { ThreadPoolExecutor, type ThreadPoolExecutorOptions } from "@offloop/node-worker-threads";

/**
 * The runtime this entry of `offloop` serves, chosen by the package's export
 * conditions: `"node"`, `"bun"` or `"deno"`.
 *
 * @example
 * ```ts
 * import { runtime } from "offloop";
 * console.log(`running on ${runtime}`);
 * ```
 */
export const runtime = "node" as const;

// runInExecutor(null, ...) and toThread use this runtime's thread pool, made on first use.
setDefaultExecutorFactory(() => new ThreadPoolExecutor({ name: "offloop-default" }));
