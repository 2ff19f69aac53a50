// Simulated workers for the engine's tests: each runs the real worker side (`serve` from
// @offloop/core/worker) on this thread, with messages structured-cloned (with their transfer lists)
// and delivered on microtasks, as across a real thread. A worker can exit from inside a task (it
// says its last words first, like the exit hooks) or be killed (messages on their way are lost).
// Shared by pool-model.test.ts and the focused WorkerPool tests.
import { OP, opName, splitRecords, type Spawner, type SpawnerCapabilities, type WorkerHandle } from "@offloop/core";
import { serve, taskContext, type ServedWorker } from "@offloop/core/worker";

/** Thrown through a task's stack by a simulated process.exit, as a real exit never returns. */
export class SimulatedExit extends Error {}

export interface SimulatedWorkersOptions {
  /** Whether workers count the tasks they take up in shared memory (capabilities.sharedMemory). Default false. */
  sharedMemory?: boolean;
  /** Overrides of the spawner's capabilities. */
  capabilities?: Partial<SpawnerCapabilities>;
  defaultMaxWorkers?: number;
  defaultIdleTimeout?: number;
  /** Called before each worker starts; what it throws, `spawn` throws (the host refuses to start a worker). */
  beforeSpawn?: (info: { workerId: number; name: string }) => void;
  /** Called with each message the pool sends, before it is copied; what it throws, `send` throws (a closed channel). */
  beforeSend?: (message: unknown[], worker: SimWorker) => void;
  /** Rewrites each message a worker sends (after it was copied), e.g. to speak another protocol version. */
  toPool?: (message: unknown[], worker: SimWorker) => unknown[];
  /** While it returns true, messages to the pool wait in `held` (posted, not yet dispatched) until `releaseHeld()`. */
  holdToPool?: (worker: SimWorker) => boolean;
  /** Handles offer `receiveSync` when the pool asks for it (callerSpinMicroseconds): it takes the oldest held message, else the oldest posted one not yet delivered. */
  receiveSync?: boolean;
}

/** One simulated worker. */
export class SimWorker {
  alive = true;
  outgoingOpen = true;
  /** Every message the worker received, as it received it (copied). */
  readonly received: unknown[][] = [];
  /** Every message the worker sent, as the pool received it. */
  readonly sent: unknown[][] = [];
  exitCode: number | null | undefined;
  toPool: ((message: unknown[]) => void) | undefined;
  toWorker: ((message: unknown[]) => void) | undefined;
  readonly exitListeners: Array<(code: number | null) => void> = [];
  readonly served: ServedWorker;
  /** Messages posted to the pool and not dispatched yet (see holdToPool); a kill loses them, as a web Worker's terminate() does. */
  readonly held: unknown[][] = [];
  /** With receiveSync: messages posted to the pool and not yet delivered or taken. */
  readonly posted: unknown[][] = [];

  constructor(
    readonly workerId: number,
    readonly name: string,
    private readonly harness: Harness,
  ) {
    this.served = serve({
      postMessage: (message, transfer) => {
        if (!this.outgoingOpen) return;
        let copy = structuredClone(message, transfer ? { transfer: transfer as never[] } : undefined) as unknown[];
        if (harness.options.toPool) copy = harness.options.toPool(copy, this);
        if (harness.options.holdToPool?.(this)) {
          this.held.push(copy);
          return;
        }
        if (harness.options.receiveSync) {
          // As on a real port: each message reaches the pool once, by a microtask or by receiveSync, in order.
          this.posted.push(copy);
          queueMicrotask(() => {
            const next = this.posted.shift();
            if (next === undefined || !this.toPool) return;
            this.sent.push(next);
            this.toPool(next);
          });
          return;
        }
        queueMicrotask(() => {
          if (!this.toPool) return;
          this.sent.push(copy);
          this.toPool(copy);
        });
      },
      onMessage: (listener) => (this.toWorker = listener),
    });
  }

  /** The pool sends a message: copied now (a value that cannot be copied throws, as postMessage does), delivered on a microtask. */
  deliver(message: unknown[], transfer?: unknown[]): void {
    if (!this.alive) return;
    const copy = structuredClone(message, transfer ? { transfer: transfer as never[] } : undefined) as unknown[];
    queueMicrotask(() => {
      if (!this.alive) return;
      this.received.push(copy);
      const previous = this.harness.current;
      this.harness.current = this;
      try {
        this.toWorker?.(copy);
      } catch (error) {
        if (!(error instanceof SimulatedExit)) throw error;
      } finally {
        this.harness.current = previous;
      }
    });
  }

  /** Dispatches the held messages to the pool, in order. */
  releaseHeld(): void {
    for (const message of this.held.splice(0)) {
      if (!this.toPool) return;
      this.sent.push(message);
      this.toPool(message);
    }
  }

  /** Ends the worker; `lost`: a kill nothing intercepts, so messages on their way are lost. */
  die(code: number, lost: boolean): void {
    if (!this.alive) return;
    this.alive = false;
    this.outgoingOpen = false;
    this.exitCode = code;
    this.harness.live.delete(this);
    if (lost) {
      this.toPool = undefined;
      this.held.length = 0;
      this.posted.length = 0;
    }
    // A dead worker runs nothing more: stop its server (its own timers, e.g. a long batch's next slice,
    // would otherwise go on taking up tasks on this thread). Its last words go nowhere: outgoing is closed.
    this.served.flushBeforeExit(true);
    // After whatever it flushed: microtasks run in order.
    queueMicrotask(() => {
      for (const listener of this.exitListeners) listener(code);
    });
  }

  /** The records of every message this worker received, e.g. `records("run")` (which counts "run1" records too, as "run" records). */
  records(op: string): unknown[][] {
    const all = this.received.flatMap(recordsOf).map((record) => (record[0] === "run1" ? ["run", record[1], record[2], [record[3]], record[4]] : record));
    return all.filter((record) => record[0] === op);
  }
}

/**
 * Splits a message into its records, each with its op's name in place of
 * its code (`[OP.ok, 7, 42]` reads `["ok", 7, 42]`): what tests compare.
 */
export function recordsOf(message: unknown[]): unknown[][] {
  return splitRecords(message).map(([op, ...fields]) => [opName(op), ...fields]);
}

/** Fields after each op (protocol.ts), to write records by name. */
const FIELDS: Record<string, number> = { hello: 6, module: 3, source: 2, init: 2, run: 4, run1: 4, chunk: 4, cancel: 2, ready: 1, ok: 2, error: 2, dropped: 1, progress: 2, initError: 1, exiting: 1 };

/** A message as it travels, from records written with op names: `wire("ok", 7, 42, "dropped", 8)` is `[OP.ok, 7, 42, OP.dropped, 8]`. */
export function wire(...named: unknown[]): unknown[] {
  const message: unknown[] = [];
  for (let index = 0; index < named.length; ) {
    const name = named[index] as keyof typeof OP;
    const size = FIELDS[name];
    if (size === undefined) throw new Error(`unknown op ${String(name)}`);
    message.push(OP[name], ...named.slice(index + 1, index + 1 + size));
    index += 1 + size;
  }
  return message;
}

interface Harness {
  options: SimulatedWorkersOptions;
  live: Set<SimWorker>;
  current: SimWorker | undefined;
}

export interface SimulatedWorkers {
  spawner: Spawner;
  /** Workers not yet exited. */
  live: Set<SimWorker>;
  /** Every worker started, in order. */
  spawned: SimWorker[];
  /** Kills a live worker (by index among the live ones, modulo their number): exit code 9, messages on their way lost. */
  kill(index: number): void;
  /**
   * Called from inside a running task: the worker says its last words (finished results and how
   * many tasks it took up) and exits with `code`, like process.exit in a real worker. Never returns.
   */
  exitTask(code: number): never;
}

/** Starts simulated workers for a WorkerPool (see the top of this file). */
export function simulatedWorkers(options: SimulatedWorkersOptions = {}): SimulatedWorkers {
  const harness: Harness = { options, live: new Set(), current: undefined };
  const byId = new Map<number, SimWorker>();
  const spawned: SimWorker[] = [];
  const spawner: Spawner = {
    capabilities: {
      transfer: true,
      sharedMemory: options.sharedMemory ?? false,
      resourceLimits: false,
      permissions: false,
      crashIsolation: true,
      terminatesBusyLoop: true,
      unref: true,
      ...options.capabilities,
    },
    defaultMaxWorkers: options.defaultMaxWorkers ?? 2,
    defaultIdleTimeout: options.defaultIdleTimeout,
    spawn(info): WorkerHandle {
      options.beforeSpawn?.(info);
      const worker = new SimWorker(info.workerId, info.name, harness);
      harness.live.add(worker);
      byId.set(info.workerId, worker);
      spawned.push(worker);
      return {
        send: (message, transfer) => {
          options.beforeSend?.(message, worker);
          worker.deliver(message, transfer);
        },
        onMessage: (listener) => (worker.toPool = listener),
        onError: () => {},
        onExit: (listener) => void worker.exitListeners.push(listener),
        async terminate() {
          worker.die(1, true);
          await Promise.resolve();
        },
        ref() {},
        unref() {},
        ...(options.receiveSync && info.receiveSync
          ? {
              receiveSync: () => {
                const message = worker.held.shift() ?? (worker.toPool ? worker.posted.shift() : undefined);
                if (message) worker.sent.push(message);
                return message;
              },
            }
          : {}),
      };
    },
  };
  return {
    spawner,
    live: harness.live,
    spawned,
    kill: (index) => [...harness.live][index % Math.max(1, harness.live.size)]?.die(9, true),
    exitTask(code) {
      // The worker running the task: during a delivery, or (for a task started later, e.g. after a slice) by its id.
      const worker = harness.current ?? byId.get(taskContext().workerId);
      if (!worker) throw new Error("exitTask outside a task");
      worker.served.flushBeforeExit(true);
      worker.die(code, false);
      throw new SimulatedExit("exited");
    },
  };
}

/** Lets every queued microtask and one macrotask turn run. */
export const macrotask = (): Promise<void> => new Promise((resolve) => setTimeout(resolve, 0));

/** Waits (in macrotask turns, never wall-clock time) until `condition()` holds; throws after 200 turns. */
export async function until(condition: () => boolean, what = "the condition"): Promise<void> {
  for (let turn = 0; turn < 200; turn++) {
    if (condition()) return;
    await macrotask();
  }
  throw new Error(`${what} did not hold after 200 turns`);
}
