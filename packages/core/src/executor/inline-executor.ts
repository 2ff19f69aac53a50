import type { Transferable } from "../protocol/protocol.js";
import type { PoolOptions } from "../pool/pool-options.js";
import type { Message } from "../protocol/protocol.js";
import { serve } from "../worker/serve.js";
import type { Spawner, WorkerHandle } from "../pool/spawner.js";
import { WorkerPool } from "../pool/worker-pool.js";
import { exitLatch } from "../pool/exit-latch.js";

/**
 * A "worker" on the calling thread: messages are structured-cloned like
 * across a real thread and delivered on the microtask queue, so tasks behave
 * as they will in workers (arguments copied, errors serialized), without
 * starting any thread.
 */
function spawnInline(): WorkerHandle {
  let toPool: ((message: Message) => void) | undefined;
  let toWorker: ((message: Message) => void) | undefined;
  const latch = exitLatch();
  let alive = true;
  const deliver = (listener: (message: Message) => void, message: Message, transfer?: Transferable[]) => {
    const copy = structuredClone(message, transfer ? { transfer: transfer as never[] } : undefined);
    queueMicrotask(() => {
      if (alive) listener(copy);
    });
  };
  serve({
    postMessage: (message, transfer) => deliver((copy) => toPool?.(copy), message, transfer),
    onMessage: (listener) => (toWorker = listener),
  });
  return {
    send: (message, transfer) => deliver((copy) => toWorker?.(copy), message, transfer),
    onMessage: (listener) => (toPool = listener),
    onError: () => {},
    onExit: latch.onExit,
    async terminate() {
      if (alive) {
        alive = false;
        await Promise.resolve();
        latch.exit(0);
      }
      await latch.exited;
    },
    ref() {},
    unref() {},
  };
}

const inlineSpawner: Spawner = {
  spawn: spawnInline,
  capabilities: { transfer: true, sharedMemory: true, resourceLimits: false, permissions: false, crashIsolation: false, terminatesBusyLoop: false, unref: true },
  defaultMaxWorkers: 1,
};

/**
 * An executor that runs tasks on the calling thread, with the same contract
 * and the same copying of arguments and results as a real pool. For tests and
 * debugging: breakpoints in tasks just work. It cannot stop a task that never
 * yields, and a task that blocks, blocks the caller.
 *
 * @example
 * ```ts
 * const executor = new InlineExecutor();
 * console.log(await executor.submit((a: number, b: number) => a + b, 1, 2)); // 3
 * ```
 */
export class InlineExecutor extends WorkerPool {
  constructor(options?: PoolOptions) {
    super(options, inlineSpawner);
  }
}
