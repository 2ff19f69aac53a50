export { ThreadPoolExecutor, type ThreadPoolExecutorOptions } from "./thread-pool-executor.js";
export { bunWorkerSpawner } from "./spawner.js";
