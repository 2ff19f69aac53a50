// offloop on Bun: the core toolbox, the Bun Worker executor, and runInExecutor.
import { ThreadPoolExecutor } from "@offloop/bun-worker";
import { defaultExecutorApi } from "./default-executor.js";

export * from "@offloop/core";
export { ThreadPoolExecutor, type ThreadPoolExecutorOptions } from "@offloop/bun-worker";
export type { DefaultExecutorApi } from "./default-executor.js";

/** The name of the runtime this entry serves. */
export const runtime = "bun" as const;

export const { runInExecutor, toThread, getDefaultExecutor, setDefaultExecutor }: DefaultExecutorApi = defaultExecutorApi(() => new ThreadPoolExecutor({ name: "offloop-default" }));
