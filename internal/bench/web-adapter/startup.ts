/**
 * Start + first task + shutdown: the Bun or Deno adapter (whichever the
 * umbrella picks for this runtime) against the raw web Worker doing the same
 * (new Worker, one message there and back, terminate and wait until it is
 * gone). `adapterInline` submits a function instead of a task-module
 * handle, so its worker imports only the adapter's entry. Rows take turns in one process, the order reversed every other
 * round; prints medians of the per-round ratios.
 *   bun internal/bench/web-adapter/startup.ts [rounds]
 *   deno run -A internal/bench/web-adapter/startup.ts [rounds]
 */
import os from "node:os";
import { ThreadPoolExecutor } from "offloop";
import tasks from "./tasks.ts";

const ROUNDS = Number((globalThis as unknown as { process?: { argv: string[] } }).process?.argv[2] ?? 15);
const runtime = "Bun" in globalThis ? "bun" : "Deno" in globalThis ? "deno" : "node";

interface WebWorker {
  postMessage(message: unknown): void;
  addEventListener(type: string, listener: () => void, options?: { once: boolean }): void;
  terminate(): void;
}
const WebWorker = (globalThis as unknown as { Worker: new (url: URL, options: { type: "module" }) => WebWorker }).Worker;

async function raw(): Promise<void> {
  const worker = new WebWorker(new URL("./echo-web.ts", import.meta.url), { type: "module" });
  await new Promise<void>((resolve) => {
    worker.addEventListener("message", () => resolve(), { once: true });
    worker.postMessage(["run", 1, 1, [1, 2]]);
  });
  // Bun fires "close" once the thread is gone; Deno has no such event, so there terminate() is the end.
  const closed = runtime === "bun" ? new Promise<void>((resolve) => worker.addEventListener("close", () => resolve(), { once: true })) : undefined;
  worker.terminate();
  await closed;
}

async function adapter(): Promise<void> {
  const executor = new ThreadPoolExecutor({ maxWorkers: 1 });
  if ((await executor.submit(tasks.add, 1, 2)) !== 3) throw new Error("wrong result");
  await executor.shutdown();
}

/** The same with the task given as a function (its source travels): the worker imports no task module, so this is the cost of the worker entry alone. */
async function adapterInline(): Promise<void> {
  const executor = new ThreadPoolExecutor({ maxWorkers: 1 });
  if ((await executor.submit((a: number, b: number) => a + b, 1, 2)) !== 3) throw new Error("wrong result");
  await executor.shutdown();
}

const rows: Record<string, () => Promise<void>> = { raw, adapter, adapterInline };
const ids = Object.keys(rows);
const ms: Record<string, number[]> = Object.fromEntries(ids.map((id) => [id, []]));
for (const id of ids) await rows[id]!(); // warm-up: the modules are loaded once per process either way
const load = [os.loadavg()[0]!];
for (let round = 0; round < ROUNDS; round++) {
  for (const id of round % 2 ? [...ids].reverse() : ids) {
    const started = performance.now();
    await rows[id]!();
    ms[id]!.push(performance.now() - started);
  }
  load.push(os.loadavg()[0]!);
}
const median = (values: number[]) => [...values].sort((a, b) => a - b)[values.length >> 1]!;
const ratio = (id: string) => median(ms[id]!.map((value, round) => value / ms.raw![round]!));
console.log(`${runtime} startup (start + first task + shutdown), ${ROUNDS} rounds, load average ${Math.min(...load).toFixed(1)}-${Math.max(...load).toFixed(1)}`);
for (const id of ids) console.log(`  ${id.padEnd(13)} median ${median(ms[id]!).toFixed(2)} ms (min ${Math.min(...ms[id]!).toFixed(2)}, max ${Math.max(...ms[id]!).toFixed(2)})`);
console.log(`  adapter / raw: ${ratio("adapter").toFixed(2)}x; without a task module: ${ratio("adapterInline").toFixed(2)}x (medians of per-round ratios)`);
