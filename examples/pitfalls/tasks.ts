// Task module, in TypeScript: Node 24, Bun and Deno load it in their workers
// as it is. Workers import this file by URL.
import { defineTasks } from "offloop/tasks";

export default defineTasks(import.meta.url, {
  /** An async function: in Python, run_in_executor would return an un-awaited coroutine; offloop awaits it in the worker. */
  async greetLater(name: string): Promise<string> {
    await new Promise((resolve) => setTimeout(resolve, 20));
    return `hello, ${name}`;
  },

  /** Blocks the thread that runs it with CPU work for `ms` milliseconds. */
  busy(ms: number): number {
    const until = performance.now() + ms;
    let spins = 0;
    while (performance.now() < until) spins++;
    return spins;
  },

  /** Returns its argument. */
  echo<T>(value: T): T {
    return value;
  },
});
