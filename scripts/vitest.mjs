#!/usr/bin/env node
// Runs vitest itself on each runtime asked for, one after the other, and
// writes one JSON report per run to <root>/.test-reports/ (scripts/test.mjs
// adds them up). Every runtime runs even when an earlier one failed; the exit
// code is 1 if any of them failed.
//
//   node ../../scripts/vitest.mjs --runtimes node,bun,deno [vitest args]   (from a package)
//   node scripts/vitest.mjs --auto [--project NAME]... [vitest args]       (from the root)
//
// Runtimes: node (the machine's Node, found on PATH outside node_modules/.bin,
// which holds Node 24 here), node22, node24 (the npm binaries in
// node_modules/node22 and node_modules/node24), bun (`bun --bun`: `bunx
// vitest` would silently run Node), deno (`deno run -A`, vitest's default
// forks pool; its threads pool exits 1 on Deno).
//
// --auto runs the root vitest.config.ts and picks each project's runtimes from
// its package's `test` script (the `--runtimes` given there), so
// `pnpm vitest --project deno-worker -t maxQueue` runs on Deno. `--runtimes`
// next to --auto narrows that to the runtimes named.
//
// `watch` / `--watch` / `-w` runs vitest in watch mode instead of `run`;
// that needs exactly one runtime.
import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, readFileSync, readdirSync, statSync } from "node:fs";
import { delimiter, dirname, join, relative, resolve, sep } from "node:path";
import { fileURLToPath } from "node:url";

const root = resolve(dirname(fileURLToPath(import.meta.url)), "..");
const vitest = join(root, "node_modules", "vitest", "vitest.mjs");
// OFFLOOP_TEST_REPORTS: where the reports go (scripts/test.mjs gives each `pnpm test` its own
// folder, so a package run by hand in the same checkout meanwhile does not overwrite its counts).
const reports = process.env.OFFLOOP_TEST_REPORTS ? resolve(process.env.OFFLOOP_TEST_REPORTS) : join(root, ".test-reports");
const KNOWN = ["node", "node22", "node24", "bun", "deno"];

const argv = process.argv.slice(2);
let runtimes;
let auto = false;
let watch = false;
const passThrough = [];
const projects = [];
for (let index = 0; index < argv.length; index++) {
  const arg = argv[index];
  if (arg === "--runtimes" || arg === "--runtime") runtimes = splitList(argv[++index]);
  else if (arg.startsWith("--runtimes=") || arg.startsWith("--runtime=")) runtimes = splitList(arg.slice(arg.indexOf("=") + 1));
  else if (arg === "--auto") auto = true;
  else if (arg === "watch" || arg === "dev" || arg === "--watch" || arg === "-w") watch = true;
  else if (arg === "run" && passThrough.length === 0) continue; // `vitest run` is the default
  else {
    if (arg === "--project") projects.push(argv[index + 1]);
    else if (arg.startsWith("--project=")) projects.push(arg.slice("--project=".length));
    passThrough.push(arg);
  }
}

/** Each runtime and the vitest arguments it gets. */
let plan;
if (auto) {
  const table = projectRuntimes();
  const chosen = projects.length > 0 ? projects : Object.keys(table);
  const unknown = chosen.filter((name) => !table[name] && !name.includes("*"));
  if (unknown.length > 0) fail(`unknown project(s): ${unknown.join(", ")}; projects: ${Object.keys(table).join(", ")}`);
  const matching = (pattern) => Object.keys(table).filter((name) => new RegExp(`^${pattern.split("*").map(escape).join(".*")}$`).test(name));
  const byRuntime = new Map();
  for (const pattern of chosen) {
    for (const name of matching(pattern)) {
      for (const runtime of table[name]) {
        if (runtimes && !runtimes.includes(runtime)) continue;
        if (!byRuntime.has(runtime)) byRuntime.set(runtime, []);
        if (!byRuntime.get(runtime).includes(name)) byRuntime.get(runtime).push(name);
      }
    }
  }
  const withoutProjects = stripProjects(passThrough);
  plan = KNOWN.filter((runtime) => byRuntime.has(runtime)).map((runtime) => ({
    runtime,
    args: [...byRuntime.get(runtime).flatMap((name) => ["--project", name]), ...withoutProjects],
    cwd: root,
    label: "root",
  }));
  if (plan.length === 0) fail(`no project runs on ${runtimes?.join(",") ?? "any runtime"}`);
} else {
  if (!runtimes || runtimes.length === 0) fail("give --runtimes node,bun,deno (or --auto from the root)");
  const label = packageLabel(process.cwd());
  plan = runtimes.map((runtime) => ({ runtime, args: passThrough, cwd: process.cwd(), label }));
}
for (const { runtime } of plan) if (!KNOWN.includes(runtime)) fail(`unknown runtime "${runtime}"; known: ${KNOWN.join(", ")}`);
if (watch && plan.length !== 1) fail(`watch mode needs exactly one runtime (add --runtimes ${plan[0]?.runtime ?? "node"})`);

mkdirSync(auto ? join(reports, "auto") : reports, { recursive: true });
const failed = [];
for (const { runtime, args, cwd, label } of plan) {
  // --auto runs (a contributor's) write to .test-reports/auto/, which scripts/test.mjs does not add up.
  const report = join(auto ? join(reports, "auto") : reports, `${label}--${runtime}.json`);
  const vitestArgs = [watch ? "watch" : "run", ...args];
  if (!watch) vitestArgs.push("--reporter=default", "--reporter=json", `--outputFile.json=${report}`);
  const { command, commandArgs, env } = launch(runtime, vitestArgs);
  const shown = (path) => (path.startsWith(root) ? relative(root, path) : path);
  console.log(`\n▶ vitest on ${runtime} (${relative(root, cwd) || "."}): ${[shown(command), ...commandArgs.map(shown)].join(" ")}`);
  const started = Date.now();
  const result = spawnSync(command, commandArgs, { cwd, env, stdio: "inherit" });
  const seconds = ((Date.now() - started) / 1000).toFixed(1);
  if (result.error) {
    console.error(`✗ vitest on ${runtime} did not start: ${result.error.message}`);
    failed.push(runtime);
  } else if (result.status !== 0) {
    console.error(`✗ vitest on ${runtime} failed (exit ${result.status ?? result.signal}) after ${seconds} s`);
    failed.push(runtime);
  } else {
    console.log(`✓ vitest on ${runtime} passed in ${seconds} s`);
  }
}
if (plan.length > 1) console.log(failed.length > 0 ? `\n✗ failed on: ${failed.join(", ")}` : `\n✓ passed on: ${plan.map(({ runtime }) => runtime).join(", ")}`);
process.exit(failed.length > 0 ? 1 : 0);

/** The command line and environment that run vitest on `runtime`. */
function launch(runtime, vitestArgs) {
  const base = { ...process.env };
  // Deno colours its output under any FORCE_COLOR (even "0"); tests that read a child's output want it plain.
  delete base.FORCE_COLOR;
  base.NO_COLOR = "1";
  switch (runtime) {
    case "node":
    case "node22":
    case "node24": {
      const node = runtime === "node" ? machineNode() : join(root, "node_modules", runtime, "bin", "node");
      if (!existsSync(node)) fail(`no ${runtime} binary at ${node} (run pnpm install)`);
      // Children that run `node` (or process.execPath) get the same Node as the tests.
      return { command: node, commandArgs: [vitest, ...vitestArgs], env: withPathFirst(base, dirname(node)) };
    }
    case "bun": {
      const bun = join(root, "node_modules", ".bin", "bun");
      return { command: bun, commandArgs: ["--bun", vitest, ...vitestArgs], env: base };
    }
    case "deno": {
      const deno = join(root, "node_modules", ".bin", "deno");
      // The root deno.json enables "worker-options" (deno-worker's resource limits); the flag says so on
      // the command line too, for a package that is not in the deno.json workspace.
      return { command: deno, commandArgs: ["run", "-A", "--unstable-worker-options", vitest, ...vitestArgs], env: base };
    }
  }
  fail(`unknown runtime ${runtime}`);
}

/** The machine's Node: the first `node` on PATH outside a node_modules/.bin (pnpm puts Node 24 there). */
function machineNode() {
  for (const directory of (process.env.PATH ?? "").split(delimiter)) {
    if (!directory || directory.split(sep).includes("node_modules")) continue;
    const candidate = join(directory, "node");
    try {
      if (statSync(candidate).isFile()) return candidate;
    } catch {}
  }
  return process.execPath;
}

function withPathFirst(env, directory) {
  return { ...env, PATH: [directory, ...(env.PATH ?? "").split(delimiter).filter((entry) => entry !== directory)].join(delimiter) };
}

/** A file-name-safe label for the package in `directory`: "@offloop/core" → "offloop-core". */
function packageLabel(directory) {
  try {
    const { name } = JSON.parse(readFileSync(join(directory, "package.json"), "utf8"));
    if (name) return name.replace(/^@/, "").replace(/[^A-Za-z0-9._-]+/g, "-");
  } catch {}
  return relative(root, directory).replace(/[^A-Za-z0-9._-]+/g, "-") || "root";
}

/**
 * Project name → runtimes, for every package with a vitest.config.* (the
 * root vitest.config.ts lists the same folders): the project is named after
 * the folder, and its runtimes are the `--runtimes` of its `test` script.
 */
function projectRuntimes() {
  const table = {};
  for (const group of ["packages", "internal", "examples"]) {
    const groupDir = join(root, group);
    if (!existsSync(groupDir)) continue;
    for (const name of readdirSync(groupDir).sort()) {
      const dir = join(groupDir, name);
      if (!["ts", "mts", "js", "mjs"].some((ext) => existsSync(join(dir, `vitest.config.${ext}`)))) continue;
      let script = "";
      try {
        script = JSON.parse(readFileSync(join(dir, "package.json"), "utf8")).scripts?.test ?? "";
      } catch {}
      const match = /--runtimes[= ]([A-Za-z0-9,]+)/.exec(script);
      table[group === "examples" ? `example-${name}` : name] = match ? splitList(match[1]) : ["node"];
    }
  }
  return table;
}

function stripProjects(args) {
  const out = [];
  for (let index = 0; index < args.length; index++) {
    if (args[index] === "--project") index++;
    else if (!args[index].startsWith("--project=")) out.push(args[index]);
  }
  return out;
}

function splitList(value) {
  return (value ?? "").split(",").map((item) => item.trim()).filter(Boolean);
}

function escape(text) {
  return text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}

function fail(message) {
  console.error(`scripts/vitest.mjs: ${message}`);
  process.exit(2);
}
