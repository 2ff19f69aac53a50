/**
 * The worker entry of @offloop/deno-worker: it serves tasks for the pool
 * through the worker's global scope. Users never import it.
 */
// The package's main entry, not @offloop/core/worker, and @offloop/core/tasks: task modules import
// one of them, and a sandboxed worker (permissions without read access to node_modules) can only
// use what its entry already loaded.
import { receiveMessageOnPort } from "node:worker_threads";
import { serveWebWorker } from "@offloop/core";
import "@offloop/core/tasks";

// Served over the pool's MessageChannel port, which Deno can read synchronously (spinMicroseconds).
serveWebWorker({ exitCode: () => (globalThis as { Deno?: { exitCode: number } }).Deno?.exitCode, receiveMessageOnPort });
