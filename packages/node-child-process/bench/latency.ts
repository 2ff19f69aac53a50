/**
 * Sequential round-trip latency: ProcessPoolExecutor against raw
 * child_process.fork IPC (advanced serialization), in the same run. Rounds
 * alternate between the two so that machine noise falls on both; each
 * round's mean per round trip is recorded, and the medians are compared.
 *
 *   node --import tsx bench/latency.ts [rounds] [tripsPerRound]
 *   bun bench/latency.ts     deno run -A bench/latency.ts
 */
import { fork } from "node:child_process";
import { fileURLToPath } from "node:url";
import { ProcessPoolExecutor } from "@offloop/node-child-process";
import tasks from "../test/fixtures/tasks.ts";

const rounds = Number(process.argv[2] ?? 9);
const trips = Number(process.argv[3] ?? 2_000);

const median = (values: number[]) => values.slice().sort((a, b) => a - b)[Math.floor(values.length / 2)]!;

const child = fork(fileURLToPath(new URL("./raw-child.mjs", import.meta.url)), [], { serialization: "advanced", stdio: ["ignore", "inherit", "inherit", "ipc"] });
let resolveReply: (value: unknown) => void = () => {};
child.on("message", (message) => resolveReply(message));
const rawTrip = (value: unknown) =>
  new Promise((resolve) => {
    resolveReply = resolve;
    child.send(["run", 1, 1, [value, 1]]);
  });

const executor = new ProcessPoolExecutor({ maxWorkers: 1 });
const executorNoCallSite = new ProcessPoolExecutor({ maxWorkers: 1, captureCallSite: false });

const runners: Record<string, (i: number) => Promise<unknown>> = {
  "raw fork IPC (advanced)": (i) => rawTrip(i),
  "ProcessPoolExecutor": (i) => executor.submit(tasks.add, i, 1),
  "ProcessPoolExecutor, captureCallSite: false": (i) => executorNoCallSite.submit(tasks.add, i, 1),
};

async function measure(run: (i: number) => Promise<unknown>): Promise<number> {
  const start = performance.now();
  for (let i = 0; i < trips; i++) await run(i);
  return ((performance.now() - start) / trips) * 1000;
}

const samples: Record<string, number[]> = Object.fromEntries(Object.keys(runners).map((name) => [name, []]));
for (const run of Object.values(runners)) for (let i = 0; i < 500; i++) await run(i); // warm up: children started, JIT hot
for (let round = 0; round < rounds; round++) {
  const names = Object.keys(runners);
  const order = names.slice(round % names.length).concat(names.slice(0, round % names.length));
  for (const name of order) samples[name]!.push(await measure(runners[name]!));
}

const runtime = "Bun" in globalThis ? `Bun ${process.versions.bun}` : "Deno" in globalThis ? `Deno ${process.versions.deno}` : `Node ${process.version}`;
const raw = median(samples["raw fork IPC (advanced)"]!);
console.log(`sequential round trip, ${runtime}: median of ${rounds} rounds x ${trips} trips (µs per trip; min-max over rounds)`);
for (const [name, values] of Object.entries(samples)) {
  const m = median(values);
  console.log(`  ${name.padEnd(44)} ${m.toFixed(1).padStart(7)} µs  (${Math.min(...values).toFixed(1)}-${Math.max(...values).toFixed(1)})  ${(m / raw).toFixed(2)}x raw`);
}
child.disconnect();
await executor.shutdown();
await executorNoCallSite.shutdown();
