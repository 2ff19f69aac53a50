export { ThreadPoolExecutor, type ThreadPoolExecutorOptions } from "./thread-pool-executor.js";
export { denoWorkerSpawner, type DenoWorkerOptions, type DenoPermissions } from "./spawner.js";
