// Task module, in TypeScript: Node 24, Bun and Deno load it in their workers
// as it is. Workers import this file by URL.
import { writeFileSync } from "node:fs";
import { defineTasks, taskContext } from "offloop/tasks";

export default defineTasks(import.meta.url, {
  /**
   * Blocks for `ms` milliseconds of CPU work, never looking at its abort
   * signal (like most blocking code), then writes `path`: the side effect that
   * must not happen if the task was stopped.
   */
  slowWrite(path: string, ms: number): string {
    const until = performance.now() + ms;
    let spins = 0;
    while (performance.now() < until) spins++;
    writeFileSync(path, `written after ${spins} spins\n`);
    return path;
  },

  /** The id of the worker running this task. */
  whoami(): number {
    return taskContext().workerId;
  },
});
