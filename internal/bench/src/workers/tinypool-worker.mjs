import { noop, burn, inc, incChunk } from "../work.mjs";

export default noop;
export { noop, burn, inc, incChunk };
export function echo(buffer) {
  return buffer;
}
