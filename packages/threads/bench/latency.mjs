// Sequential latency and 20k tiny-task throughput, in one run:
// @offloop/threads vs threads.js's own Pool vs @offloop/node-worker-threads.
// Rounds are interleaved and medians reported.  node bench/latency.mjs [rounds]
// (build first: core, node-worker-threads and this package).
import { ThreadPoolExecutor as OffloopThreads } from "@offloop/threads";
import { ThreadPoolExecutor as OffloopNode } from "@offloop/node-worker-threads";
import { Pool, spawn, Worker } from "threads";
import tasks from "./tasks.mjs";

const ROUNDS = Number(process.argv[2] ?? 7);
const SEQUENTIAL = 2_000;
const BATCH = 20_000;
const WORKERS = 2;

function offloop(Executor) {
  return (maxWorkers) => {
    const executor = new Executor({ maxWorkers, minWorkers: maxWorkers });
    return { run: (a, b) => executor.submit(tasks.add, a, b), close: () => executor.shutdown() };
  };
}

function threadsPool(maxWorkers) {
  const pool = Pool(() => spawn(new Worker("./threads-worker.mjs")), maxWorkers);
  return { run: (a, b) => pool.queue((worker) => worker.add(a, b)), close: () => pool.terminate() };
}

const contenders = {
  "@offloop/threads": offloop(OffloopThreads),
  "threads.js Pool": threadsPool,
  "@offloop/node-worker-threads": offloop(OffloopNode),
};

async function sequential(make) {
  const pool = make(1);
  for (let i = 0; i < 200; i++) await pool.run(i, 1);
  const start = performance.now();
  for (let i = 0; i < SEQUENTIAL; i++) await pool.run(i, 1);
  const perCall = ((performance.now() - start) * 1000) / SEQUENTIAL;
  await pool.close();
  return perCall;
}

async function throughput(make) {
  const pool = make(WORKERS);
  await Promise.all(Array.from({ length: 1_000 }, (_, i) => pool.run(i, 1)));
  const start = performance.now();
  const results = await Promise.all(Array.from({ length: BATCH }, (_, i) => pool.run(i, 1)));
  const seconds = (performance.now() - start) / 1000;
  if (results[BATCH - 1] !== BATCH) throw new Error("wrong result");
  await pool.close();
  return BATCH / seconds;
}

const median = (values) => values.slice().sort((a, b) => a - b)[Math.floor(values.length / 2)];
const samples = Object.fromEntries(Object.keys(contenders).map((name) => [name, { latency: [], throughput: [] }]));
for (let round = 0; round < ROUNDS; round++) {
  for (const [name, make] of Object.entries(contenders)) {
    if (process.env.BENCH_TRACE) console.error(round, name);
    samples[name].latency.push(await sequential(make));
    samples[name].throughput.push(await throughput(make));
  }
}

console.log(`${process.version}, ${ROUNDS} rounds, medians; sequential: ${SEQUENTIAL} awaited add() on 1 worker; throughput: ${BATCH} add() at once on ${WORKERS} workers`);
console.log("| contender | sequential latency (µs/task) | throughput (tasks/s) |");
console.log("|---|---:|---:|");
for (const [name, { latency, throughput: rate }] of Object.entries(samples)) {
  console.log(`| ${name} | ${median(latency).toFixed(1)} | ${Math.round(median(rate)).toLocaleString("en-US")} |`);
}
