import { ThreadPoolExecutor } from "offloop";
import primes, { countPrimes } from "./primes.ts";

const params = new URLSearchParams(location.search);
const limit = Number(params.get("limit") ?? 3_000_000);
const rangeSize = Number(params.get("range") ?? 50_000);
const ranges: Array<[number, number]> = [];
for (let from = 0; from < limit; from += rangeSize) ranges.push([from, Math.min(limit, from + rangeSize)]);

// One pool for the page. The factory is in Vite's own syntax, so Vite bundles worker.ts.
const executor = new ThreadPoolExecutor({
  worker: () => new Worker(new URL("./worker.ts", import.meta.url), { type: "module" }),
});

const $ = <T extends HTMLElement>(id: string) => document.getElementById(id) as T;
const ticksOutput = $<HTMLOutputElement>("ticks");
const status = $<HTMLOutputElement>("status");
const progress = $<HTMLProgressElement>("progress");
const runWorkers = $<HTMLButtonElement>("run-workers");
const runMain = $<HTMLButtonElement>("run-main");
const cancel = $<HTMLButtonElement>("cancel");
$("limit").textContent = limit.toLocaleString("en");
$("workers").textContent = String(navigator.hardwareConcurrency);
$("isolated").textContent = crossOriginIsolated ? "yes" : "no";

// The page's heartbeat: a plain timer. It can only tick while the main thread is free.
let ticks = 0;
setInterval(() => (ticksOutput.textContent = String(++ticks)), 50);

let controller: AbortController | undefined;

function setState(state: "ready" | "running" | "done" | "cancelled" | "failed", text: string): void {
  document.body.dataset.state = state;
  status.textContent = text;
  const busy = state === "running";
  runWorkers.disabled = busy;
  runMain.disabled = busy;
  cancel.disabled = !busy || controller === undefined;
}

function showProgress(done: number): void {
  progress.max = ranges.length;
  progress.value = done;
}

function addRun(where: string, total: number | string, done: number, ms: number, ticksDuring: number): void {
  const row = document.createElement("tr");
  row.dataset.where = where;
  for (const cell of [where, String(total), `${done}/${ranges.length}`, `${Math.round(ms)} ms`, String(ticksDuring)]) {
    const td = document.createElement("td");
    td.textContent = cell;
    row.append(td);
  }
  $("runs").append(row);
}

runWorkers.addEventListener("click", async () => {
  controller = new AbortController();
  const started = performance.now();
  const ticksAtStart = ticks;
  let done = 0;
  let total = 0;
  showProgress(0);
  setState("running", `counting in ${navigator.hardwareConcurrency} workers…`);
  try {
    // map: in order, with backpressure; the page's own thread only adds up the counts.
    for await (const count of executor.map(primes.countPrimes, ranges, { signal: controller.signal })) {
      total += count;
      showProgress(++done);
    }
    addRun("workers", total, done, performance.now() - started, ticks - ticksAtStart);
    setState("done", `${total} primes below ${limit} (workers)`);
  } catch (error) {
    if (controller.signal.aborted) {
      addRun("workers (cancelled)", "–", done, performance.now() - started, ticks - ticksAtStart);
      setState("cancelled", `cancelled after ${done} of ${ranges.length} ranges`);
    } else {
      setState("failed", `failed: ${(error as Error).name}: ${(error as Error).message}`);
    }
  } finally {
    controller = undefined;
    cancel.disabled = true;
  }
});

cancel.addEventListener("click", () => controller?.abort(new Error("cancelled by the user")));

runMain.addEventListener("click", async () => {
  showProgress(0);
  setState("running", "counting on the main thread: the page is frozen…");
  // Let the browser paint the status before the thread blocks.
  await new Promise((resolve) => requestAnimationFrame(() => setTimeout(resolve, 0)));
  const started = performance.now();
  const ticksAtStart = ticks;
  let total = 0;
  // The same function, called on this thread: no timer, click or paint until it ends.
  for (const range of ranges) total += countPrimes(range);
  const ticksDuring = ticks - ticksAtStart;
  showProgress(ranges.length);
  addRun("main thread", total, ranges.length, performance.now() - started, ticksDuring);
  setState("done", `${total} primes below ${limit} (main thread)`);
});

setState("ready", "ready");
