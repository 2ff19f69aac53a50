/**
 * The worker entry of @offloop/threads: a threads.js worker that serves
 * tasks for the pool. Users never import it.
 *
 * `expose({})` completes threads.js's `spawn()` handshake (and importing
 * "threads/worker" installs its uncaught-error reporting). offloop's own
 * protocol then travels as raw messages on the same port: threads.js's
 * method calls and observables report a message that cannot be cloned
 * asynchronously, and the engine needs to know at once.
 */
import { parentPort } from "node:worker_threads";
import { serve } from "@offloop/core/worker";
import { expose } from "threads/worker";

const port = parentPort;
if (!port) throw new Error("@offloop/threads/worker must run inside a threads.js worker");
serve({
  postMessage: (message, transfer) => port.postMessage(message, transfer as never),
  // threads.js's own messages are objects; offloop's are arrays.
  onMessage: (listener) => port.on("message", (message) => Array.isArray(message) && listener(message)),
}, { exitHooks: true });
expose({});
