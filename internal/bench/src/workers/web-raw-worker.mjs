// Raw web Worker floor for Bun and Deno: [id, op, arg] in, [id, result] out.
import { noop, burn, incChunk } from "../work.mjs";

const ops = [noop, burn, incChunk, (b) => b];
self.onmessage = (event) => {
  const [id, op, arg, transferBack] = event.data;
  const result = ops[op](arg);
  self.postMessage([id, result], transferBack ? [result] : []);
};
