import { availableParallelism } from "node:os";
import { Worker, type ResourceLimits } from "node:worker_threads";
import { exitLatch, ownOptions, workerExecArgv, type Spawner } from "@offloop/core";

/** Node-only options of the thread pool. */
export interface NodeThreadOptions {
  /** Memory limits per worker; a worker over them fails its task with WorkerCrashedError and is replaced. */
  resourceLimits?: ResourceLimits;
  /**
   * Node flags for the workers. Default: the parent's flags that a worker
   * thread accepts (per-process and V8 flags such as `--max-old-space-size`
   * already apply to the whole process; `--input-type`, `-e` and `--test*`
   * would stop a worker from starting).
   */
  execArgv?: string[];
  /** Environment of the workers: an object, or `SHARE_ENV` from node:worker_threads. Default: a copy of the parent's. */
  env?: Record<string, string | undefined> | symbol;
}

const workerEntry = new URL("./worker.js", import.meta.url);

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
  const own = ownOptions(options);
  let execArgv = own.execArgv ?? workerExecArgv(process.execArgv, "thread");
  const start = () => new Worker(workerEntry, { execArgv, env: own.env as never, resourceLimits: own.resourceLimits, stdout: false, stderr: false });
  return {
    capabilities: { transfer: true, sharedMemory: true, resourceLimits: true, permissions: false, crashIsolation: true, terminatesBusyLoop: true, unref: true },
    defaultMaxWorkers: availableParallelism(),
    spawn() {
      let worker: Worker;
      try {
        worker = start();
      } catch (error) {
        // Inherited flags a worker refuses (a Node line we do not know): drop the ones Node names, once.
        const refused = own.execArgv === undefined ? refusedFlags(error) : [];
        if (refused.length === 0) throw error;
        execArgv = (execArgv ?? process.execArgv).filter((flag) => !refused.includes(flag));
        worker = start();
      }
      const latch = exitLatch();
      worker.once("exit", (code) => latch.exit(code));
      return {
        send: (message, transfer) => worker.postMessage(message, transfer as never),
        onMessage: (listener) => void worker.on("message", listener),
        onError: (listener) => void worker.on("error", listener),
        onExit: latch.onExit,
        async terminate() {
          if (!latch.isExited) await worker.terminate();
          await latch.exited;
        },
        ref: () => worker.ref(),
        unref: () => worker.unref(),
      };
    },
  };
}

/** The flags named by Node's ERR_WORKER_INVALID_EXEC_ARGV ("Initiated Worker with invalid execArgv flags: --a, --b"). */
function refusedFlags(error: unknown): string[] {
  if ((error as { code?: unknown })?.code !== "ERR_WORKER_INVALID_EXEC_ARGV") return [];
  const list = /flags: (.*)$/.exec(String((error as Error).message))?.[1];
  return list ? list.split(/,\s*/).filter((flag) => flag.startsWith("-")) : [];
}
