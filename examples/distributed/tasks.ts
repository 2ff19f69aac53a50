// Task module: plain JavaScript, because Node 20 worker threads cannot load
// TypeScript. Worker hosts find it as ./tasks.mjs under their own directory.
import { defineTasks, taskContext } from "@offloop/core";

export default defineTasks(import.meta.url, {
  /**
   * Counts the primes in [from, to) by trial division (pure CPU work), and
   * says which worker host process ran it.
   * @param {number} from
   * @param {number} to
   * @returns {{ count: number, host: number }}
   */
  countPrimes(from, to) {
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
