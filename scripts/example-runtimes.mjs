// How to run an example on Node, Bun and Deno, and whether `offloop` has an
// adapter for that runtime yet. Shared by `scripts/demo.mjs` and the tests
// under examples/*/test, so that both run an example the same way.
import { spawn, spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

export const root = fileURLToPath(new URL("..", import.meta.url));
// The runtimes' own binaries, not the node_modules/.bin shims: the deno shim is
// a Node process that spawns deno, and killing the shim would orphan deno.
const binaries = { bun: "node_modules/bun/bin/bun.exe", deno: "node_modules/deno/deno" };
const bin = (name) => (existsSync(join(root, binaries[name])) ? join(root, binaries[name]) : join(root, "node_modules", ".bin", name));

/**
 * The three runtimes. `args(file)` is the command line that runs a TypeScript
 * entry file (Node needs tsx for the main file; task modules are `.mjs`, since
 * Node 20 workers cannot load TypeScript).
 */
export const runtimes = [
  { name: "node", command: process.execPath, args: (file) => ["--import", "tsx", file] },
  { name: "bun", command: bin("bun"), args: (file) => [file] },
  { name: "deno", command: bin("deno"), args: (file) => ["run", "-A", file] },
];

/** Environment for example runs: no colours, so that output can be matched. */
export const plainEnv = { ...process.env, NO_COLOR: "1", FORCE_COLOR: "0" };

const installedCache = new Map();
/** Whether the runtime's binary runs here. */
export function isInstalled(runtime) {
  if (!installedCache.has(runtime.name)) {
    const probe = spawnSync(runtime.command, ["--version"], { stdio: "ignore", timeout: 20_000 });
    installedCache.set(runtime.name, probe.status === 0);
  }
  return installedCache.get(runtime.name);
}

const adapterCache = new Map();
/**
 * Which runtime the `offloop` umbrella serves when imported by this runtime
 * from `cwd` (its `runtime` export). Until the umbrella has a `bun` or `deno`
 * export condition, Bun and Deno get the Node entry, and this says "node".
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
 * Why an example cannot run on this runtime here ("not installed",
 * "adapter missing"), or undefined when it can.
 */
export function unavailable(runtime, cwd) {
  if (!isInstalled(runtime)) return `${runtime.name} not installed`;
  const served = adapterRuntime(runtime, cwd);
  if (served !== runtime.name) return `adapter missing (offloop serves ${served} on ${runtime.name})`;
  return undefined;
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
