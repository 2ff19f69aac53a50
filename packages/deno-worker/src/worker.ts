/**
 * The worker entry of @offloop/deno-worker: it serves tasks for the pool
 * through the worker's global scope. Users never import it.
 */
// The package's main entry, not @offloop/core/worker: task modules import @offloop/core, and a
// sandboxed worker (permissions without read access to node_modules) can only use what its
// entry already loaded.
import { serveWebWorker } from "@offloop/core";

serveWebWorker({ exitCode: () => (globalThis as { Deno?: { exitCode: number } }).Deno?.exitCode });
