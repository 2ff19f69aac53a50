/**
 * The worker entry of @offloop/bun-worker: it serves tasks for the pool
 * through the worker's global scope. Users never import it.
 */
import { receiveMessageOnPort } from "node:worker_threads";
import { serveWebWorker } from "@offloop/core/worker";

// Served over the pool's MessageChannel port, which Bun can read synchronously (spinMicroseconds).
serveWebWorker({ receiveMessageOnPort });
