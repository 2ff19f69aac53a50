// Task module, in TypeScript: Node 24, Bun and Deno load it in their workers
// as it is. Workers import this file by URL.
import { readSync } from "node:fs";
import { defineTasks } from "offloop/tasks";

const pause = new Int32Array(new SharedArrayBuffer(4));

export default defineTasks(import.meta.url, {
  /**
   * The blocking read: waits in `fs.readSync(0)` (the one way that works in a
   * worker on Node, Bun and Deno) until input arrives, and returns the bytes
   * read: a key or a pasted run of keys from a terminal in raw mode, a chunk
   * of lines from a pipe. Returns null at the end of input.
   */
  readInput(): Uint8Array | null {
    const buffer = new Uint8Array(1024);
    for (;;) {
      try {
        const read = readSync(0, buffer, 0, buffer.length, null);
        return read === 0 ? null : buffer.slice(0, read);
      } catch (error) {
        const code = (error as NodeJS.ErrnoException).code;
        if (code === "EOF") return null;
        if (code !== "EAGAIN") throw error;
        Atomics.wait(pause, 0, 0, 10); // a non-blocking stdin: wait a little and read again
      }
    }
  },
});
