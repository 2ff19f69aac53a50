// Runs one scenario for one Node row in this (fresh) process and prints one JSON line.
// Usage: node node-scenario.mjs <row> <scenario> '<params json>'
import { Worker, MessageChannel, receiveMessageOnPort } from "node:worker_threads";
import { performance } from "node:perf_hooks";
import { nodeRows } from "./node-rows.mjs";
import { burn } from "./work.mjs";
import { pairedBlocks } from "./paired-blocks.mjs";
import { median } from "./median.mjs";

const [rowId, scenario, paramsJson] = process.argv.slice(2);
const params = JSON.parse(paramsJson ?? "{}");
const workers = params.workers;
const peakRssMb = () => process.resourceUsage().maxRSS / 1024;

const scenarios = {
  async latency(row) {
    for (let i = 0; i < params.warmup; i++) await row.call(i);
    const start = performance.now();
    for (let i = 0; i < params.n; i++) await row.call(i);
    return { value: ((performance.now() - start) * 1000) / params.n, unit: "us/call" };
  },
  async throughput(row) {
    await Promise.all(Array.from({ length: params.warmup }, (_, i) => row.call(i)));
    const start = performance.now();
    const futures = new Array(params.n);
    for (let i = 0; i < params.n; i++) futures[i] = row.call(i);
    await Promise.all(futures);
    const seconds = (performance.now() - start) / 1000;
    return { value: params.n / seconds, unit: "tasks/s", peakRssMb: peakRssMb() };
  },
  async cpu(row) {
    await Promise.all(Array.from({ length: workers }, () => row.burn(1000)));
    const start = performance.now();
    await Promise.all(Array.from({ length: params.tasks }, () => row.burn(params.iterations)));
    return { value: performance.now() - start, unit: "ms" };
  },
  async transfer(row) {
    const bytes = params.bytes;
    const once = async (move) => {
      const buffer = new ArrayBuffer(bytes);
      const back = await row.echo(buffer, move);
      if ((back.byteLength ?? back.length) !== bytes) throw new Error(`echo returned ${back.byteLength ?? back.length} bytes, expected ${bytes}`);
    };
    const result = {};
    for (const [key, move] of [["moved", true], ["copied", false]]) {
      for (let i = 0; i < params.warmup; i++) await once(move);
      const start = performance.now();
      for (let i = 0; i < params.n; i++) await once(move);
      result[key] = (performance.now() - start) / params.n;
    }
    return { value: result.moved, copied: result.copied, unit: "ms/task" };
  },
  async map(row) {
    const n = params.n;
    const samples = [];
    const sampleEvery = Math.max(1, Math.floor(n / 10));
    let count = 0;
    let sum = 0;
    const start = performance.now();
    const seen = (value) => {
      sum += value;
      if (++count % sampleEvery === 0) samples.push(process.memoryUsage.rss() / 1048576);
    };
    if (row.map) {
      for await (const value of row.map(n, params.chunkSize)) seen(value);
    } else {
      // The best peer equivalent: chunks of `chunkSize` items, a bounded window of chunks in flight, consumed in order.
      const window = params.window;
      const inFlight = [];
      let next = 0;
      const submit = () => {
        const size = Math.min(params.chunkSize, n - next);
        const items = new Array(size);
        for (let i = 0; i < size; i++) items[i] = next + i;
        next += size;
        inFlight.push(row.chunk(items));
      };
      while (next < n && inFlight.length < window) submit();
      while (inFlight.length > 0) {
        const results = await inFlight.shift();
        if (next < n) submit();
        for (const value of results) seen(value);
      }
    }
    const seconds = (performance.now() - start) / 1000;
    if (count !== n || sum !== (n * (n + 1)) / 2) throw new Error(`map returned ${count} items (sum ${sum}), expected ${n}`);
    const warm = samples[Math.min(1, samples.length - 1)] ?? 0;
    const last = samples.at(-1) ?? 0;
    return { value: n / seconds, unit: "items/s", peakRssMb: peakRssMb(), rssGrowthMb: last - warm };
  },
};

/** Microseconds per call of a synchronous round trip (i) => void, after params.warmup calls, over params.n. */
function timeRoundTrips(roundTrip) {
  for (let i = 0; i < params.warmup; i++) roundTrip(i);
  const start = performance.now();
  for (let i = 0; i < params.n; i++) roundTrip(i);
  return ((performance.now() - start) * 1000) / params.n;
}

async function sabLatency(spin) {
  const sab = new SharedArrayBuffer(8);
  const flag = new Int32Array(sab);
  const worker = new Worker(new URL("./workers/sab-worker.mjs", import.meta.url), { workerData: { sab, spin } });
  await new Promise((resolve) => worker.once("online", resolve));
  const roundTrip = () => {
    Atomics.store(flag, 0, 1);
    if (spin) while (Atomics.load(flag, 0) !== 2);
    else {
      Atomics.notify(flag, 0);
      while (Atomics.load(flag, 0) !== 2) Atomics.wait(flag, 0, 1);
    }
    Atomics.store(flag, 0, 0);
    if (!spin) Atomics.notify(flag, 0);
  };
  const value = timeRoundTrips(roundTrip);
  Atomics.store(flag, 0, 3);
  Atomics.notify(flag, 0);
  await worker.terminate();
  return { value, unit: "us/call" };
}

/**
 * Both sides spinning over a MessagePort (postMessage, then polling with receiveMessageOnPort): what a
 * hand-written pool pays per round trip for messages that wake no thread. offloop's
 * callerSpinMicroseconds does the same with its records, so this is its floor as long as results
 * travel by port; sab-spin (no messages at all) is below it.
 */
async function portSpinLatency() {
  const { port1, port2 } = new MessageChannel();
  const worker = new Worker(new URL("./workers/port-spin-worker.mjs", import.meta.url), { workerData: { port: port2 }, transferList: [port2] });
  await new Promise((resolve) => worker.once("online", resolve));
  const roundTrip = (i) => {
    port1.postMessage(i);
    while (receiveMessageOnPort(port1) === undefined);
  };
  const value = timeRoundTrips(roundTrip);
  port1.postMessage(-1);
  await new Promise((resolve) => worker.once("exit", resolve));
  port1.close();
  return { value, unit: "us/call" };
}

async function main() {
  if (rowId === "main-thread") {
    if (scenario !== "cpu") throw new Error("main-thread only runs the cpu scenario");
    burn(1000);
    const start = performance.now();
    for (let i = 0; i < params.tasks; i++) burn(params.iterations);
    return { value: performance.now() - start, unit: "ms" };
  }
  if (rowId === "sab-wait" || rowId === "sab-spin") {
    if (scenario !== "latency") throw new Error("the SharedArrayBuffer rows only run the latency scenario");
    return sabLatency(rowId === "sab-spin");
  }
  if (rowId === "port-spin") {
    if (scenario !== "latency") throw new Error("the port-spin row only runs the latency scenario");
    return portSpinLatency();
  }
  const spec = nodeRows[rowId];
  if (!spec) throw new Error(`unknown row ${rowId}`);
  if (scenario === "startup") {
    const start = performance.now();
    const row = await spec.create({ workers });
    await row.call(1);
    await row.close();
    return { value: performance.now() - start, unit: "ms" };
  }
  if (scenario === "latency" && spec.floor !== rowId) return (measured = await alternating(spec, nodeRows[spec.floor]));
  const row = await spec.create({ workers });
  try {
    measured = PAIRED.has(scenario) && spec.floor !== rowId ? await paired(row, await nodeRows[spec.floor].create({ workers })) : await scenarios[scenario](row);
    return measured;
  } finally {
    closing = true;
    await row.close();
  }
}

// Throughput is also measured against the row's floor IN THIS PROCESS: both pools started,
// both warmed up alike, then short blocks taking turns (ABBA), so that the machine's load falls on both.
// Ratios of medians taken in different processes (what the table's "ratio vs floor" used to be) swung
// from 0.87x to 3.6x on this loaded 2-core machine; see the notes.
const PAIRED = new Set(["throughput"]);
async function paired(row, floor) {
  try {
    const blocks = scenario === "latency" ? 10 : 4;
    const sub = { ...params, n: Math.max(1, Math.round(params.n / blocks)), warmup: 0 };
    // Warm-up as in the unpaired scenario, for both pools (JIT, every worker started and used).
    for (const pool of [row, floor]) await Promise.all(Array.from({ length: params.warmup }, (_, i) => pool.call(i)));
    for (const pool of [row, floor]) for (let i = 0; i < Math.min(200, params.warmup); i++) await pool.call(i);
    return await pairedBlocks(row, floor, blocks, (pool) => withParams(sub, () => scenarios[scenario](pool)));
  } finally {
    await floor.close();
  }
}
// Latency is paired differently: one pool alive at a time. On the CI machine (a 2-vCPU VM) a thread
// wake-up costs ~35 us when the other vCPU is idle and ~4 us when something keeps it busy, so a second
// pool in the process changes the first one's latency: the raw floor measured 8 us beside offloop's
// pool and 71 us alone. Each block starts the row and its floor afresh (in turns, ABBA), warms it,
// measures it and closes it; the worker placement each pool gets is sampled anew every block.
async function alternating(spec, floorSpec) {
  const blocks = 6;
  // Each fresh pool is warmed with the scenario's warm-up (10,000 calls) or a block's worth, whichever is
  // more: a new worker thread's code starts cold (with callerSpinMicroseconds offloop needs ~6,000 round
  // trips to reach its steady 2.7-3 us on the AMD EPYC machine: 55, 30, 4.8, 2.9 us in blocks of 2,000).
  const n = Math.max(1, Math.round(params.n / blocks));
  const sub = { ...params, n, warmup: Math.max(params.warmup, n) };
  const own = [];
  const base = [];
  let last;
  let hung;
  for (let block = 0; block < blocks; block++) {
    const order = block % 2 ? [floorSpec, spec] : [spec, floorSpec];
    for (const which of order) {
      const pool = await which.create({ workers });
      let result;
      try {
        result = await withParams(sub, () => scenarios.latency(pool));
        (which === spec ? own : base).push(result.value);
        if (which === spec) last = result;
      } finally {
        // A peer whose close() never settles (poolifier, see the notes) is left behind and flagged, not waited for.
        let timer;
        const closed = await Promise.race([pool.close().then(() => true), new Promise((resolve) => (timer = setTimeout(resolve, 5000, false)))]);
        clearTimeout(timer);
        if (!closed) hung = "close() did not settle within 5 s";
      }
    }
  }
  const value = median(own);
  const floorValue = median(base);
  return { ...last, value, floorValue, pairedRatio: value / floorValue, ...(hung ? { shutdownHung: hung } : {}) };
}

async function withParams(sub, body) {
  const saved = { ...params };
  Object.assign(params, sub);
  try {
    return await body();
  } finally {
    Object.assign(params, saved);
  }
}

// If the event loop runs empty while main() is still pending, nothing can ever
// settle what it awaits: Node would exit 0 with no output. That happens to
// poolifier 5.3.2 about one run in six, inside pool.destroy() (see the notes in
// RESULTS.md: a worker that exits on its own right after acknowledging the
// kill message, before destroy() listens for its "exit" event). Say so instead
// of printing nothing: a measurement taken before the hang is kept and flagged.
let measured;
let closing = false;
process.on("beforeExit", () => {
  const hung = closing ? "close() never settled (the pool's shutdown waits for an event that cannot come)" : "the process ran out of work while a task was pending";
  if (measured) process.stdout.write(`${JSON.stringify({ ...measured, shutdownHung: hung })}\n`);
  else process.stdout.write(`${JSON.stringify({ error: `${rowId}: ${hung}` })}\n`);
  process.exit(measured ? 0 : 1);
});

main().then(
  (result) => {
    process.stdout.write(`${JSON.stringify(result)}\n`);
    process.exit(0);
  },
  (error) => {
    process.stdout.write(`${JSON.stringify({ error: String(error?.stack ?? error).split("\n").slice(0, 3).join(" | ") })}\n`);
    process.exit(1);
  },
);
