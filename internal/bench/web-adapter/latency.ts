/**
 * The Bun or Deno adapter (whichever the umbrella picks for this runtime) vs
 * the raw Worker: round-trip latency (one task at a time) and tiny-task
 * throughput (N in flight, one worker), plus the raw node:worker_threads
 * flavour. Prints medians of RUNS runs. One script for both runtimes:
 *   pnpm --dir packages/bun-worker bench    (bun internal/bench/web-adapter/latency.ts)
 *   pnpm --dir packages/deno-worker bench   (deno run -A internal/bench/web-adapter/latency.ts)
 */
import { Worker as ThreadWorker } from "node:worker_threads";
import { ThreadPoolExecutor } from "offloop";
import tasks from "./tasks.ts";

const RUNS = 5;
const LATENCY_N = 5_000;
const THROUGHPUT_N = 100_000;
const runtime = "Bun" in globalThis ? "bun" : "Deno" in globalThis ? "deno" : "node";

interface WebWorker { postMessage(message: unknown): void; addEventListener(type: "message", listener: () => void): void; terminate(): void }
const WebWorker = (globalThis as unknown as { Worker: new (url: URL, options: { type: "module" }) => WebWorker }).Worker;

interface Channel { send(message: unknown): void; onMessage(listener: () => void): void; close(): unknown }
function webChannel(): Channel {
  const worker = new WebWorker(new URL("./echo-web.ts", import.meta.url), { type: "module" });
  return { send: (m) => worker.postMessage(m), onMessage: (l) => worker.addEventListener("message", l), close: () => worker.terminate() };
}
function threadChannel(): Channel {
  const worker = new ThreadWorker(new URL("./echo-thread.ts", import.meta.url));
  return { send: (m) => worker.postMessage(m), onMessage: (l) => void worker.on("message", l), close: () => worker.terminate() };
}

async function rawLatency(make: () => Channel): Promise<number> {
  const channel = make();
  let resolve!: () => void;
  channel.onMessage(() => resolve());
  const once = () => new Promise<void>((r) => { resolve = r; channel.send(["run", 1, 1, [1, 2]]); });
  for (let i = 0; i < 500; i++) await once();
  const started = performance.now();
  for (let i = 0; i < LATENCY_N; i++) await once();
  const us = ((performance.now() - started) * 1000) / LATENCY_N;
  await channel.close();
  return us;
}

async function rawThroughput(make: () => Channel): Promise<number> {
  const channel = make();
  let received = 0;
  let done!: () => void;
  channel.onMessage(() => { if (++received === THROUGHPUT_N) done(); });
  const started = performance.now();
  await new Promise<void>((resolve) => { done = resolve; for (let i = 0; i < THROUGHPUT_N; i++) channel.send(["run", i, 1, [i, 1]]); });
  const rate = THROUGHPUT_N / ((performance.now() - started) / 1000);
  await channel.close();
  return rate;
}

async function adapterLatency(): Promise<number> {
  const executor = new ThreadPoolExecutor({ maxWorkers: 1, captureCallSite: false });
  for (let i = 0; i < 500; i++) await executor.submit(tasks.add, i, 1);
  const started = performance.now();
  for (let i = 0; i < LATENCY_N; i++) await executor.submit(tasks.add, i, 1);
  const us = ((performance.now() - started) * 1000) / LATENCY_N;
  await executor.shutdown();
  return us;
}

async function adapterThroughput(): Promise<number> {
  const executor = new ThreadPoolExecutor({ maxWorkers: 1, captureCallSite: false });
  await executor.submit(tasks.add, 0, 0);
  const started = performance.now();
  const futures = new Array(THROUGHPUT_N);
  for (let i = 0; i < THROUGHPUT_N; i++) futures[i] = executor.submit(tasks.add, i, 1);
  await Promise.all(futures);
  const rate = THROUGHPUT_N / ((performance.now() - started) / 1000);
  await executor.shutdown();
  return rate;
}

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;
const results: Record<string, number[]> = { rawWebLatencyUs: [], adapterLatencyUs: [], rawThreadLatencyUs: [], rawWebPerS: [], adapterPerS: [], rawThreadPerS: [] };
for (let run = 0; run < RUNS; run++) {
  results.rawWebLatencyUs!.push(await rawLatency(webChannel));
  results.adapterLatencyUs!.push(await adapterLatency());
  results.rawThreadLatencyUs!.push(await rawLatency(threadChannel));
  results.rawWebPerS!.push(await rawThroughput(webChannel));
  results.adapterPerS!.push(await adapterThroughput());
  results.rawThreadPerS!.push(await rawThroughput(threadChannel));
}
const m = Object.fromEntries(Object.entries(results).map(([key, values]) => [key, median(values)]));
console.log(`${runtime}: medians of ${RUNS} runs, 1 worker`);
console.log(`  latency    raw web Worker ${m.rawWebLatencyUs!.toFixed(1)} us | adapter ${m.adapterLatencyUs!.toFixed(1)} us (${(m.adapterLatencyUs! / m.rawWebLatencyUs!).toFixed(2)}x raw) | raw worker_threads ${m.rawThreadLatencyUs!.toFixed(1)} us`);
console.log(`  throughput raw web Worker ${Math.round(m.rawWebPerS!)}/s | adapter ${Math.round(m.adapterPerS!)}/s (${(m.adapterPerS! / m.rawWebPerS!).toFixed(2)}x raw) | raw worker_threads ${Math.round(m.rawThreadPerS!)}/s`);
