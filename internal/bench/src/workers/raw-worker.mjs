// The practical floor: one postMessage per task, [id, op, arg] in and [id, result] out.
import { parentPort } from "node:worker_threads";
import { noop, burn, incChunk } from "../work.mjs";

const ops = [noop, burn, incChunk, (b) => b];
parentPort.on("message", (message) => {
  const [id, op, arg, transferBack] = message;
  const result = ops[op](arg);
  parentPort.postMessage([id, result], transferBack ? [result] : undefined);
});
