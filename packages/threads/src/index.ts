export { ThreadPoolExecutor, type ThreadPoolExecutorOptions } from "./thread-pool-executor.js";
export { threadsSpawner, type ThreadsOptions } from "./spawner.js";
