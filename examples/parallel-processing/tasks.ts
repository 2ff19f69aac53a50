// Task module, in TypeScript: Node 24, Bun and Deno load it in their workers
// as it is. Workers import this file by URL.
import { defineTasks, taskContext } from "offloop/tasks";

export default defineTasks(import.meta.url, {
  /** Counts the primes in [from, to) by trial division: pure CPU work that would block the event loop. */
  countPrimes(from: number, to: number): number {
    let count = 0;
    for (let n = Math.max(2, from); n < to; n++) {
      let prime = true;
      for (let d = 2; d * d <= n; d++) {
        if (n % d === 0) {
          prime = false;
          break;
        }
      }
      if (prime) count++;
    }
    return count;
  },

  /** The id of the worker running this task (to see that every worker of a pool has started). */
  whoAmI(): number {
    return taskContext().workerId;
  },
});
