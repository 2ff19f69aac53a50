// Where a Bun adapter's start + first task + shutdown goes (issue 18, goal 5): each part timed in
// fresh Bun processes taking turns, beside the bare web Worker and the adapter itself.
// Usage: node src/bun-start-parts.mjs [processes per part, default 15]   (after turbo build)
// Prints the median per part and its difference to the bare worker. Nothing is written.
import { execFileSync } from "node:child_process";
import { fileURLToPath } from "node:url";
import { median } from "./median.mjs";

const bun = fileURLToPath(new URL("../../../node_modules/.bin/bun", import.meta.url));
const here = fileURLToPath(new URL(".", import.meta.url));
const runs = Number(process.argv[2] ?? 15);

/** One process: two workers, the first answers one message, both are terminated; prints ms. */
const partScript = (workerFile) => `
const start = performance.now();
const workers = [0, 1].map(() => new Worker(${JSON.stringify(new URL(workerFile, import.meta.url).href)}, { type: "module" }));
await new Promise((resolve) => { workers[0].onmessage = resolve; workers[0].postMessage([0, 0, 1]); });
await Promise.all(workers.map((worker) => new Promise((resolve) => { worker.addEventListener("close", resolve, { once: true }); worker.terminate(); })));
console.log(performance.now() - start);
`;

/** Bun's arguments per part; each part but the adapter is the bare worker plus one thing. */
const parts = {
  "bare web Worker": ["-e", partScript("./workers/start-parts/bare.mjs")],
  "bare + @offloop/core/worker": ["-e", partScript("./workers/start-parts/core-worker-graph.mjs")],
  "bare + task module import": ["-e", partScript("./workers/start-parts/task-module-import.mjs")],
  "offloop adapter (whole)": ["src/web-scenario.mjs", "offloop-adapter", "startup", '{"workers":2}'],
};

const times = Object.fromEntries(Object.keys(parts).map((name) => [name, []]));
for (let round = 0; round < runs; round++) {
  for (const [name, args] of Object.entries(parts)) {
    const out = execFileSync(bun, args, { cwd: `${here}..`, encoding: "utf8" }).trim().split("\n").at(-1);
    times[name].push(out.startsWith("{") ? JSON.parse(out).value : Number(out));
  }
}
const bare = median(times["bare web Worker"]);
for (const [name, values] of Object.entries(times)) {
  const value = median(values);
  console.log(`${name.padEnd(30)} ${value.toFixed(2).padStart(7)} ms  ${name === "bare web Worker" ? "" : `+${(value - bare).toFixed(2)} ms, ${(value / bare).toFixed(2)}x`}`);
}
