// The floor for processes: raw child_process.fork IPC, [id, op, arg] in and [id, result] out.
import { noop, burn, incChunk } from "../work.mjs";

const ops = [noop, burn, incChunk, (b) => b];
process.on("message", (message) => {
  const [id, op, arg] = message;
  process.send([id, ops[op](arg)]);
});
