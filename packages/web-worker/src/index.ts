export { ThreadPoolExecutor, type ThreadPoolExecutorOptions } from "./thread-pool-executor.js";
export { browserWorkerSpawner, type WorkerFactory } from "./spawner.js";
