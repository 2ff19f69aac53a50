// Task module, in TypeScript: Node 24, Bun and Deno load it in their workers
// as it is. Workers import this file by URL.
import { defineTasks } from "offloop/tasks";

const sleeper = new Int32Array(new SharedArrayBuffer(4));

export default defineTasks(import.meta.url, {
  /**
   * A blocking job (think: a synchronous HTTP client or a C library call):
   * it holds its thread for `ms` milliseconds without using the CPU.
   * Returns when it started and ended, in epoch milliseconds.
   */
  blockingJob(job: number, ms: number): { job: number; start: number; end: number } {
    const start = performance.timeOrigin + performance.now();
    Atomics.wait(sleeper, 0, 0, ms);
    return { job, start, end: performance.timeOrigin + performance.now() };
  },
});
