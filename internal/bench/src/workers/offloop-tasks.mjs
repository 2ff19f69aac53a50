import { defineTasks, withTransfer } from "@offloop/core/tasks";
import { noop, burn, inc, incChunk } from "../work.mjs";

export default defineTasks(import.meta.url, {
  noop,
  burn,
  inc,
  incChunk,
  echo(buffer) {
    return buffer;
  },
  echoTransfer(buffer) {
    return withTransfer(buffer, [buffer]);
  },
});
