// Runs one scenario for one Bun or Deno row (run by `bun` or `deno run -A`) and prints one JSON line.
// Rows: raw-web-worker (the runtime's own Worker with an id->resolver map) and
// offloop-adapter (@offloop/bun-worker or @offloop/deno-worker, when built).
import { noop } from "./work.mjs";
import { pairedBlocks } from "./paired-blocks.mjs";

const runtime = typeof Bun !== "undefined" ? "bun" : typeof Deno !== "undefined" ? "deno" : "node";
const [rowId, scenario, paramsJson] = (runtime === "deno" ? Deno.args : process.argv.slice(2));
const params = JSON.parse(paramsJson ?? "{}");
void noop;

async function rawWebWorker({ workers }) {
  const pool = [];
  const pending = new Map();
  let nextId = 0;
  for (let i = 0; i < workers; i++) {
    const worker = new Worker(new URL("./workers/web-raw-worker.mjs", import.meta.url).href, { type: "module" });
    worker.onmessage = (event) => {
      const resolve = pending.get(event.data[0]);
      pending.delete(event.data[0]);
      resolve(event.data[1]);
    };
    pool.push(worker);
  }
  let next = 0;
  const request = (op, arg) => {
    const id = nextId++;
    return new Promise((resolve) => {
      pending.set(id, resolve);
      pool[next++ % pool.length].postMessage([id, op, arg, false]);
    });
  };
  // close() resolves once the workers are gone, as the adapters' shutdown() does: Bun says so with a
  // "close" event (terminate() only asks); Deno's terminate() is synchronous.
  const close = (worker) =>
    runtime === "bun" ? new Promise((resolve) => { worker.addEventListener("close", resolve, { once: true }); worker.terminate(); }) : worker.terminate();
  return { call: (x) => request(0, x), close: () => Promise.all(pool.map(close)) };
}

/** The modules a row imports on this thread (timed apart from the pool's start: a process pays them once). */
const rowImports = {
  "raw-web-worker": () => ({}),
  "offloop-adapter": async () => ({
    ThreadPoolExecutor: (await import(new URL(`../../../packages/${runtime}-worker/dist/index.js`, import.meta.url).href)).ThreadPoolExecutor,
    tasks: (await import("./workers/offloop-tasks.mjs")).default,
  }),
};

async function offloopAdapter({ workers }) {
  const { ThreadPoolExecutor, tasks } = await rowImports["offloop-adapter"]();
  const executor = new ThreadPoolExecutor({ maxWorkers: workers });
  return { call: (x) => executor.submit(tasks.noop, x), close: () => executor.shutdown() };
}

const rows = { "raw-web-worker": rawWebWorker, "offloop-adapter": offloopAdapter };

/** n tiny tasks submitted at once, after a burst of `warmup`. */
async function throughput(row, n, warmup) {
  await Promise.all(Array.from({ length: warmup }, (_, i) => row.call(i)));
  const start = performance.now();
  const futures = new Array(n);
  for (let i = 0; i < n; i++) futures[i] = row.call(i);
  await Promise.all(futures);
  const seconds = (performance.now() - start) / 1000;
  const rss = runtime === "deno" ? Deno.memoryUsage().rss : process.memoryUsage().rss;
  return { value: n / seconds, unit: "tasks/s", rssMb: rss / 1048576 };
}

async function main() {
  const create = rows[rowId];
  if (!create) throw new Error(`unknown row ${rowId}`);
  const workers = params.workers;
  if (scenario === "startup") {
    // The row's modules first (importMs): the value is the pool's own start, first task and shutdown.
    const importStart = performance.now();
    await rowImports[rowId]();
    const start = performance.now();
    const row = await create({ workers });
    await row.call(1);
    await row.close();
    return { value: performance.now() - start, unit: "ms", importMs: start - importStart };
  }
  const row = await create({ workers });
  try {
    if (scenario === "latency") {
      for (let i = 0; i < params.warmup; i++) await row.call(i);
      const start = performance.now();
      for (let i = 0; i < params.n; i++) await row.call(i);
      return { value: ((performance.now() - start) * 1000) / params.n, unit: "us/call" };
    }
    if (scenario === "throughput") {
      if (rowId === "raw-web-worker") return await throughput(row, params.n, params.warmup);
      // As on Node: the adapter is also measured against a raw pool started in THIS process, both warmed
      // alike, in short blocks taking turns (ABBA), so that the machine's load falls on both alike.
      const floor = await rawWebWorker({ workers });
      try {
        for (const pool of [row, floor]) await Promise.all(Array.from({ length: params.warmup }, (_, i) => pool.call(i)));
        return await pairedBlocks(row, floor, 4, (pool) => throughput(pool, Math.round(params.n / 4), 0));
      } finally {
        await floor.close();
      }
    }
    throw new Error(`${rowId} on ${runtime} does not run the ${scenario} scenario`);
  } finally {
    await row.close();
  }
}

const exit = (code) => (runtime === "deno" ? Deno.exit(code) : process.exit(code));
main().then(
  (result) => {
    console.log(JSON.stringify(result));
    exit(0);
  },
  (error) => {
    console.log(JSON.stringify({ error: String(error?.stack ?? error).split("\n").slice(0, 3).join(" | ") }));
    exit(1);
  },
);
