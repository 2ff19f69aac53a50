// A low-noise cross-check of the engine against raw postMessage: all pools live
// in ONE process and take turns in short blocks, so that the load of a shared
// machine falls on each alike. Medians of the blocks, and ratios to raw.
//
//   node src/paired.mjs latency|throughput [--before=/path/to/old/core/dist/index.js]
//
// With --before, a WorkerPool from an older @offloop/core build runs beside the
// current one (both use the current worker entry), for before/after numbers.
import { nodeThreadSpawner } from "@offloop/node-worker-threads";
import { WorkerPool } from "@offloop/core";
import { nodeRows } from "./node-rows.mjs";
import tasks from "./workers/offloop-tasks.mjs";
import { median } from "./median.mjs";

const scenario = process.argv[2] ?? "latency";
const beforePath = process.argv.find((arg) => arg.startsWith("--before="))?.slice(9);
const engine = (Pool, captureCallSite) => {
  const executor = new Pool({ maxWorkers: 2, captureCallSite }, nodeThreadSpawner());
  return { call: (x) => executor.submit(tasks.noop, x), close: () => executor.shutdown() };
};
const rows = { raw: await nodeRows["raw-postmessage"].create({ workers: 2 }), offloop: engine(WorkerPool, true), "offloop-nocs": engine(WorkerPool, false) };
if (beforePath) {
  const { WorkerPool: Before } = await import(beforePath);
  rows.before = engine(Before, true);
  rows["before-nocs"] = engine(Before, false);
}
const ids = Object.keys(rows);
const samples = Object.fromEntries(ids.map((id) => [id, []]));
for (const id of ids) await Promise.all(Array.from({ length: 2000 }, (_, i) => rows[id].call(i)));
const blocks = scenario === "latency" ? 40 : 12;
for (let block = 0; block < blocks; block++) {
  for (const id of block % 2 ? ids : [...ids].reverse()) {
    const start = performance.now();
    if (scenario === "latency") {
      for (let i = 0; i < 250; i++) await rows[id].call(i);
      samples[id].push(((performance.now() - start) * 1000) / 250);
    } else {
      const n = 50000;
      await Promise.all(Array.from({ length: n }, (_, i) => rows[id].call(i)));
      samples[id].push(n / ((performance.now() - start) / 1000));
    }
  }
}
const raw = median(samples.raw);
for (const id of ids) {
  const m = median(samples[id]);
  console.log(`${scenario} ${id.padEnd(12)} median ${m.toFixed(1).padStart(9)} ${scenario === "latency" ? "us/call" : "tasks/s"}  ${(m / raw).toFixed(2)}x raw  (min ${Math.min(...samples[id]).toFixed(1)}, max ${Math.max(...samples[id]).toFixed(1)})`);
}
await Promise.all(ids.map((id) => rows[id].close()));
process.exit(0);
