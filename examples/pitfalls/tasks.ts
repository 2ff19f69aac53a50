// Task module: plain JavaScript with JSDoc types, because Node 20 worker
// threads cannot load TypeScript. Workers import this file by URL.
import { defineTasks } from "offloop";

export default defineTasks(import.meta.url, {
  /**
   * An async function: in Python, run_in_executor would return an
   * un-awaited coroutine; offloop awaits it in the worker.
   * @param {string} name
   */
  async greetLater(name) {
    await new Promise((resolve) => setTimeout(resolve, 20));
    return `hello, ${name}`;
  },

  /** Blocks the thread that runs it with CPU work for `ms` milliseconds. @param {number} ms */
  busy(ms) {
    const until = performance.now() + ms;
    let spins = 0;
    while (performance.now() < until) spins++;
    return spins;
  },

  /** Returns its argument. @param {unknown} value */
  echo(value) {
    return value;
  },
});
