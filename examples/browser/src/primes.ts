// The page's CPU-heavy work. A string id names the module: Vite rewrites module URLs when it
// bundles, and the worker entry (worker.ts) imports this module, so its workers know "primes".
import { defineTasks } from "offloop/tasks";

/** Whether n is prime, by trial division: deliberately plain CPU work. */
function isPrime(n: number): boolean {
  if (n < 2) return false;
  if (n % 2 === 0) return n === 2;
  if (n % 3 === 0) return n === 3;
  for (let d = 5; d * d <= n; d += 6) if (n % d === 0 || n % (d + 2) === 0) return false;
  return true;
}

/** How many primes lie in [from, to): one range of the page's work. */
export function countPrimes([from, to]: [number, number]): number {
  let count = 0;
  for (let n = from; n < to; n++) if (isPrime(n)) count++;
  return count;
}

export default defineTasks("primes", { countPrimes });
