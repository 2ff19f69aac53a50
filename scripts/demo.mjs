#!/usr/bin/env node
// `pnpm demo`: runs every example on every installed runtime, one at a time
// (they measure parallel speedups, and CI machines have few cores), shows
// progress while it runs, and ends with one table: example x runtime ->
// `ok` and the time, or `FAIL` and the reason, or why it could not run.
// Exits 1 if any cell failed or had no adapter.
//   node scripts/demo.mjs [example ...] [--runtime node|bun|deno]
import { join } from "node:path";
import { failureReason, isInstalled, root, runExample, runtimes, unavailable } from "./example-runtimes.mjs";

const examples = ["parallel-processing", "timeout", "limited-concurrency", "error-handling", "image-thumbnails", "db-queries", "chat-client", "pitfalls"];
const args = process.argv.slice(2);
const runtimeIndex = args.indexOf("--runtime");
const onlyRuntime = runtimeIndex >= 0 ? args.splice(runtimeIndex, 2)[1] : undefined;
const chosenExamples = args.length ? examples.filter((name) => args.includes(name)) : examples;
const chosenRuntimes = runtimes.filter((r) => !onlyRuntime || r.name === onlyRuntime);
// chat-client's scripted mode is a plain Node script that drives the chosen runtime.
const plainNode = { name: "node", command: process.execPath, args: (file) => [file] };

/** Runs one cell, without input, with a time limit. */
function runCell(example, runtime) {
  const cwd = join(root, "examples", example);
  if (example === "chat-client") return runExample(plainNode, cwd, "scripted.mjs", { args: ["--runtime", runtime.name], timeout: 60_000 });
  return runExample(runtime, cwd, "main.ts", { timeout: 60_000 });
}

const tty = process.stdout.isTTY;
const cells = new Map();
const total = chosenExamples.length * chosenRuntimes.length;
let done = 0;
const started = performance.now();
console.log(`offloop demo: ${chosenExamples.length} examples x ${chosenRuntimes.length} runtimes (${chosenRuntimes.map((r) => `${r.name}${isInstalled(r) ? "" : " (not installed)"}`).join(", ")}), one at a time\n`);

for (const example of chosenExamples) {
  for (const runtime of chosenRuntimes) {
    const label = `[${String(++done).padStart(2)}/${total}] ${example} on ${runtime.name}`;
    const why = unavailable(runtime, join(root, "examples", example));
    if (why) {
      cells.set(`${example}/${runtime.name}`, { status: why.startsWith("adapter missing") ? "adapter missing" : "not installed", detail: why });
      console.log(`${label.padEnd(44)} ${why}`);
      continue;
    }
    let ticker;
    if (tty) {
      const t0 = performance.now();
      const draw = () => process.stdout.write(`\r${label.padEnd(44)} running ${((performance.now() - t0) / 1000).toFixed(1)} s`);
      draw();
      ticker = setInterval(draw, 200);
    }
    const result = await runCell(example, runtime);
    clearInterval(ticker);
    const ok = result.code === 0 && !result.timedOut;
    const seconds = `${(result.ms / 1000).toFixed(1)} s`;
    cells.set(`${example}/${runtime.name}`, ok ? { status: "ok", detail: seconds } : { status: "FAIL", detail: failureReason(result) });
    const line = `${label.padEnd(44)} ${ok ? `ok ${seconds}` : `FAIL ${seconds}: ${failureReason(result)}`}`;
    if (tty) process.stdout.write(`\r\x1b[2K${line}\n`);
    else console.log(line);
    // The last lines of a failing run, to see why without running it again.
    if (!ok) for (const tail of `${result.stdout}\n${result.stderr}`.trim().split("\n").slice(-6)) console.log(`      | ${tail}`);
  }
}

// The table.
const header = ["example", ...chosenRuntimes.map((r) => r.name)];
const rows = chosenExamples.map((example) => [
  example,
  ...chosenRuntimes.map((r) => {
    const cell = cells.get(`${example}/${r.name}`);
    const text = cell.status === "ok" ? `ok ${cell.detail}` : cell.status === "FAIL" ? `FAIL: ${cell.detail}` : cell.status;
    return text.length > 48 ? `${text.slice(0, 47)}…` : text;
  }),
]);
const widths = header.map((_, i) => Math.max(...[header, ...rows].map((row) => row[i].length)));
const format = (row) => `| ${row.map((cell, i) => cell.padEnd(widths[i])).join(" | ")} |`;
console.log(`\n${format(header)}\n|${widths.map((w) => "-".repeat(w + 2)).join("|")}|`);
for (const row of rows) console.log(format(row));

const statuses = [...cells.values()].map((cell) => cell.status);
const count = (status) => statuses.filter((s) => s === status).length;
console.log(`\n${count("ok")} ok, ${count("FAIL")} failed, ${count("adapter missing")} adapter missing, ${count("not installed")} not installed, in ${((performance.now() - started) / 1000).toFixed(0)} s`);
process.exitCode = count("FAIL") + count("adapter missing") > 0 ? 1 : 0;
