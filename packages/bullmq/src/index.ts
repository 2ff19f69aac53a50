export { BullMQExecutor, type BullMQExecutorOptions } from "./bullmq-executor.js";
export { startWorker, type StartWorkerOptions, type WorkerHost } from "./start-worker.js";
