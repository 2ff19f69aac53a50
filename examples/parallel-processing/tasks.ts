// Task module: plain JavaScript with JSDoc types, because Node 20 worker
// threads cannot load TypeScript. Workers import this file by URL.
import { defineTasks } from "offloop";

export default defineTasks(import.meta.url, {
  /**
   * Counts the primes in [from, to) by trial division: pure CPU work that
   * would block the event loop.
   * @param {number} from
   * @param {number} to
   * @returns {number}
   */
  countPrimes(from, to) {
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
});
