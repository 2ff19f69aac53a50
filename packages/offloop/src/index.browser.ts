// offloop in a browser (the package's `browser` export condition, which bundlers pick): the core
// toolbox and the web Worker executor. No ProcessPoolExecutor: a page has no processes.
import { setDefaultExecutorFactory } from "@offloop/core";

export * from "@offloop/core";
export { ThreadPoolExecutor, type ThreadPoolExecutorOptions, browserWorkerSpawner, type WorkerFactory } from "@offloop/web-worker";

/**
 * The runtime this entry of `offloop` serves, chosen by the package's export
 * conditions: `"browser"` here (also `"node"`, `"bun"` or `"deno"`).
 *
 * @example
 * ```ts
 * import { runtime } from "offloop";
 * if (runtime === "browser") console.log("bundled for a page");
 * ```
 */
export const runtime = "browser" as const;

// A browser pool needs the app's worker entry, which only the app can name: runInExecutor(null, ...)
// and toThread say how to give one instead of guessing.
setDefaultExecutorFactory(() => {
  throw new Error(
    'In a browser, runInExecutor(null, ...) and toThread need a default executor that knows your worker entry: call setDefaultExecutor(new ThreadPoolExecutor({ worker: () => new Worker(new URL("./worker.js", import.meta.url), { type: "module" }) })) once at startup, or pass an executor.',
  );
});
