// offloop on Bun: the core toolbox, the Bun Worker executor, and runInExecutor.
import { ThreadPoolExecutor } from "@offloop/bun-worker";
import { defaultExecutorApi, type DefaultExecutorApi } from "@offloop/core";

export * from "@offloop/core";
export { ProcessPoolExecutor, type ProcessPoolExecutorOptions } from "@offloop/node-child-process";
export { ThreadPoolExecutor, type ThreadPoolExecutorOptions } from "@offloop/bun-worker";

/** The name of the runtime this entry serves. */
export const runtime = "bun" as const;

export const { runInExecutor, toThread, getDefaultExecutor, setDefaultExecutor }: DefaultExecutorApi = defaultExecutorApi(() => new ThreadPoolExecutor({ name: "offloop-default" }));
