// Task module, in TypeScript: the worker hosts run on Node 24, whose worker
// threads load it as it is. Hosts find it as ./tasks.ts under their own directory.
import { defineTasks, taskContext } from "@offloop/core/tasks";

export default defineTasks(import.meta.url, {
  /** Counts the primes in [from, to) by trial division (pure CPU work), and says which worker host process ran it. */
  countPrimes(from: number, to: number): { count: number; host: number } {
    const { signal } = taskContext();
    let count = 0;
    for (let n = Math.max(2, from); n < to; n++) {
      if ((n & 0xffff) === 0) signal.throwIfAborted();
      let prime = true;
      for (let d = 2; d * d <= n; d++) {
        if (n % d === 0) {
          prime = false;
          break;
        }
      }
      if (prime) count++;
    }
    return { count, host: process.pid };
  },
});
