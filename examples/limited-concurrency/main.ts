// 10 blocking jobs through Semaphore(3): never more than 3 run at once.
// Prints a timeline (one row per job) and the peak in flight.
import { Semaphore, ThreadPoolExecutor, gather, runInExecutor, runtime } from "offloop";
import tasks from "./tasks.ts";

const JOBS = 10;
const JOB_MS = 300;
const LIMIT = 3;

// The pool could run all 10 at once; the semaphore is what limits them.
await using executor = new ThreadPoolExecutor({ maxWorkers: JOBS });
const semaphore = new Semaphore(LIMIT);
let inFlight = 0;
let peak = 0;

async function job(n: number) {
  return semaphore.use(async () => {
    peak = Math.max(peak, ++inFlight);
    try {
      return await runInExecutor(executor, tasks.blockingJob, n, JOB_MS);
    } finally {
      inFlight--;
    }
  });
}

console.log(`limited-concurrency on ${runtime}: ${JOBS} blocking jobs of ${JOB_MS} ms, Semaphore(${LIMIT})`);
const started = performance.now();
const spans = await gather(Array.from({ length: JOBS }, (_, i) => job(i + 1)));
const total = performance.now() - started;
// Time 0 of the timeline is when the first job started in its worker (after the workers' start-up).
const t0 = Math.min(...spans.map((s) => s.start));

// The timeline: one column per 50 ms, "#" while the job ran in its worker.
const STEP = 50;
const columns = Math.ceil(Math.max(...spans.map((s) => s.end - t0)) / STEP);
for (const { job: n, start, end } of spans) {
  let row = "";
  for (let c = 0; c < columns; c++) {
    const mid = t0 + c * STEP + STEP / 2;
    row += mid >= start && mid < end ? "#" : ".";
  }
  console.log(`job ${String(n).padStart(2)} |${row}| ${(start - t0).toFixed(0).padStart(5)}-${(end - t0).toFixed(0).padStart(5)} ms`);
}

// Peak measured from the workers' own start/end times, not from our counter.
const edges = spans.flatMap((s) => [[s.start, 1], [s.end, -1]] as const).sort((a, b) => a[0] - b[0] || a[1] - b[1]);
let running = 0;
let measuredPeak = 0;
for (const [, delta] of edges) measuredPeak = Math.max(measuredPeak, (running += delta));
console.log(`peak in flight: ${measuredPeak} (semaphore holders: ${peak}), ${(Math.max(...spans.map((s) => s.end)) - t0).toFixed(0)} ms from the first start to the last end, ${total.toFixed(0)} ms with the workers' start-up`);
console.log(`headline: ${JOBS} jobs, ${measuredPeak} at most at once (Semaphore(${LIMIT}))`);
process.exitCode = measuredPeak <= LIMIT ? 0 : 1;
