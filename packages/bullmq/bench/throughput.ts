// Jobs per second through BullMQExecutor vs raw BullMQ (Queue.addBulk +
// Worker + QueueEvents) in the same run, on a throwaway local redis-server.
// Tiny jobs (a + b), so that the figure is the per-job overhead. Rounds are
// interleaved; medians are reported.
//
//   pnpm --filter @offloop/bullmq bench          (JOBS=2000 ROUNDS=5 CONCURRENCY=16)
import { Queue, QueueEvents, Worker } from "bullmq";
import { BullMQExecutor, startWorker } from "@offloop/bullmq";
import tasks from "../test/fixtures/tasks.mjs";
import { redisAvailable, startRedis } from "../test/redis.js";

const JOBS = Number(process.env.JOBS ?? 2000);
const ROUNDS = Number(process.env.ROUNDS ?? 5);
const CONCURRENCY = Number(process.env.CONCURRENCY ?? 16);

if (!redisAvailable) {
  console.log("bench skipped: redis-server is not installed");
  process.exit(0);
}
const redis = await startRedis();
const connection = redis.connection;
let queues = 0;

async function raw(): Promise<number> {
  const name = `raw-${++queues}`;
  const worker = new Worker(name, async (job) => job.data.a + job.data.b, { connection, concurrency: CONCURRENCY });
  const queue = new Queue(name, { connection });
  const events = new QueueEvents(name, { connection });
  await Promise.all([worker.waitUntilReady(), queue.waitUntilReady(), events.waitUntilReady()]);
  let completed = 0;
  const done = new Promise<void>((resolve) => events.on("completed", () => ++completed === JOBS && resolve()));
  const started = performance.now();
  await queue.addBulk(Array.from({ length: JOBS }, (_, index) => ({ name: "add", data: { a: index, b: 1 }, opts: { removeOnComplete: true } })));
  await done;
  const seconds = (performance.now() - started) / 1000;
  await Promise.all([worker.close(), queue.close(), events.close()]);
  return JOBS / seconds;
}

async function offloop(executor: "inline" | "threads"): Promise<number> {
  const queue = `offloop-${++queues}`;
  const host = startWorker({ connection, queue, executor, concurrency: CONCURRENCY, maxWorkers: executor === "threads" ? 2 : 1 });
  await host.ready;
  const pool = new BullMQExecutor({ connection, queue, captureCallSite: false });
  await pool.submit(tasks.add, 0, 0); // connections and the host's pool warm, like the raw round's waitUntilReady
  const started = performance.now();
  await Promise.all(Array.from({ length: JOBS }, (_, index) => pool.submit(tasks.add, index, 1)));
  const seconds = (performance.now() - started) / 1000;
  await pool.shutdown();
  await host.close();
  return JOBS / seconds;
}

const median = (values: number[]) => values.slice().sort((a, b) => a - b)[Math.floor(values.length / 2)]!;
const results = { raw: [] as number[], inline: [] as number[], threads: [] as number[] };
for (let round = 0; round < ROUNDS; round++) {
  results.raw.push(await raw());
  results.inline.push(await offloop("inline"));
  results.threads.push(await offloop("threads"));
}
await redis.stop();

const rawMedian = median(results.raw);
console.log(`BullMQ throughput, ${JOBS} tiny jobs, worker concurrency ${CONCURRENCY}, ${ROUNDS} rounds (median jobs/s; raw / offloop = how much slower offloop is)`);
for (const [label, values] of [
  ["raw BullMQ Queue+Worker+QueueEvents", results.raw],
  ["BullMQExecutor, inline host", results.inline],
  ["BullMQExecutor, threads host (2)", results.threads],
] as const) {
  const value = median(values);
  console.log(`  ${label.padEnd(38)} ${value.toFixed(0).padStart(7)} jobs/s   ${(rawMedian / value).toFixed(2)}x   rounds: ${values.map((v) => v.toFixed(0)).join(", ")}`);
}
