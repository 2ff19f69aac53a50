import { move } from "piscina";
import { noop, burn, inc, incChunk } from "../work.mjs";

export default noop;
export { noop, burn, inc, incChunk };
export function echo(buffer) {
  return buffer;
}
export function echoTransfer(buffer) {
  return move(buffer);
}
