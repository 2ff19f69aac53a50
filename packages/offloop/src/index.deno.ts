// offloop on Deno: the core toolbox, the Deno Worker executor, and runInExecutor.
import { ThreadPoolExecutor } from "@offloop/deno-worker";
import { defaultExecutorApi, type DefaultExecutorApi } from "@offloop/core";

export * from "@offloop/core";
export { ProcessPoolExecutor, type ProcessPoolExecutorOptions } from "@offloop/node-child-process";
export { ThreadPoolExecutor, type ThreadPoolExecutorOptions } from "@offloop/deno-worker";

/** The name of the runtime this entry serves. */
export const runtime = "deno" as const;

export const { runInExecutor, toThread, getDefaultExecutor, setDefaultExecutor }: DefaultExecutorApi = defaultExecutorApi(() => new ThreadPoolExecutor({ name: "offloop-default" }));
