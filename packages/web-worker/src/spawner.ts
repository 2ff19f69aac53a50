import { webWorkerSpawner, type Spawner, type WebWorkerLike } from "@offloop/core";

/**
 * Starts one browser `Worker` that runs the app's worker entry (a module that
 * imports the task modules and calls `serveWebWorker()`). Written in the
 * bundler's own syntax, so that Vite, webpack and esbuild find and bundle the
 * entry.
 */
export type WorkerFactory = () => WebWorkerLike;

/**
 * Starts workers with the browser's `Worker`, through the factory the app
 * gives. Used by `ThreadPoolExecutor`; exported for tools that build their
 * own executor on `WorkerPool`.
 *
 * Browsers stop a busy worker on `terminate()`, so cancellation and
 * timeouts really stop running code. `SharedArrayBuffer` is there only on a
 * cross-origin isolated page (COOP/COEP headers; see the README), and
 * `sharedMemory` says whether it is.
 *
 * @example
 * ```ts
 * import { WorkerPool } from "@offloop/core";
 * import { browserWorkerSpawner } from "@offloop/web-worker";
 * const spawner = browserWorkerSpawner(() => new Worker(new URL("./worker.js", import.meta.url), { type: "module" }));
 * const pool = new WorkerPool({ maxWorkers: 2 }, spawner);
 * ```
 */
export function browserWorkerSpawner(worker: WorkerFactory): Spawner {
  if (typeof worker !== "function") {
    throw new TypeError(
      'Expected worker to be a function that starts your worker entry, e.g. worker: () => new Worker(new URL("./worker.js", import.meta.url), { type: "module" })',
    );
  }
  const host = globalThis as { crossOriginIsolated?: boolean; navigator?: { hardwareConcurrency?: number } };
  return webWorkerSpawner({
    createWorker: () => {
      const started = worker();
      if (!started || typeof started.postMessage !== "function" || typeof started.terminate !== "function") {
        throw new TypeError(`Expected the worker factory to return a Worker, got ${started === null ? "null" : typeof started}`);
      }
      return started;
    },
    capabilities: {
      transfer: true,
      // SharedArrayBuffer exists (and can be sent to a worker) only on a cross-origin isolated page.
      sharedMemory: host.crossOriginIsolated === true && typeof SharedArrayBuffer === "function",
      resourceLimits: false,
      permissions: false,
      terminatesBusyLoop: true,
      crashIsolation: true,
      // A page does not wait for its workers to end; there is nothing to unref.
      unref: false,
    },
    defaultMaxWorkers: host.navigator?.hardwareConcurrency,
    // Browsers fire nothing once a worker is gone, and Chromium stops a busy worker only ~2 s after
    // terminate(): the worker holds a Web Lock until it is really gone, and its exit is reported then.
    exitLock: true,
  });
}
