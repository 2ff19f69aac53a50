// Task module: plain JavaScript with JSDoc types, because Node 20 worker
// threads cannot load TypeScript. Workers import this file by URL.
import { defineTasks } from "offloop";

const sleeper = new Int32Array(new SharedArrayBuffer(4));

export default defineTasks(import.meta.url, {
  /**
   * A blocking job (think: a synchronous HTTP client or a C library call):
   * it holds its thread for `ms` milliseconds without using the CPU.
   * Returns when it started and ended, in epoch milliseconds.
   * @param {number} job
   * @param {number} ms
   * @returns {{ job: number, start: number, end: number }}
   */
  blockingJob(job, ms) {
    const start = performance.timeOrigin + performance.now();
    Atomics.wait(sleeper, 0, 0, ms);
    return { job, start, end: performance.timeOrigin + performance.now() };
  },
});
