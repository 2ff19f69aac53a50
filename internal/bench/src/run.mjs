// The benchmark runner: every row of every scenario in a fresh process, several
// rounds interleaved (so that noise from the shared machine hits all rows alike),
// medians and ratios against the raw floor of the same run.
//
//   node src/run.mjs           full run: writes RESULTS.md and results.json
//   node src/run.mjs --smoke   few rounds, small N, no thresholds; writes nothing (CI)
//   node24 src/run.mjs --suffix=node24 --only=...   writes RESULTS-node24.md and results-node24.json instead
import { execFile } from "node:child_process";
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { availableParallelism, cpus, totalmem, release } from "node:os";
import { fileURLToPath } from "node:url";
import { burn } from "./work.mjs";

const smoke = process.argv.includes("--smoke");
if (process.argv.includes("--report")) {
  // Re-render RESULTS.md from results.json (e.g. after editing notes.md), without measuring again.
  const { renderReport } = await import("./report.mjs");
  const saved = JSON.parse(readFileSync(new URL("../results.json", import.meta.url), "utf8"));
  writeFileSync(new URL("../RESULTS.md", import.meta.url), renderReport(saved));
  console.log("re-rendered internal/bench/RESULTS.md from results.json");
  process.exit(0);
}
const only = process.argv.find((arg) => arg.startsWith("--only="))?.slice(7).split(",");
const scenariosArg = process.argv.find((arg) => arg.startsWith("--scenarios="))?.slice(12).split(",");
const roundsArg = process.argv.find((arg) => arg.startsWith("--rounds="))?.slice(9);
// A second run on another Node line (rows measure with the runner's Node) writes beside the main results.
const suffix = process.argv.find((arg) => arg.startsWith("--suffix="))?.slice(9);
const root = new URL("../../../", import.meta.url);
const benchDir = new URL("../", import.meta.url);
const bin = (name) => fileURLToPath(new URL(`node_modules/.bin/${name}`, root));
const workers = availableParallelism();
const rounds = Number(roundsArg ?? (smoke ? 1 : 5));

/** Iterations of burn() that take about `ms` on the main thread, measured after the JIT has optimized it. */
function calibrate(ms) {
  for (let i = 0; i < 20; i++) burn(1e6);
  let n = 1e6;
  for (;;) {
    const start = performance.now();
    burn(n);
    const took = performance.now() - start;
    if (took > 50) return Math.round((n * ms) / took);
    n *= 2;
  }
}

const params = smoke
  ? {
      latency: { n: 300, warmup: 50 },
      throughput: { n: 3000, warmup: 100 },
      cpu: { tasks: 4, ms: 5 },
      transfer: { n: 5, warmup: 2, bytes: 1 << 20 },
      startup: {},
      map: { n: 20000, chunkSize: 1000, window: 4 * workers },
    }
  : {
      // Latency warm-up: a fresh pool's code needs ~6,000 round trips to reach its steady speed here (JIT tiers on both threads).
      latency: { n: 20000, warmup: 10000 },
      throughput: { n: 100000, warmup: 1000 },
      cpu: { tasks: 64, ms: 20 },
      transfer: { n: 200, warmup: 20, bytes: 1 << 20 },
      startup: {},
      map: { n: 1000000, chunkSize: 1000, window: 4 * workers },
    };
params.cpu.iterations = calibrate(params.cpu.ms);

/** Rows too slow for the full N: run with a smaller N (noted in the report). */
const scaled = smoke
  ? { "raw-fork-json": { transfer: { n: 1, warmup: 0 } } }
  : {
      threads: { latency: { n: 2000, warmup: 100 }, throughput: { n: 5000, warmup: 100 } },
      // 1 MB as a JSON array of numbers costs ~0.6 s per round trip.
      "raw-fork-json": { transfer: { n: 3, warmup: 1 } },
    };

const node = (row) => ({ runtime: "node", cmd: process.execPath, args: [fileURLToPath(new URL("./node-scenario.mjs", import.meta.url)), row] });
const web = (runtime, row) => ({
  runtime,
  cmd: bin(runtime),
  args: [...(runtime === "deno" ? ["run", "-A", "--quiet"] : []), fileURLToPath(new URL("./web-scenario.mjs", import.meta.url)), row],
});
const python = (row) => ({ runtime: "python", cmd: "python3", args: [fileURLToPath(new URL("./python_bench.py", import.meta.url)), row] });
const adapterBuilt = (name) => existsSync(new URL(`packages/${name}/dist/index.js`, root));
const threadsAdapter = adapterBuilt("threads");

const ALL = ["latency", "throughput", "cpu", "transfer", "startup", "map"];
/** id -> label, how to run it, which scenarios, its floor (ratios are taken against it), or why it is n/a. */
// In smoke mode (CI) every row runs latency and throughput, and the offloop rows and raw floors run everything.
const SMOKE = ["latency", "throughput"];
const rows = [
  { id: "raw-postmessage", label: "raw postMessage (id->resolver map)", run: node("raw-postmessage"), scenarios: ALL, floor: "raw-postmessage" },
  { id: "sab-wait", label: "SharedArrayBuffer Atomics.wait/notify ping-pong", run: node("sab-wait"), scenarios: ["latency"], floor: "raw-postmessage" },
  { id: "sab-spin", label: "SharedArrayBuffer spinning ping-pong (2 cores busy)", run: node("sab-spin"), scenarios: ["latency"], floor: "raw-postmessage" },
  { id: "port-spin", label: "MessagePort ping-pong, both sides spinning on receiveMessageOnPort (2 cores busy)", run: node("port-spin"), scenarios: ["latency"], floor: "raw-postmessage" },
  { id: "offloop-threads", label: "offloop ThreadPoolExecutor (defaults)", run: node("offloop-threads"), scenarios: ALL, floor: "raw-postmessage" },
  { id: "offloop-threads-nospin", label: "offloop ThreadPoolExecutor (spinMicroseconds: 0)", run: node("offloop-threads-nospin"), scenarios: ["latency", "throughput"], floor: "raw-postmessage" },
  { id: "offloop-threads-callerspin", label: "offloop ThreadPoolExecutor (callerSpinMicroseconds: 100, opt-in)", run: node("offloop-threads-callerspin"), scenarios: ["latency", "throughput"], floor: "raw-postmessage" },
  { id: "piscina", peer: true, label: "piscina 5.3.2", run: node("piscina"), scenarios: ALL, floor: "raw-postmessage" },
  { id: "tinypool", peer: true, label: "tinypool 2.2.0", run: node("tinypool"), scenarios: ALL, floor: "raw-postmessage" },
  { id: "workerpool", peer: true, label: "workerpool 10.0.3 (workerType: thread)", run: node("workerpool"), scenarios: ALL, floor: "raw-postmessage" },
  { id: "poolifier", peer: true, label: "poolifier 5.3.2 FixedThreadPool", run: node("poolifier"), scenarios: ALL, floor: "raw-postmessage" },
  { id: "threads", peer: true, label: "threads.js 1.7.0 Pool", run: node("threads"), scenarios: ALL, floor: "raw-postmessage" },
  threadsAdapter
    ? { id: "offloop-threadsjs", label: "offloop @offloop/threads adapter", run: node("offloop-threadsjs"), scenarios: ALL, floor: "raw-postmessage" }
    : { id: "offloop-threadsjs", label: "offloop @offloop/threads adapter", na: "n/a (adapter not built yet)" },
  { id: "raw-fork-json", label: "raw child_process.fork IPC (json)", run: node("raw-fork-json"), scenarios: ALL, floor: "raw-fork-json" },
  { id: "raw-fork-advanced", label: "raw child_process.fork IPC (advanced)", run: node("raw-fork-advanced"), scenarios: ALL, floor: "raw-fork-json" },
  { id: "offloop-process", label: "offloop ProcessPoolExecutor (defaults)", run: node("offloop-process"), scenarios: ALL, floor: "raw-fork-json" },
  { id: "bun-raw", label: "Bun 1.4.5 raw web Worker", run: web("bun", "raw-web-worker"), scenarios: ["latency", "throughput", "startup"], floor: "bun-raw" },
  adapterBuilt("bun-worker")
    ? { id: "bun-offloop", label: "Bun 1.4.5 offloop @offloop/bun-worker", run: web("bun", "offloop-adapter"), scenarios: ["latency", "throughput", "startup"], floor: "bun-raw" }
    : { id: "bun-offloop", label: "Bun 1.4.5 offloop @offloop/bun-worker", na: "n/a (adapter not built yet)" },
  { id: "deno-raw", label: "Deno 2.9.6 raw web Worker", run: web("deno", "raw-web-worker"), scenarios: ["latency", "throughput", "startup"], floor: "deno-raw" },
  adapterBuilt("deno-worker")
    ? { id: "deno-offloop", label: "Deno 2.9.6 offloop @offloop/deno-worker", run: web("deno", "offloop-adapter"), scenarios: ["latency", "throughput", "startup"], floor: "deno-raw" }
    : { id: "deno-offloop", label: "Deno 2.9.6 offloop @offloop/deno-worker", na: "n/a (adapter not built yet)" },
  { id: "python-threads", peer: true, label: "Python 3 run_in_executor + ThreadPoolExecutor", run: python("python-threads"), scenarios: ALL, floor: "python-threads" },
  { id: "python-processes", peer: true, label: "Python 3 run_in_executor + ProcessPoolExecutor", run: python("python-processes"), scenarios: ALL, floor: "python-threads" },
].filter((row) => !only || only.includes(row.id));
if (smoke) for (const row of rows) if (row.scenarios && !/^(offloop|raw-postmessage|raw-fork-json)/.test(row.id)) row.scenarios = row.scenarios.filter((s) => SMOKE.includes(s));

function runOne(row, scenario) {
  const p = { workers, ...params[scenario], ...scaled[row.id]?.[scenario] };
  return new Promise((resolve) => {
    execFile(row.run.cmd, [...row.run.args, scenario, JSON.stringify(p)], { cwd: fileURLToPath(benchDir), timeout: smoke ? 60000 : 600000, maxBuffer: 1 << 20 }, (error, stdout, stderr) => {
      const line = stdout.trim().split("\n").at(-1) ?? "";
      try {
        const parsed = JSON.parse(line);
        if (parsed.error) resolve({ error: parsed.error });
        else resolve(parsed);
      } catch {
        resolve({ error: (error?.message ?? "no output") + " " + stderr.slice(0, 300) });
      }
    });
  });
}

const results = {}; // rowId -> scenario -> [result per round]
const started = Date.now();
// The serial baseline of the CPU scenario, measured in each round like every row.
const cpuBaseline = { id: "main-thread", run: node("main-thread"), scenarios: ["cpu"] };
const plan = [cpuBaseline, ...rows.filter((row) => !row.na)];
for (let round = 0; round < rounds; round++) {
  for (const scenario of ALL.filter((s) => !scenariosArg || scenariosArg.includes(s))) {
    // Rotate the order each round so that no row always runs first or last.
    const order = plan.filter((row) => row.scenarios.includes(scenario));
    const shift = round % Math.max(1, order.length);
    for (const row of [...order.slice(shift), ...order.slice(0, shift)]) {
      const t0 = Date.now();
      const result = await runOne(row, scenario);
      ((results[row.id] ??= {})[scenario] ??= []).push(result);
      const shown = result.error
        ? `ERROR ${result.error}`
        : `${result.value.toFixed(result.value < 10 ? 3 : 1)} ${result.unit}${result.shutdownHung ? ` (then ${result.shutdownHung})` : ""}`;
      console.log(`[round ${round + 1}/${rounds}] ${scenario.padEnd(10)} ${row.id.padEnd(22)} ${shown} (${((Date.now() - t0) / 1000).toFixed(1)} s)`);
    }
  }
}

const median = (values) => {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
};
function summarize(list, key = "value") {
  const values = (list ?? []).filter((result) => !result.error && typeof result[key] === "number").map((result) => result[key]);
  if (values.length === 0) return undefined;
  return { median: median(values), min: Math.min(...values), max: Math.max(...values), n: values.length };
}
const summary = {};
for (const [rowId, byScenario] of Object.entries(results)) {
  for (const [scenario, list] of Object.entries(byScenario)) {
    const entry = {
      value: summarize(list),
      errors: list.filter((result) => result.error).map((result) => result.error),
      shutdownHung: list.filter((result) => result.shutdownHung).length,
    };
    for (const extra of ["peakRssMb", "rssGrowthMb", "copied", "rssMb", "serialMs", "speedup", "pairedRatio", "floorValue"]) {
      const s = summarize(list, extra);
      if (s) entry[extra] = s;
    }
    (summary[rowId] ??= {})[scenario] = entry;
  }
}

const report = {
  date: new Date().toISOString(),
  command: `cd internal/bench && node src/run.mjs ${process.argv.slice(2).join(" ")}`.trim() + (smoke ? "" : " (pnpm bench runs this after turbo build)"),
  rounds,
  seconds: Math.round((Date.now() - started) / 1000),
  machine: { cpus: cpus().length, cpu: cpus()[0]?.model, memoryGb: +(totalmem() / 2 ** 30).toFixed(1), kernel: release(), workers },
  versions: await versions(),
  params,
  scaled,
  rows: rows.map(({ id, label, scenarios, floor, na, peer }) => ({ id, label, scenarios, floor, na, peer })),
  summary,
};

async function versions() {
  const run = (cmd, args) => new Promise((resolve) => execFile(cmd, args, (error, stdout) => resolve(error ? "n/a" : stdout.trim().split("\n")[0])));
  const pkg = (name) => {
    try {
      return JSON.parse(readFileSync(new URL(`node_modules/${name}/package.json`, benchDir), "utf8")).version;
    } catch {
      return "n/a";
    }
  };
  return {
    node: process.version,
    bun: await run(bin("bun"), ["--version"]),
    deno: await run(bin("deno"), ["--version"]),
    python: await run("python3", ["--version"]),
    ...Object.fromEntries(["piscina", "tinypool", "workerpool", "poolifier", "threads"].map((name) => [name, pkg(name)])),
  };
}

const { renderReport } = await import("./report.mjs");
const markdown = renderReport(report);
if (smoke) {
  console.log(markdown.split("## Notes")[0]);
  // offloop's own rows and the raw floors (this harness's code) must measure; a
  // peer library that fails or hangs is reported here and in the table, but
  // does not fail the smoke run: its bugs are not ours to gate CI on.
  const peers = new Set(rows.filter((row) => row.peer).map((row) => row.id));
  const failures = (wanted) =>
    Object.entries(summary)
      .filter(([rowId]) => wanted(peers.has(rowId)))
      .flatMap(([rowId, byScenario]) => Object.entries(byScenario).flatMap(([scenario, entry]) => entry.errors.map((error) => `${rowId} ${scenario}: ${error}`)));
  const peerFailed = failures((peer) => peer);
  const ownFailed = failures((peer) => !peer);
  const hung = Object.entries(summary).flatMap(([rowId, byScenario]) =>
    Object.entries(byScenario).filter(([, entry]) => entry.shutdownHung > 0).map(([scenario, entry]) => `${rowId} ${scenario}: shutdown hung in ${entry.shutdownHung} of ${entry.value?.n ?? 0} measured round(s)`),
  );
  if (hung.length > 0) console.log(`measured, then the pool's shutdown hung (kept, see RESULTS.md notes):\n${hung.join("\n")}`);
  if (peerFailed.length > 0) console.log(`${peerFailed.length} peer measurement(s) failed (reported, not failing the smoke run):\n${peerFailed.join("\n")}`);
  if (ownFailed.length > 0) {
    console.error(`${ownFailed.length} measurement(s) failed:\n${ownFailed.join("\n")}`);
    process.exitCode = 1;
  }
  // A shutdown hang in one of offloop's own rows is a bug of ours: fail on it.
  const ownHung = hung.filter((line) => !peers.has(line.split(" ")[0]));
  if (ownHung.length > 0) {
    console.error(`offloop's own rows hung in shutdown:\n${ownHung.join("\n")}`);
    process.exitCode = 1;
  }
} else if (suffix) {
  writeFileSync(new URL(`./results-${suffix}.json`, benchDir), `${JSON.stringify(report, null, 2)}\n`);
  writeFileSync(new URL(`./RESULTS-${suffix}.md`, benchDir), markdown.split("## Notes")[0] + `See RESULTS.md for the notes.\n`);
  console.log(`wrote internal/bench/RESULTS-${suffix}.md and results-${suffix}.json in ${report.seconds} s`);
} else if (only || scenariosArg) {
  console.log(markdown.split("## Notes")[0]);
} else {
  writeFileSync(new URL("./results.json", benchDir), `${JSON.stringify(report, null, 2)}\n`);
  writeFileSync(new URL("./RESULTS.md", benchDir), markdown);
  console.log(`wrote internal/bench/RESULTS.md and results.json in ${report.seconds} s`);
}
