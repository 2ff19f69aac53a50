export { ProcessPoolExecutor, type ProcessPoolExecutorOptions } from "./process-pool-executor.js";
export { nodeProcessSpawner, type NodeProcessOptions } from "./spawner.js";
