// Task module: plain JavaScript with JSDoc types, because Node 20 worker
// threads cannot load TypeScript. Workers import this file by URL.
import { readSync, writeSync } from "node:fs";
import { defineTasks } from "offloop";

const pause = new Int32Array(new SharedArrayBuffer(4));

export default defineTasks(import.meta.url, {
  /**
   * Python's `input(prompt)`: writes the prompt, then blocks until a whole
   * line arrives on stdin, with `fs.readSync(0)` (the one way that works in
   * a worker on Node, Bun and Deno). Returns the line, or null at end of input.
   * @param {string} prompt
   * @returns {string | null}
   */
  readLine(prompt) {
    writeSync(1, prompt);
    const bytes = [];
    const byte = Buffer.alloc(1);
    for (;;) {
      let read;
      try {
        read = readSync(0, byte, 0, 1, null);
      } catch (error) {
        if (/** @type {NodeJS.ErrnoException} */ (error).code === "EAGAIN") {
          Atomics.wait(pause, 0, 0, 10);
          continue;
        }
        if (/** @type {NodeJS.ErrnoException} */ (error).code === "EOF") read = 0;
        else throw error;
      }
      if (read === 0) return bytes.length ? Buffer.from(bytes).toString("utf8") : null;
      if (byte[0] === 0x0a) return Buffer.from(bytes).toString("utf8").replace(/\r$/, "");
      bytes.push(byte[0]);
    }
  },
});
