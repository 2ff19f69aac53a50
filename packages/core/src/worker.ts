// @offloop/core/worker: what a worker loads to serve tasks (adapters' worker entries, and a browser app's
// one-line worker entry). Re-exports only.
export { serve, type WorkerPort, type ServeOptions, type ServedWorker } from "./worker/serve.js";
export { installExitHooks } from "./worker/exit-hooks.js";
export { serveWebWorker, type ServeWebWorkerOptions, type WebWorkerScope } from "./worker/serve-web-worker.js";
export { taskContext, type TaskContext } from "./worker/task-context.js";
export { withTransfer } from "./worker/with-transfer.js";
