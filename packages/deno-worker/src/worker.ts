/**
 * The worker entry of @offloop/deno-worker: it serves tasks for the pool
 * through the worker's global scope. Users never import it.
 */
import { serveWebWorker } from "@offloop/core/worker";

serveWebWorker({ exitCode: () => (globalThis as { Deno?: { exitCode: number } }).Deno?.exitCode });
