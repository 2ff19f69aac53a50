import { receiveMessageOnPort } from "node:worker_threads";
import { setTimerUnref, webWorkerSpawner, type Spawner } from "@offloop/core";
import { MISSING_FLAG_MESSAGE, workerOptionsFlag, type DenoHostInfo } from "./unstable-flag.js";

/** One Deno permission: `"inherit"` (the parent's), `true`/`false`, or a list of paths, hosts or names. */
export type DenoPermissionValue = "inherit" | boolean | Array<string | URL>;

/** The permissions of the pool's workers, as Deno's `Worker` takes them; a key left out is denied. */
export interface DenoPermissions {
  read?: DenoPermissionValue;
  write?: DenoPermissionValue;
  net?: DenoPermissionValue;
  env?: DenoPermissionValue;
  run?: DenoPermissionValue;
  ffi?: DenoPermissionValue;
  sys?: DenoPermissionValue;
  import?: DenoPermissionValue;
}

/** Deno-only options of the thread pool. */
export interface DenoWorkerOptions {
  /**
   * A permission sandbox for the workers: `"inherit"` (default: the
   * process's own), `"none"`, or per-permission values. A key left out is
   * denied. Needs `--unstable-worker-options` or `"unstable":
   * ["worker-options"]` in deno.json.
   */
  permissions?: "inherit" | "none" | DenoPermissions;
}

type DenoHost = DenoHostInfo & { unrefTimer(id: number): void };

/** The worker entry beside this module: `worker.ts` when run from source (Deno runs TypeScript), `worker.js` when built. */
const workerEntry = new URL(import.meta.url.endsWith(".ts") ? "./worker.ts" : "./worker.js", import.meta.url);

const permissionNames = new Set(["read", "write", "net", "env", "run", "ffi", "sys", "import"]);

/**
 * Idle workers are stopped after this many ms unless `idleTimeout` says
 * otherwise: Deno's web Worker cannot be unref'd, so a live idle worker
 * would keep the process from exiting.
 */
export const DENO_IDLE_TIMEOUT = 100;

/**
 * Starts workers on Deno's web `Worker` (`type: "module"`), optionally in a
 * permission sandbox. Used by `ThreadPoolExecutor`; exported for tools that
 * build their own executor on `WorkerPool`.
 *
 * @example
 * ```ts
 * import { WorkerPool } from "@offloop/core";
 * import { denoWorkerSpawner } from "@offloop/deno-worker";
 * const pool = new WorkerPool({ maxWorkers: 2 }, denoWorkerSpawner({ permissions: { read: ["./data"] } }));
 * ```
 */
export function denoWorkerSpawner(options: DenoWorkerOptions = {}): Spawner {
  const permissions = checkPermissions(options.permissions);
  const deno = (globalThis as { Deno?: DenoHost }).Deno;
  if (permissions !== undefined && deno && workerOptionsFlag(deno) === "disabled") throw new Error(MISSING_FLAG_MESSAGE);
  // Deno 2 timers have unref(); older ones are numbers that Deno.unrefTimer takes.
  if (deno) setTimerUnref((handle) => (typeof handle === "number" ? deno.unrefTimer(handle) : (handle as { unref?: () => void } | null)?.unref?.()));
  return webWorkerSpawner({
    entry: workerEntry,
    workerOptions: permissions === undefined ? undefined : { deno: { permissions } },
    // terminate() does not stop a busy loop on Deno (the thread spins on), a web Worker has no unref(), and resourceLimits are ignored.
    capabilities: { transfer: true, sharedMemory: true, resourceLimits: false, permissions: true, terminatesBusyLoop: false, crashIsolation: true, unref: false },
    defaultIdleTimeout: DENO_IDLE_TIMEOUT,
    // Pool and worker talk over a MessageChannel whose ends Deno reads synchronously: workers spin for
    // their next task (spinMicroseconds), callers can spin for results, and what a worker posted before
    // terminate() is read to the end (Deno drops it from the Worker's own channel).
    receiveMessageOnPort,
  });
}

/** The permissions to pass to Deno, or undefined for the default (inherit); a TypeError naming what is wrong. */
function checkPermissions(value: DenoWorkerOptions["permissions"]): "none" | DenoPermissions | undefined {
  if (value === undefined || value === "inherit") return undefined;
  if (value === "none") return value;
  if (typeof value !== "object" || value === null || Array.isArray(value)) {
    throw new TypeError(`Expected permissions to be "inherit", "none" or an object such as { read: ["./data"], net: false }, got ${JSON.stringify(value)}`);
  }
  for (const [name, granted] of Object.entries(value)) {
    if (!permissionNames.has(name)) throw new TypeError(`Unknown permission ${JSON.stringify(name)}; expected one of ${[...permissionNames].join(", ")}`);
    const ok = granted === undefined || granted === "inherit" || typeof granted === "boolean" || (Array.isArray(granted) && granted.every((item) => typeof item === "string" || item instanceof URL));
    if (!ok) throw new TypeError(`Expected permissions.${name} to be "inherit", a boolean or an array of strings, got ${JSON.stringify(granted)}`);
  }
  return value;
}
