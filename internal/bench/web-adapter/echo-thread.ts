/** Raw baseline: a node:worker_threads worker that echoes every message. */
import { parentPort } from "node:worker_threads";
parentPort!.on("message", (message) => parentPort!.postMessage(message));
