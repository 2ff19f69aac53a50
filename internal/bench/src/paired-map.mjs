// map over a million tiny items, paired in ONE process: every row takes its
// turn in each round (order reversed every other round), so a shared
// machine's load falls on each alike. Medians of the rounds, as ratios to
// hand-chunking on the same engine (chunks of 1,000 submitted by hand, 8 in
// flight, results read with a plain loop) and to raw postMessage doing the same.
//
//   node src/paired-map.mjs [--rounds=7] [--n=1000000] [--before=/path/to/old/core/dist/index.js]
//
// Rows: raw-hand, hand (executor.submit of chunks), map (for await per item),
// mapChunks (for await per chunk); with --before, the mapWithExecutor of an
// older @offloop/core build, on the current engine (an old engine may not
// speak the current worker protocol). RSS is sampled ten times during each
// map/mapChunks run; "growth" is the last sample minus the second.
import os from "node:os";
import { nodeThreadSpawner } from "@offloop/node-worker-threads";
import { WorkerPool } from "@offloop/core";
import { nodeRows, range } from "./node-rows.mjs";
import tasks from "./workers/offloop-tasks.mjs";
import { median } from "./median.mjs";

const arg = (name, fallback) => process.argv.find((a) => a.startsWith(`--${name}=`))?.slice(name.length + 3) ?? fallback;
const rounds = Number(arg("rounds", 7));
const n = Number(arg("n", 1_000_000));
const beforePath = arg("before");
const chunkSize = 1000;
const window = 8;
const mapOptions = { chunkSize, concurrency: chunkSize * window };

const raw = await nodeRows["raw-postmessage"].create({ workers: 2 });
const executor = new WorkerPool({ maxWorkers: 2 }, nodeThreadSpawner());
const before = beforePath ? (await import(beforePath)).mapWithExecutor : undefined;

/** Hand-chunking: what a user writes without map. */
async function byHand(submitChunk, seen) {
  const inFlight = [];
  let next = 0;
  const submit = () => {
    const size = Math.min(chunkSize, n - next);
    const items = new Array(size);
    for (let i = 0; i < size; i++) items[i] = next + i;
    next += size;
    inFlight.push(submitChunk(items));
  };
  while (next < n && inFlight.length < window) submit();
  while (inFlight.length > 0) {
    const results = await inFlight.shift();
    if (next < n) submit();
    for (const value of results) seen(value);
  }
}

const rows = {
  "raw-hand": (seen) => byHand((items) => raw.chunk(items), seen),
  hand: (seen) => byHand((items) => executor.submit(tasks.incChunk, items), seen),
  map: async (seen) => {
    for await (const value of executor.map(tasks.inc, range(n), mapOptions)) seen(value);
  },
  mapChunks: async (seen) => {
    for await (const results of executor.mapChunks(tasks.inc, range(n), mapOptions)) for (const value of results) seen(value);
  },
};
if (before) {
  rows["before-map"] = async (seen) => {
    // What ExecutorBase.map does, with the old map (enqueue is protected in TypeScript only).
    const submitChunk = (items, runOptions) => executor.enqueue(tasks.inc, items, runOptions, true);
    for await (const value of before(submitChunk, range(n), mapOptions, 2)) seen(value);
  };
}

const ids = Object.keys(rows);
const rate = Object.fromEntries(ids.map((id) => [id, []]));
const growth = Object.fromEntries(ids.map((id) => [id, []]));
async function once(id) {
  let count = 0;
  let sum = 0;
  const every = Math.max(1, Math.floor(n / 10));
  const rss = [];
  const start = performance.now();
  await rows[id]((value) => {
    sum += value;
    if (++count % every === 0) rss.push(process.memoryUsage.rss() / 1048576);
  });
  const seconds = (performance.now() - start) / 1000;
  if (count !== n || sum !== (n * (n + 1)) / 2) throw new Error(`${id} returned ${count} items (sum ${sum}), expected ${n}`);
  return { rate: n / seconds, growth: (rss.at(-1) ?? 0) - (rss[1] ?? 0) };
}
for (const id of ids) await once(id); // warm-up
const load = [os.loadavg()[0]];
for (let round = 0; round < rounds; round++) {
  for (const id of round % 2 ? [...ids].reverse() : ids) {
    const result = await once(id);
    rate[id].push(result.rate);
    growth[id].push(result.growth);
  }
  load.push(os.loadavg()[0]);
}
/** Median of the per-round ratios of `id` to `base`. */
const ratio = (id, base) => median(rate[id].map((value, round) => value / rate[base][round]));
console.log(`map of ${n} items, chunkSize ${chunkSize}, ${window} chunks in flight, ${rounds} rounds, load average ${Math.min(...load).toFixed(1)}-${Math.max(...load).toFixed(1)} on ${os.availableParallelism()} cores`);
for (const id of ids) {
  console.log(
    `${id.padEnd(10)} median ${(median(rate[id]) / 1e6).toFixed(2).padStart(6)}M items/s  ${ratio(id, "hand").toFixed(2)}x hand  ${ratio(id, "raw-hand").toFixed(2)}x raw-hand  RSS growth median ${median(growth[id]).toFixed(1)} MB (max ${Math.max(...growth[id]).toFixed(1)})`,
  );
}
await Promise.all([raw.close(), executor.shutdown()]);
process.exit(0);
