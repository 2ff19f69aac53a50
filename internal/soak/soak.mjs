// Soak: N tiny tasks through executor.map, then N through submit in waves,
// on one adapter. Prints RSS at start (after a warm-up), peak and end, and
// fails if anything stays pending between waves or an abort listener leaks.
//   node soak.mjs --adapter threads|processes [--tasks 1000000] [--wave 10000]
//   bun soak.mjs --adapter bun      deno run -A soak.mjs --adapter deno
// test/soak.test.ts calls soak() (below) with fewer tasks, under vitest.
import { getEventListeners, setMaxListeners } from "node:events";
import { fileURLToPath } from "node:url";
import tasks from "@offloop/contract-tests/fixtures/tasks";

const adapters = {
  threads: async () => (await import("@offloop/node-worker-threads")).ThreadPoolExecutor,
  processes: async () => (await import("@offloop/node-child-process")).ProcessPoolExecutor,
  bun: async () => (await import("@offloop/bun-worker")).ThreadPoolExecutor,
  deno: async () => (await import("@offloop/deno-worker")).ThreadPoolExecutor,
};
/**
 * Runs the soak on one adapter: `total` tasks through map, then `total` through submit in waves.
 * Returns the report and the failed checks (none when every check held).
 */
export async function soak({ adapterName = "threads", total = 1_000_000, wave = 10_000, maxWorkers = 2 } = {}) {
  const Executor = await adapters[adapterName]();
  const runtime = globalThis.Bun ? `Bun ${Bun.version}` : globalThis.Deno ? `Deno ${Deno.version.deno}` : `Node ${process.version}`;
  const rssMb = () => process.memoryUsage().rss / 1024 / 1024;

  const failures = [];
  function check(condition, message) {
    if (!condition) failures.push(message);
  }

  const executor = new Executor({ maxWorkers, captureCallSite: false });
  let peak = 0;
  const sample = () => (peak = Math.max(peak, rssMb()));

  // Warm-up: start the workers and let the batching settle.
  await Promise.all(Array.from({ length: 2_000 }, (_, index) => executor.submit(tasks.add, index, 1)));
  const start = rssMb();
  peak = start;
  const timeline = [];

  // Phase 1: map over a lazy source, results checked in order.
  let started = performance.now();
  let expected = 0;
  function* numbers() {
    for (let index = 0; index < total; index++) yield index;
  }
  for await (const result of executor.map((n) => n + 1, numbers(), { concurrency: 4_096 })) {
    if (result !== expected + 1) {
      check(false, `map result ${expected} was ${result}`);
      break;
    }
    expected++;
    if (expected % wave === 0) sample();
    if (expected % (total / 10) === 0) timeline.push(Math.round(rssMb()));
  }
  check(expected === total, `map yielded ${expected} of ${total}`);
  const mapSeconds = (performance.now() - started) / 1000;
  const afterMap = rssMb();
  let stats = executor.stats;
  check(stats.queued === 0 && stats.running === 0, `after map: ${JSON.stringify(stats)}`);

  // Phase 2: submit in waves, each with the same AbortSignal, whose listeners must not pile up.
  started = performance.now();
  const controller = new AbortController();
  setMaxListeners(0, controller.signal);
  let listenersSeen = 0;
  for (let done = 0; done < total; done += wave) {
    const futures = new Array(wave);
    // Every 100th task carries the signal: its listener must be removed when the task settles.
    for (let index = 0; index < wave; index++) futures[index] = index % 100 === 0 ? executor.run(tasks.add, [done + index, 1], { signal: controller.signal }) : executor.submit(tasks.add, done + index, 1);
    const results = await Promise.all(futures);
    check(results[wave - 1] === done + wave, `wave at ${done}: last result ${results[wave - 1]}`);
    sample();
    stats = executor.stats;
    check(stats.queued === 0 && stats.running === 0 && stats.workers <= maxWorkers, `after wave ${done}: ${JSON.stringify(stats)}`);
    try {
      listenersSeen = Math.max(listenersSeen, getEventListeners(controller.signal, "abort").length);
    } catch {
      listenersSeen = -1; // not available on this runtime
    }
    if ((done + wave) % (total / 10) === 0) timeline.push(Math.round(rssMb()));
  }
  const submitSeconds = (performance.now() - started) / 1000;
  check(listenersSeen <= 0, `${listenersSeen} abort listeners left on the signal after a wave`);

  await executor.shutdown();
  stats = executor.stats;
  const end = rssMb();
  check(stats.workers === 0, `workers after shutdown: ${stats.workers}`);
  check(stats.submitted === stats.completed && stats.failed === 0 && stats.cancelled === 0, `final stats ${JSON.stringify(stats)}`);
  check(stats.submitted === 2_000 + 2 * total, `submitted ${stats.submitted}, expected ${2_000 + 2 * total}`);

  const report = {
    runtime,
    adapter: adapterName,
    tasks: total,
    wave,
    maxWorkers,
    mapSeconds: +mapSeconds.toFixed(2),
    mapTasksPerSecond: Math.round(total / mapSeconds),
    submitSeconds: +submitSeconds.toFixed(2),
    submitTasksPerSecond: Math.round(total / submitSeconds),
    rssMb: { start: Math.round(start), afterMap: Math.round(afterMap), peak: Math.round(peak), end: Math.round(end) },
    rssTimeline: timeline,
    abortListenersAfterWave: listenersSeen,
    stats,
  };
  return { report, failures };
}

// As a script (not when a test imports it).
if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const args = (globalThis.Deno?.args ?? process.argv.slice(2));
  const option = (name, fallback) => {
    const index = args.indexOf(`--${name}`);
    return index === -1 ? fallback : args[index + 1];
  };
  const adapterName = option("adapter", "threads");
  const total = Number(option("tasks", 1_000_000));
  const wave = Number(option("wave", 10_000));
  const maxWorkers = Number(option("workers", 2));
  const { report, failures } = await soak({ adapterName, total, wave, maxWorkers });
  console.log(JSON.stringify(report));
  if (failures.length > 0) {
    console.error(`soak failed:\n${failures.join("\n")}`);
    process.exit(1);
  }
}
