/**
 * The worker entry of @offloop/bun-worker: it serves tasks for the pool
 * through the worker's global scope. Users never import it.
 */
import { serveWebWorker } from "@offloop/core/worker";

serveWebWorker();
