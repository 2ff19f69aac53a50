/**
 * The worker entry of @offloop/node-worker-threads: it serves tasks for the
 * pool on the other side of `parentPort`. Users never import it.
 */
import { MessagePort, parentPort, receiveMessageOnPort, workerData } from "node:worker_threads";
import { serve } from "@offloop/core/worker";

if (!parentPort) throw new Error("@offloop/node-worker-threads/worker must run inside a worker thread");
// With callerSpinMicroseconds the pool talks to this worker over a MessageChannel port it gave us (it reads its end synchronously).
const poolPort = (workerData as { offloopPoolPort?: unknown } | null)?.offloopPoolPort;
const port = poolPort instanceof MessagePort ? poolPort : parentPort;
serve({
  postMessage: (message, transfer) => port.postMessage(message, transfer as never),
  onMessage: (listener) => port.on("message", listener),
  // For spinMicroseconds: an idle worker takes its next message at once. Where parentPort is not a real
  // MessagePort (Deno's node:worker_threads), receiveMessageOnPort refuses it: no spinning there.
  ...(port instanceof MessagePort ? { receiveSync: () => receiveMessageOnPort(port)?.message as unknown[] | undefined } : {}),
}, { exitHooks: true });
