import { expose, Transfer } from "threads/worker";
import { noop, burn, incChunk } from "../work.mjs";

expose({
  noop,
  burn,
  incChunk,
  echo: (buffer) => buffer,
  echoTransfer: (buffer) => Transfer(buffer),
});
