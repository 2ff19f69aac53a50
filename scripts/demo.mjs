#!/usr/bin/env node
// `pnpm demo`: runs every example on each runtime it declares, one at a time
// (they measure parallel speedups, and CI machines have few cores), shows
// progress while it runs, and ends with one table: example x runtime -> `ok`
// and the time, or `FAIL` and the reason, or what to install, beside the
// example's own headline (the `headline: ...` line it printed).
//
// The examples and how to run each come from examples/*/package.json (the
// "offloop" field, described in scripts/example-runtimes.mjs), so a new
// example appears here without touching this script. Examples that need a
// program that is missing (redis-server, chromium, ...) get a row saying what
// to install; when redis-server is installed, the demo starts its own on a
// free 127.0.0.1 port for the examples that need it and stops it at the end.
// Exits 1 if any cell failed or had no adapter (a missing program does not fail it).
//   node scripts/demo.mjs [example ...] [--runtime node|bun|deno]
import { startRedisServer } from "./redis-server.mjs";
import {
  driverNode,
  failureReason,
  headline,
  listExamples,
  missingNeeds,
  nodeCommand,
  root,
  runExample,
  runtimeVersion,
  runtimes,
  unavailable,
} from "./example-runtimes.mjs";
import { availableParallelism, loadavg } from "node:os";
import { relative } from "node:path";

const args = process.argv.slice(2);
const runtimeIndex = args.indexOf("--runtime");
const onlyRuntime = runtimeIndex >= 0 ? args.splice(runtimeIndex, 2)[1] : undefined;
// OFFLOOP_DEMO_EXAMPLES: another folder of examples (to try the demo's rows on made-up examples).
const all = listExamples(process.env.OFFLOOP_DEMO_EXAMPLES || undefined);
const examples = all.filter((example) => args.length === 0 || args.includes(example.name));
const unknown = args.filter((name) => !examples.some((example) => example.name === name));
if (unknown.length) {
  console.error(`unknown example(s): ${unknown.join(", ")}; examples: ${all.map((e) => e.name).join(", ")}`);
  process.exit(2);
}

// Services the demo can provide for a need, started on first use and stopped at the end.
const services = new Map();
const providers = {
  /** A throwaway redis-server on a free 127.0.0.1 port, no persistence; the example gets REDIS_URL. */
  async "redis-server"() {
    const redis = await startRedisServer();
    console.log(`  (started redis-server on 127.0.0.1:${redis.port}, pid ${redis.pid}, for the examples that need it)`);
    return { env: { REDIS_URL: redis.url }, stop: () => redis.stop() };
  },
};

/** The environment the example's needs provide (starting the services), or throws. */
async function provide(example) {
  const env = {};
  for (const need of example.needs) {
    const provider = providers[need.name];
    if (!provider) continue; // a program the example starts itself (tmux, chromium): being installed is enough
    if (!services.has(need.name)) services.set(need.name, provider());
    Object.assign(env, (await services.get(need.name)).env);
  }
  return env;
}

const tty = process.stdout.isTTY;
const rows = [];
const known = new Map(runtimes.map((runtime) => [runtime.name, runtime]));
const cells = examples.flatMap((example) => (example.declared ? example.runtimes.filter((name) => !onlyRuntime || name === onlyRuntime).map((name) => ({ example, name })) : []));
const started = performance.now();
const versions = runtimes.map((r) => `${r.name} ${runtimeVersion(r) ?? "(not installed)"}`).join(", ");
// The speedups the examples print depend on free cores: say how busy the machine is.
const machine = () => `${availableParallelism()} cores, load average ${loadavg()[0].toFixed(1)}`;
console.log(`offloop demo: ${examples.length} examples, ${cells.length} runs, one at a time; ${versions} (Node: ${relative(root, nodeCommand) || nodeCommand}); ${machine()}\n`);

let done = 0;
try {
  for (const example of examples) {
    if (!example.declared) {
      rows.push({ example: example.name, runtime: "-", status: "not in the demo", detail: 'no "offloop" field in its package.json (see scripts/example-runtimes.mjs)' });
      continue;
    }
    for (const { name } of cells.filter((cell) => cell.example === example)) {
      const label = `[${String(++done).padStart(2)}/${cells.length}] ${example.name} on ${name}`;
      const row = { example: example.name, runtime: name };
      rows.push(row);
      const runtime = known.get(name);
      const missing = missingNeeds(example);
      const why = missing.length
        ? `needs ${missing.map((need) => need.name).join(" and ")}: ${missing.map((need) => need.install).join("; ")}`
        : runtime
          ? unavailable(runtime, example.dir)
          : example.demo.driver
            ? undefined // a runtime only its driver knows (a browser)
            : `unknown runtime ${name} (known: ${[...known.keys()].join(", ")})`;
      if (why) {
        Object.assign(row, { status: why.startsWith("adapter missing") ? "adapter missing" : "not installed", detail: why });
        console.log(`${label.padEnd(46)} ${why}`);
        continue;
      }
      let env;
      try {
        env = await provide(example);
      } catch (error) {
        Object.assign(row, { status: "FAIL", detail: error.message });
        console.log(`${label.padEnd(46)} FAIL: ${error.message}`);
        continue;
      }
      let ticker;
      if (tty) {
        const t0 = performance.now();
        const draw = () => process.stdout.write(`\r${label.padEnd(46)} running ${((performance.now() - t0) / 1000).toFixed(1)} s`);
        draw();
        ticker = setInterval(draw, 200);
      }
      const result = example.demo.driver
        ? await runExample(driverNode, example.dir, example.demo.driver, { args: example.demo.args.map((arg) => arg.replaceAll("{runtime}", name)), env, timeout: example.timeout })
        : await runExample(runtime, example.dir, example.demo.file, { env, timeout: example.timeout });
      clearInterval(ticker);
      const ok = result.code === 0 && !result.timedOut;
      const seconds = `${(result.ms / 1000).toFixed(1)} s`;
      Object.assign(row, ok ? { status: "ok", time: seconds, detail: headline(result.stdout) ?? "(it printed no headline: line)" } : { status: "FAIL", time: seconds, detail: failureReason(result) });
      const line = `${label.padEnd(46)} ${ok ? `ok ${seconds}` : `FAIL ${seconds}`}: ${row.detail}`;
      if (tty) process.stdout.write(`\r\x1b[2K${line}\n`);
      else console.log(line);
      // The last lines of a failing run, to see why without running it again.
      if (!ok) for (const tail of `${result.stdout}\n${result.stderr}`.trim().split("\n").slice(-6)) console.log(`      | ${tail}`);
    }
  }
} finally {
  for (const service of services.values()) await (await service.catch(() => undefined))?.stop();
}

// The table: one row per example and runtime.
const header = ["example", "runtime", "result", "headline (what the example printed) or why not"];
const table = rows.map((row, i) => [
  i > 0 && rows[i - 1].example === row.example ? "" : row.example,
  row.runtime,
  row.status === "ok" || row.status === "FAIL" ? `${row.status} ${row.time}` : row.status,
  row.detail.length > 160 ? `${row.detail.slice(0, 159)}…` : row.detail,
]);
const widths = header.map((_, i) => Math.max(...[header, ...table].map((row) => row[i].length)));
const format = (row) => `| ${row.map((cell, i) => cell.padEnd(widths[i])).join(" | ")} |`;
console.log(`\n${format(header)}\n|${widths.map((w) => "-".repeat(w + 2)).join("|")}|`);
for (const row of table) console.log(format(row));

const count = (status) => rows.filter((row) => row.status === status).length;
console.log(
  `\n${count("ok")} ok, ${count("FAIL")} failed, ${count("adapter missing")} adapter missing, ${count("not installed")} not installed${count("not in the demo") ? `, ${count("not in the demo")} not in the demo` : ""}, in ${((performance.now() - started) / 1000).toFixed(0)} s; ${machine()}`,
);
process.exitCode = count("FAIL") + count("adapter missing") > 0 ? 1 : 0;

