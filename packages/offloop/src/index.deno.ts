// offloop on Deno: the core toolbox (with runInExecutor, toThread and the default
// executor), the Deno Worker executor, and ProcessPoolExecutor.
import { setDefaultExecutorFactory } from "@offloop/core";
import { ThreadPoolExecutor } from "@offloop/deno-worker";

export * from "@offloop/core";
export { ProcessPoolExecutor, type ProcessPoolExecutorOptions } from "@offloop/node-child-process";
export { ThreadPoolExecutor, type ThreadPoolExecutorOptions } from "@offloop/deno-worker";

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
export const runtime = "deno" as const;

// runInExecutor(null, ...) and toThread use this runtime's thread pool, made on first use.
setDefaultExecutorFactory(() => new ThreadPoolExecutor({ name: "offloop-default" }));
