// Heap per pending task and CPU per task, offloop beside the hand-written pool
// in ONE process (run with --expose-gc). Heap: `heapUsed` after forced GCs,
// right after 100,000 synchronous submits (all but the first still pending),
// never awaited and awaited by Promise.all. CPU: process.cpuUsage() (every
// thread: main, workers and V8's GC helpers) per task over bursts of 100,000
// tiny tasks, with spinMicroseconds: 0 so that a spinning worker's idle loop
// is not counted as work. Medians of the rounds.
//
//   node --expose-gc src/paired-heap.mjs [--rounds=5]
import { nodeThreadSpawner } from "@offloop/node-worker-threads";
import { WorkerPool } from "@offloop/core";
import { nodeRows } from "./node-rows.mjs";
import tasks from "./workers/offloop-tasks.mjs";
import { median } from "./median.mjs";

if (typeof globalThis.gc !== "function") throw new Error("run with node --expose-gc");
const rounds = Number(process.argv.find((a) => a.startsWith("--rounds="))?.slice(9) ?? 5);
const n = 100_000;
const raw = await nodeRows["raw-postmessage"].create({ workers: 2 });
const executor = new WorkerPool({ maxWorkers: 2, spinMicroseconds: 0 }, nodeThreadSpawner());
const rows = { raw: (x) => raw.call(x), offloop: (x) => executor.submit(tasks.noop, x) };
const heapUsed = () => {
  for (let i = 0; i < 3; i++) globalThis.gc();
  return process.memoryUsage().heapUsed;
};

async function heapPerTask(call, awaited) {
  const futures = new Array(n);
  const before = heapUsed();
  for (let i = 0; i < n; i++) futures[i] = call(i);
  const all = awaited ? Promise.all(futures) : undefined;
  const bytes = (heapUsed() - before) / n;
  await (all ?? Promise.all(futures));
  return bytes;
}

async function cpuPerTask(call) {
  const start = process.cpuUsage();
  const futures = new Array(n);
  for (let i = 0; i < n; i++) futures[i] = call(i);
  await Promise.all(futures);
  const used = process.cpuUsage(start);
  return (used.user + used.system) / n;
}

const samples = {};
const push = (key, value) => (samples[key] ??= []).push(value);
for (const call of Object.values(rows)) for (let i = 0; i < 5; i++) await cpuPerTask(call);
for (let round = 0; round < rounds; round++) {
  const ids = round % 2 ? Object.keys(rows).reverse() : Object.keys(rows);
  for (const id of ids) {
    push(`${id} heap B/task never awaited`, await heapPerTask(rows[id], false));
    push(`${id} heap B/task awaited`, await heapPerTask(rows[id], true));
    push(`${id} CPU us/task`, await cpuPerTask(rows[id]));
  }
}
for (const what of ["heap B/task never awaited", "heap B/task awaited", "CPU us/task"]) {
  const r = median(samples[`raw ${what}`]);
  const o = median(samples[`offloop ${what}`]);
  console.log(`${what.padEnd(26)} raw ${r.toFixed(what.startsWith("CPU") ? 3 : 1).padStart(7)}  offloop ${o.toFixed(what.startsWith("CPU") ? 3 : 1).padStart(7)}  ${(o / r).toFixed(2)}x`);
}
await Promise.all([raw.close(), executor.shutdown()]);
