import { availableParallelism } from "node:os";
import { MessageChannel, receiveMessageOnPort, Worker, type MessagePort, type ResourceLimits } from "node:worker_threads";
import { exitLatch, ownOptions, workerExecArgv, type Message, type Spawner } from "@offloop/core";

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
/** The workerData key of the port a worker talks to the pool on when the pool reads its messages synchronously (see worker.ts). */
const poolPortKey = "offloopPoolPort";

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
  // With a pool port, the worker talks to the pool over a MessageChannel of ours: receiveMessageOnPort can read
  // our end (Node has no synchronous receive for a Worker's own port), and a port's postMessage is cheaper than the Worker's.
  const start = (poolPort?: MessagePort) =>
    new Worker(workerEntry, {
      execArgv,
      env: own.env as never,
      resourceLimits: own.resourceLimits,
      stdout: false,
      stderr: false,
      ...(poolPort ? { workerData: { [poolPortKey]: poolPort }, transferList: [poolPort] } : {}),
    });
  return {
    capabilities: { transfer: true, sharedMemory: true, resourceLimits: true, permissions: false, crashIsolation: true, terminatesBusyLoop: true, unref: true },
    defaultMaxWorkers: availableParallelism(),
    spawn({ receiveSync }) {
      const channel = receiveSync ? new MessageChannel() : undefined;
      let worker: Worker;
      try {
        worker = start(channel?.port2);
      } catch (error) {
        // Inherited flags a worker refuses (a Node line we do not know): drop the ones Node names, once.
        const refused = own.execArgv === undefined ? refusedFlags(error) : [];
        if (refused.length === 0) throw error;
        execArgv = (execArgv ?? process.execArgv).filter((flag) => !refused.includes(flag));
        worker = start(channel?.port2);
      }
      const latch = exitLatch();
      const port = channel?.port1;
      let onMessage: (message: Message) => void = () => {};
      worker.once("exit", (code) => {
        try {
          // Node delivers what came on the Worker's own port before "exit", not on ours: read what the worker posted before it went.
          if (port) for (let taken; (taken = receiveMessageOnPort(port)); ) onMessage(taken.message as Message);
        } finally {
          port?.close();
          latch.exit(code);
        }
      });
      return {
        send: (message, transfer) => (port ?? worker).postMessage(message, transfer as never),
        onMessage(listener) {
          onMessage = listener;
          (port ?? worker).on("message", listener);
        },
        onError: (listener) => void worker.on("error", listener),
        onExit: latch.onExit,
        async terminate() {
          if (!latch.isExited) await worker.terminate();
          await latch.exited;
        },
        ref() {
          worker.ref();
          port?.ref();
        },
        unref() {
          worker.unref();
          port?.unref();
        },
        ...(port ? { receiveSync: () => receiveMessageOnPort(port)?.message as Message | undefined } : {}),
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
