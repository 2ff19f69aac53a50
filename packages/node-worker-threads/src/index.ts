export { ThreadPoolExecutor, type ThreadPoolExecutorOptions } from "./thread-pool-executor.js";
export { nodeThreadSpawner, type NodeThreadOptions } from "./spawner.js";
