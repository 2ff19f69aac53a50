import { ThreadWorker } from "poolifier";
import { noop, burn, incChunk } from "../work.mjs";

export default new ThreadWorker({
  noop,
  burn,
  incChunk,
  echo: (buffer) => buffer,
});
