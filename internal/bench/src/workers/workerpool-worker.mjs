import workerpool from "workerpool";
import { noop, burn, incChunk } from "../work.mjs";

workerpool.worker({
  noop,
  burn,
  incChunk,
  echo: (buffer) => buffer,
  echoTransfer: (buffer) => new workerpool.Transfer(buffer, [buffer]),
});
