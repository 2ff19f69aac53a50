// offloop on Node: the core toolbox, the worker_threads and child_process executors, and runInExecutor.
import { ThreadPoolExecutor } from "@offloop/node-worker-threads";
import { defaultExecutorApi, type DefaultExecutorApi } from "@offloop/core";

export * from "@offloop/core";
export { ProcessPoolExecutor, type ProcessPoolExecutorOptions } from "@offloop/node-child-process";
export { ThreadPoolExecutor, type ThreadPoolExecutorOptions } from "@offloop/node-worker-threads";

/** The name of the runtime this entry serves. */
export const runtime = "node" as const;

export const { runInExecutor, toThread, getDefaultExecutor, setDefaultExecutor }: DefaultExecutorApi = defaultExecutorApi(() => new ThreadPoolExecutor({ name: "offloop-default" }));
