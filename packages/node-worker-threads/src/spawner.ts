import { availableParallelism } from "node:os";
import { Worker, type ResourceLimits } from "node:worker_threads";
import type { Spawner } from "@offloop/core";

/** Node-only options of the thread pool. */
export interface NodeThreadOptions {
  /** Memory limits per worker; a worker over them fails its task with WorkerCrashedError and is replaced. */
  resourceLimits?: ResourceLimits;
  /** Node flags for the workers. Default: the parent's, minus flags that cannot apply to a worker (`--input-type`, `--test*`). */
  execArgv?: string[];
  /** Environment of the workers: an object, or `SHARE_ENV` from node:worker_threads. Default: a copy of the parent's. */
  env?: Record<string, string | undefined> | symbol;
}

const workerEntry = new URL("./worker.js", import.meta.url);

/** Flags that make no sense in a worker and would stop it from starting. */
function inheritedExecArgv(): string[] {
  return process.execArgv.filter((flag) => !/^--(input-type|test|eval|print)/.test(flag) && flag !== "-e" && flag !== "-p");
}

/**
 * Starts workers on `node:worker_threads`. Used by `ThreadPoolExecutor`;
 * exported for tools that build their own executor on `WorkerPool`.
 *
 * @example
 * ```ts
 * const pool = new WorkerPool({ maxWorkers: 2 }, nodeThreadSpawner({ resourceLimits: { maxOldGenerationSizeMb: 64 } }));
 * ```
 */
export function nodeThreadSpawner(options: NodeThreadOptions = {}): Spawner {
  const execArgv = options.execArgv ?? inheritedExecArgv();
  return {
    capabilities: { transfer: true, sharedMemory: true, resourceLimits: true, permissions: false, crashIsolation: true, terminatesBusyLoop: true, unref: true },
    defaultMaxWorkers: availableParallelism(),
    spawn() {
      const worker = new Worker(workerEntry, {
        execArgv,
        env: options.env as never,
        resourceLimits: options.resourceLimits,
        stdout: false,
        stderr: false,
      });
      let exited = false;
      const exitListeners: Array<(code: number | null) => void> = [];
      const exitedPromise = new Promise<void>((resolve) => {
        worker.once("exit", (code) => {
          exited = true;
          resolve();
          for (const listener of exitListeners) listener(code);
        });
      });
      return {
        send: (message, transfer) => worker.postMessage(message, transfer as never),
        onMessage: (listener) => void worker.on("message", listener),
        onError: (listener) => void worker.on("error", listener),
        onExit: (listener) => void exitListeners.push(listener),
        async terminate() {
          if (!exited) await worker.terminate();
          await exitedPromise;
        },
        ref: () => worker.ref(),
        unref: () => worker.unref(),
      };
    },
  };
}
