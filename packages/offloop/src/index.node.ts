// offloop on Node: the core toolbox, the worker_threads and child_process executors, and runInExecutor.
import { ThreadPoolExecutor } from "@offloop/node-worker-threads";
import { defaultExecutorApi, type DefaultExecutorApi } from "@offloop/core";

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

const api: DefaultExecutorApi = defaultExecutorApi(() => new ThreadPoolExecutor({ name: "offloop-default" }));

/**
 * The port of Python's `loop.run_in_executor(executor, func, *args)`: runs
 * `task(...args)` in `executor`, or with `null` in the process-wide default
 * thread pool (created on first use; it never keeps the process alive).
 *
 * @example
 * ```ts
 * import { runInExecutor } from "offloop";
 * import tasks from "./tasks.js";
 * const n = await runInExecutor(null, tasks.fib, 30);
 * ```
 */
export const runInExecutor: DefaultExecutorApi["runInExecutor"] = api.runInExecutor;

/**
 * The port of Python's `asyncio.to_thread(func, *args)`: runs `task(...args)`
 * in the default thread pool.
 *
 * @example
 * ```ts
 * import { toThread } from "offloop";
 * const digest = await toThread(tasks.sha256, "hello");
 * ```
 */
export const toThread: DefaultExecutorApi["toThread"] = api.toThread;

/**
 * The process-wide default executor, created on first use: a
 * `ThreadPoolExecutor` with default options whose idle workers never keep the
 * process alive.
 *
 * @example
 * ```ts
 * import { getDefaultExecutor } from "offloop";
 * console.log(getDefaultExecutor().stats);
 * ```
 */
export const getDefaultExecutor: DefaultExecutorApi["getDefaultExecutor"] = api.getDefaultExecutor;

/**
 * Replaces the default executor used by `runInExecutor(null, ...)` and
 * `toThread`; the previous one is shut down without waiting for its tasks.
 *
 * @example
 * ```ts
 * import { ProcessPoolExecutor, setDefaultExecutor } from "offloop";
 * setDefaultExecutor(new ProcessPoolExecutor({ maxWorkers: 2 }));
 * ```
 */
export const setDefaultExecutor: DefaultExecutorApi["setDefaultExecutor"] = api.setDefaultExecutor;
