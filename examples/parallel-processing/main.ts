// gather over CPU-bound jobs: on the main thread, in a ThreadPoolExecutor and
// in a ProcessPoolExecutor. The same file runs on Node, Bun and Deno.
import { ProcessPoolExecutor, ThreadPoolExecutor, gather, runInExecutor, runtime, type Executor } from "offloop";
import { availableParallelism } from "node:os";
import tasks from "./tasks.ts";

const JOBS = 8;
const LIMIT = 2_000_000;
const cores = availableParallelism();
const ranges = Array.from({ length: JOBS }, (_, i) => [(i * LIMIT) / JOBS, ((i + 1) * LIMIT) / JOBS] as const);

async function timed(run: () => Promise<number[]> | number[]) {
  const started = performance.now();
  const counts = await run();
  return { ms: performance.now() - started, total: counts.reduce((a, b) => a + b, 0) };
}

/**
 * Starts the pool's workers and waits until each has answered (so that the
 * timed run measures the work, not the start-up, which is printed apart),
 * then runs the jobs in it.
 */
async function inPool(make: (options: { maxWorkers: number; minWorkers: number }) => Executor) {
  const starting = performance.now();
  const executor = make({ maxWorkers: cores, minWorkers: cores });
  try {
    const seen = new Set<number>();
    for (let round = 0; seen.size < cores && round < 20; round++) {
      for (const id of await gather(Array.from({ length: cores }, () => runInExecutor(executor, tasks.whoAmI)))) seen.add(id);
    }
    const startup = performance.now() - starting;
    return { startup, ...(await timed(() => gather(ranges.map(([from, to]) => runInExecutor(executor, tasks.countPrimes, from, to))))) };
  } finally {
    await executor.shutdown();
  }
}

console.log(`parallel-processing on ${runtime}: ${JOBS} jobs counting the primes below ${LIMIT.toLocaleString("en-US")}, ${cores} cores`);

// 1. The event loop does everything itself, one job after the other.
tasks.countPrimes.fn(0, 200_000); // warm up the JIT, as the pools' workers are warm when the clock starts
const mainThread = await timed(() => ranges.map(([from, to]) => tasks.countPrimes.fn(from, to)));
const rows: Array<{ label: string; ms: number; total: number; startup?: number }> = [{ label: "main thread", ...mainThread }];

// 2. Threads: Python's ThreadPoolExecutor cannot run Python code in parallel (the GIL); offloop's threads can.
rows.push({ label: "ThreadPoolExecutor", ...(await inPool((options) => new ThreadPoolExecutor(options))) });

// 3. Processes: each worker is a child process (child_process.fork), as in Python.
rows.push({ label: "ProcessPoolExecutor", ...(await inPool((options) => new ProcessPoolExecutor(options))) });

for (const row of rows) {
  const startup = row.startup === undefined ? "" : `   (its ${cores} workers started in ${row.startup.toFixed(0)} ms before that)`;
  console.log(`  ${row.label.padEnd(20)} ${row.ms.toFixed(0).padStart(6)} ms   speedup ${(mainThread.ms / row.ms).toFixed(2)}x${startup}`);
}
const agree = rows.every((row) => row.total === mainThread.total);
console.log(agree ? `all ${rows.length} agree: ${mainThread.total.toLocaleString("en-US")} primes` : `MISMATCH: ${rows.map((r) => `${r.label}=${r.total}`).join(", ")}`);
const [, threads, processes] = rows;
console.log(
  `headline: speedup ${(mainThread.ms / threads.ms).toFixed(2)}x with threads, ${(mainThread.ms / processes.ms).toFixed(2)}x with processes (started in ${threads.startup!.toFixed(0)} and ${processes.startup!.toFixed(0)} ms)${agree ? "; all agree" : "; MISMATCH"}`,
);
process.exitCode = agree ? 0 : 1;
