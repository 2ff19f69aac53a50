/**
 * The worker entry of @offloop/bun-worker: it serves tasks for the pool
 * through the worker's global scope. Users never import it.
 */
import { serveWebWorker } from "@offloop/core/worker";

// Served over the pool's MessageChannel port, which Bun can read synchronously (spinMicroseconds).
// Bun takes ~4 ms to load node:worker_threads, more than the rest of a worker's start, and only the
// idle spin needs it: it is loaded once the worker's first answer is on its way.
serveWebWorker({ loadReceiveMessageOnPort: async () => (await import("node:worker_threads")).receiveMessageOnPort });
