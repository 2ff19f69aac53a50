import { availableParallelism } from "node:os";
import { spawn, Worker, type ThreadsWorker } from "threads";
import { exitLatch, ownOptions, workerExecArgv, type Spawner, type SpawnerCapabilities, type WorkerHandle } from "@offloop/core";

/** threads.js's serialized form of an Error (its DefaultSerializer). */
interface ThreadsSerializedError {
  name?: string;
  message?: string;
  stack?: string;
}

/** Options of threads.js that the thread pool passes on. */
export interface ThreadsOptions {
  /** How long a new worker may take to call `expose()`, in ms: threads.js's `spawn(worker, { timeout })`. Default 10000 (or `THREADS_WORKER_INIT_TIMEOUT`). */
  spawnTimeout?: number;
  /** Memory limits per worker, which threads.js hands to `node:worker_threads`; a worker over them fails its task with WorkerCrashedError and is replaced. */
  resourceLimits?: { maxOldGenerationSizeMb?: number; maxYoungGenerationSizeMb?: number; codeRangeSizeMb?: number; stackSizeMb?: number };
}

/**
 * The built worker entry: Node's workers cannot load TypeScript, so it is
 * always the `.js` in dist. threads.js resolves the path against the file
 * of the stack frame that calls `new Worker()`, and mangles absolute paths;
 * that frame is this module's, as `dist/index.js`, as `src/spawner.ts`
 * (tsx), or source-mapped back to `src/spawner.ts` (Deno maps call sites),
 * so a path that climbs out of the folder works from all three.
 */
const workerEntry = "../dist/worker.js";

/**
 * threads.js runs on `node:worker_threads` under Node, Bun and Deno, and
 * inherits what each runtime's version of it can do: Bun and Deno ignore
 * `resourceLimits`, and Deno's `terminate()` cannot stop a busy thread.
 */
function capabilitiesHere(): SpawnerCapabilities {
  const host = globalThis as { Deno?: unknown; Bun?: unknown };
  const node = host.Deno === undefined && host.Bun === undefined;
  return { transfer: true, sharedMemory: true, resourceLimits: node, permissions: false, crashIsolation: true, terminatesBusyLoop: host.Deno === undefined, unref: true };
}

/** threads.js reports an uncaught error in a worker as a message; re-make the Error. */
function errorFrom(serialized: ThreadsSerializedError | undefined): Error {
  const error = new Error(serialized?.message ?? "Uncaught error in a threads.js worker");
  if (serialized?.name) error.name = serialized.name;
  if (serialized?.stack) error.stack = serialized.stack;
  return error;
}

/**
 * Starts workers with threads.js: `new Worker(entry)` and `spawn(worker)`
 * for its handshake, one threads.js worker per offloop worker. Used by
 * `ThreadPoolExecutor`; exported for tools that build their own executor
 * on `WorkerPool`.
 *
 * @example
 * ```ts
 * import { WorkerPool } from "@offloop/core";
 * import { threadsSpawner } from "@offloop/threads";
 * const pool = new WorkerPool({ maxWorkers: 2 }, threadsSpawner({ spawnTimeout: 30_000 }));
 * ```
 */
export function threadsSpawner(options: ThreadsOptions = {}): Spawner {
  options = ownOptions(options);
  // Only flags a worker thread takes (undefined: Node passes the parent's own on itself).
  const execArgv = workerExecArgv(process.execArgv, "thread");
  return {
    capabilities: capabilitiesHere(),
    defaultMaxWorkers: availableParallelism(),
    spawn({ name }) {
      const worker = new Worker(workerEntry, { name, execArgv, resourceLimits: options.resourceLimits, stdout: false, stderr: false });
      return threadsWorkerHandle(worker, options.spawnTimeout);
    },
  };
}

function threadsWorkerHandle(worker: ThreadsWorker, spawnTimeout: number | undefined): WorkerHandle {
  const messageListeners: Array<(message: unknown[]) => void> = [];
  const errorListeners: Array<(error: unknown) => void> = [];
  const latch = exitLatch();
  let failed = false;

  /** threads.js keeps a worker alive after an uncaught error (it only reports it): end it, as Node would have. */
  const fail = (error: unknown) => {
    if (failed || latch.isExited) return;
    failed = true;
    for (const listener of errorListeners) listener(error);
    void worker.terminate();
  };

  worker.addEventListener("message", ({ data }) => {
    if (Array.isArray(data)) for (const listener of messageListeners) listener(data);
    else if (data?.type === "uncaughtError") fail(errorFrom(data.error));
  });
  worker.addEventListener("error", ({ data }) => fail(data));
  worker.addEventListener("exit", ({ data: code }) => latch.exit(typeof code === "number" ? code : null));
  // threads.js's handshake: the worker calls expose(); a worker that never does is a start failure.
  spawn(worker, spawnTimeout === undefined ? undefined : { timeout: spawnTimeout }).catch(fail);

  return {
    send: (message, transfer) => worker.postMessage(message, transfer),
    onMessage: (listener) => void messageListeners.push(listener),
    onError: (listener) => void errorListeners.push(listener),
    onExit: latch.onExit,
    async terminate() {
      if (!latch.isExited) await worker.terminate();
      await latch.exited;
    },
    ref: () => worker.ref?.(),
    unref: () => worker.unref?.(),
  };
}
