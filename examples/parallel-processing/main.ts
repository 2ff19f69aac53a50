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

async function inPool(executor: Executor) {
  try {
    return await timed(() => gather(ranges.map(([from, to]) => runInExecutor(executor, tasks.countPrimes, from, to))));
  } finally {
    await executor.shutdown();
  }
}

console.log(`parallel-processing on ${runtime}: ${JOBS} jobs counting the primes below ${LIMIT.toLocaleString("en-US")}, ${cores} cores`);

// 1. The event loop does everything itself, one job after the other.
const mainThread = await timed(() => ranges.map(([from, to]) => tasks.countPrimes.fn(from, to)));
const rows = [{ label: "main thread", ...mainThread }];

// 2. Threads: Python's ThreadPoolExecutor cannot run Python code in parallel (the GIL); offloop's threads can.
rows.push({ label: "ThreadPoolExecutor", ...(await inPool(new ThreadPoolExecutor({ maxWorkers: cores }))) });

// 3. Processes: each worker is a child process (child_process.fork), as in Python.
rows.push({ label: "ProcessPoolExecutor", ...(await inPool(new ProcessPoolExecutor({ maxWorkers: cores }))) });

for (const row of rows) {
  console.log(`  ${row.label.padEnd(20)} ${row.ms.toFixed(0).padStart(6)} ms   speedup ${(mainThread.ms / row.ms).toFixed(2)}x`);
}
const agree = rows.every((row) => row.total === mainThread.total);
console.log(agree ? `all ${rows.length} agree: ${mainThread.total.toLocaleString("en-US")} primes` : `MISMATCH: ${rows.map((r) => `${r.label}=${r.total}`).join(", ")}`);
const [, threads, processes] = rows;
console.log(`headline: speedup ${(mainThread.ms / threads.ms).toFixed(2)}x with threads, ${(mainThread.ms / processes.ms).toFixed(2)}x with processes${agree ? "; all agree" : "; MISMATCH"}`);
process.exitCode = agree ? 0 : 1;
