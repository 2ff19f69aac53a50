import { receiveMessageOnPort } from "node:worker_threads";
import { webWorkerSpawner, type Spawner } from "@offloop/core";

/** The worker entry beside this module: `worker.ts` when run from source (Bun runs TypeScript), `worker.js` when built. */
const workerEntry = new URL(import.meta.url.endsWith(".ts") ? "./worker.ts" : "./worker.js", import.meta.url);

/**
 * Starts workers on Bun's web `Worker`. Used by `ThreadPoolExecutor`;
 * exported for tools that build their own executor on `WorkerPool`.
 *
 * Bun's web Worker is used rather than its `node:worker_threads`: both stop
 * busy loops and can be unref'd, and the web Worker was as fast or faster
 * here (see the README).
 *
 * @example
 * ```ts
 * import { WorkerPool } from "@offloop/core";
 * import { bunWorkerSpawner } from "@offloop/bun-worker";
 * const pool = new WorkerPool({ maxWorkers: 2 }, bunWorkerSpawner());
 * ```
 */
export function bunWorkerSpawner(): Spawner {
  return webWorkerSpawner({
    entry: workerEntry,
    // Bun ignores resourceLimits; it stops busy loops on terminate() and can unref a Worker.
    capabilities: { transfer: true, sharedMemory: true, resourceLimits: false, permissions: false, terminatesBusyLoop: true, crashIsolation: true, unref: true },
    // Bun fires "close" once a worker is gone, also after terminate() and after an uncaught error.
    exitEvent: "close",
    // Pool and worker talk over a MessageChannel whose ends Bun reads synchronously: workers spin for
    // their next task (spinMicroseconds), callers can spin for results (callerSpinMicroseconds).
    receiveMessageOnPort,
  });
}
