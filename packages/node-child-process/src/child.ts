/**
 * The child entry of @offloop/node-child-process: it serves tasks for the
 * pool on the other end of the IPC channel, and exits as soon as the parent
 * is gone. Users never import it.
 */
import { Worker } from "node:worker_threads";
import { serializeError, type Message } from "@offloop/core";
import { serve } from "@offloop/core/worker";
import { sendableCheck } from "./check-sendable.js";
import { UNCAUGHT } from "./uncaught.js";

/** How often the watchdog thread checks that the parent is alive. */
const WATCH_INTERVAL_MS = 500;

const send = process.send?.bind(process);
if (!send) throw new Error("@offloop/node-child-process/child must run in a process started by child_process.fork with an IPC channel");

/** The parent passes its `serialization` option as the one argument. */
const check = sendableCheck(process.argv[2] === "json" ? "json" : "advanced");

// The parent closed the channel, exited or was killed (even by SIGKILL): nobody is left to serve.
process.on("disconnect", () => process.exit(0));

// An uncaught error (or unhandled rejection) ends the child; the parent gets it first, as the crash's cause.
process.on("uncaughtException", (error) => {
  process.exitCode = 1;
  send({ [UNCAUGHT]: serializeError(error) }, undefined, {}, () => process.exit(1));
});

serve({
  // Transfer lists cannot cross a process boundary: buffers are copied.
  postMessage(message) {
    check?.(message);
    send(message);
  },
  onMessage: (listener) => void process.on("message", (message) => listener(message as Message)),
}, { exitHooks: true });

watchParent();

/**
 * "disconnect" cannot fire while a task keeps this thread busy, so a small
 * thread watches for the parent's death (this process gets reparented) and
 * kills the process. It is unref'd: it never keeps the child alive.
 */
function watchParent(): void {
  const parentPid = process.ppid;
  const source = `const { workerData } = require("node:worker_threads");
setInterval(() => { if (process.ppid !== workerData) process.kill(process.pid, "SIGKILL"); }, ${WATCH_INTERVAL_MS});`;
  try {
    new Worker(source, { eval: true, workerData: parentPid, stdout: false, stderr: false }).unref();
  } catch {
    // Without threads, a busy child notices its parent's death when its task returns.
  }
}
