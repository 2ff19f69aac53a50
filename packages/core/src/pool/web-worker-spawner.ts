import type { Message, Transferable } from "../protocol/protocol.js";
import { isExitNotice, type ExitLock, type ExitNotice } from "../protocol/exit-notice.js";
import { postTo, type PoolPort, type PortLike, type ReceiveMessageOnPort } from "../protocol/pool-port.js";
import type { Spawner, SpawnerCapabilities, WorkerHandle } from "./spawner.js";

/** What the pool calls on a web `Worker` (structural: Bun's, Deno's or a browser's). */
export interface WebWorkerLike {
  postMessage(message: unknown, transfer?: Transferable[]): void;
  addEventListener(type: string, listener: (event: any) => void): void;
  terminate(): void;
  /** Bun has it; Deno and browsers do not. */
  ref?(): void;
  /** Bun has it; Deno and browsers do not. */
  unref?(): void;
}

/** How to start web Workers for a pool: the parts that differ between hosts. */
export interface WebWorkerSpawnerOptions {
  /** The worker entry module, which calls `serveWebWorker()`; `createWorker` gets it. Optional when `createWorker` makes the Worker itself (a browser app's own worker entry). */
  entry?: URL;
  /** Extra options for `new Worker()` (e.g. Deno's `{ deno: { permissions } }`); `type: "module"` and `name` are set for you. */
  workerOptions?: Record<string, unknown>;
  capabilities: SpawnerCapabilities;
  defaultMaxWorkers?: number;
  defaultIdleTimeout?: number;
  /**
   * The event the host fires once a worker is gone, if it has one (Bun:
   * `"close"`). Without it, the exit is reported as soon as `terminate()` is
   * called or an uncaught error killed the worker.
   */
  exitEvent?: string;
  /**
   * Where the host fires nothing once a worker is gone (browsers), tell its
   * real end by a Web Lock that the worker holds (`navigator.locks`):
   * Chromium stops a worker stuck in a busy loop only ~2 s after
   * `terminate()`, and the pool should not count it gone before. Falls back
   * to reporting the exit at `terminate()` where there are no Web Locks.
   */
  exitLock?: boolean;
  /** Starts one worker; default `new globalThis.Worker(entry, options)`. `entry` is undefined when none was given. */
  createWorker?: (entry: URL | undefined, options: Record<string, unknown>) => WebWorkerLike;
  /**
   * The host's synchronous receive for a `MessagePort` (Bun's and Deno's
   * `receiveMessageOnPort` from `node:worker_threads`). Given it, the pool
   * talks to each worker over a `MessageChannel` of its own: the worker can
   * then watch for its next task (`spinMicroseconds`), the pool can take
   * results at once (`callerSpinMicroseconds`), and what a worker posted
   * before it went is read to the end before its exit is reported. The
   * worker entry must pass the same function to `serveWebWorker`.
   */
  receiveMessageOnPort?: ReceiveMessageOnPort;
}

/** Exit code reported for a worker that was terminated or died of an uncaught error (as Node reports both). */
const ABNORMAL_EXIT = 1;

/**
 * Starts workers with the web `Worker` API (Bun, Deno, browsers) for a
 * `WorkerPool`. Web Workers have no `exit` event, so the handle makes one:
 * `onExit` fires exactly once, after `terminate()` or after an uncaught
 * error (which kills a web Worker). Used by the Bun and Deno adapters.
 *
 * @example
 * ```ts
 * const spawner = webWorkerSpawner({
 *   entry: new URL("./worker.js", import.meta.url),
 *   capabilities: { transfer: true, sharedMemory: true, resourceLimits: false, permissions: false, terminatesBusyLoop: true, unref: false },
 * });
 * const pool = new WorkerPool({ maxWorkers: 2 }, spawner);
 * ```
 */
export function webWorkerSpawner(options: WebWorkerSpawnerOptions): Spawner {
  const createWorker = options.createWorker ?? defaultCreateWorker;
  return {
    capabilities: options.capabilities,
    defaultMaxWorkers: options.defaultMaxWorkers,
    defaultIdleTimeout: options.defaultIdleTimeout,
    spawn({ name }) {
      const worker = createWorker(options.entry, { ...options.workerOptions, type: "module", name });
      const lock = options.exitLock && options.exitEvent === undefined ? exitLockFor(worker) : undefined;
      return webWorkerHandle(worker, options.exitEvent, lock, channelFor(worker, options.receiveMessageOnPort));
    },
  };
}

function defaultCreateWorker(entry: URL | undefined, options: Record<string, unknown>): WebWorkerLike {
  const Worker = (globalThis as { Worker?: new (url: URL, options: Record<string, unknown>) => WebWorkerLike }).Worker;
  if (typeof Worker !== "function") throw new Error("This runtime has no global Worker; use the offloop adapter made for it");
  if (entry === undefined) throw new TypeError("webWorkerSpawner needs an entry URL or a createWorker function");
  return new Worker(entry, options);
}

/** A channel of the pool's own to a new worker (sent as its first message), where the host can receive synchronously. */
function channelFor(worker: WebWorkerLike, receive: ReceiveMessageOnPort | undefined): { port: PortLike; receive(): unknown } | undefined {
  const Channel = (globalThis as unknown as { MessageChannel?: new () => { port1: PortLike; port2: PortLike } }).MessageChannel;
  if (receive === undefined || typeof Channel !== "function") return undefined;
  const { port1, port2 } = new Channel();
  const handOver: PoolPort = { offloopPort: port2 };
  worker.postMessage(handOver, [port2 as unknown as Transferable]);
  return { port: port1, receive: () => receive(port1)?.message };
}

interface LockManagerLike {
  request(name: string, callback: () => unknown): Promise<unknown>;
}

/** How long to wait for a terminated worker's lock before reporting its exit anyway (Chromium forces a busy worker off after 2 s). */
const EXIT_LOCK_FALLBACK_MS = 10_000;
let nextLockId = 0;

/** Asks a new worker to hold a Web Lock until it is gone; undefined where the host has no Web Locks. */
function exitLockFor(worker: WebWorkerLike): { wait(): Promise<void> } | undefined {
  const locks = (globalThis as { navigator?: { locks?: LockManagerLike } }).navigator?.locks;
  if (typeof locks?.request !== "function") return undefined;
  const name = `offloop-worker-exit-${Date.now().toString(36)}-${Math.random().toString(36).slice(2)}-${nextLockId++}`;
  const request: ExitLock = { offloopExitLock: name };
  worker.postMessage(request);
  return {
    wait: () =>
      new Promise<void>((resolve) => {
        const fallback = setTimeout(resolve, EXIT_LOCK_FALLBACK_MS);
        locks.request(name, () => undefined).then(
          () => {
            clearTimeout(fallback);
            resolve();
          },
          () => {
            clearTimeout(fallback);
            resolve();
          },
        );
      }),
  };
}

function webWorkerHandle(worker: WebWorkerLike, exitEvent: string | undefined, lock?: { wait(): Promise<void> }, channel?: { port: PortLike; receive(): unknown }): WorkerHandle {
  const errorListeners: Array<(error: unknown) => void> = [];
  const exitListeners: Array<(code: number | null) => void> = [];
  let messageListener: (message: Message) => void = () => {};
  let exited = false;
  let resolveExited!: () => void;
  const exitedPromise = new Promise<void>((resolve) => (resolveExited = resolve));
  const exit = (code: number) => {
    if (exited) return;
    exited = true;
    try {
      // What the worker posted before it went is still in our port (Deno's terminate() would drop it
      // from the Worker's own channel): read it all before the exit is reported.
      if (channel) for (let message = channel.receive(); message !== undefined; message = channel.receive()) deliver(message as Message | ExitNotice);
    } finally {
      // Whatever reading it did, the exit is reported: the worker's tasks must settle.
      channel?.port.close?.();
      resolveExited();
      for (const listener of exitListeners) listener(code);
    }
  };
  const deliver = (data: Message | ExitNotice) => {
    if (!isExitNotice(data)) messageListener(data);
    else if (!exited) {
      // The worker's own exit code (a task's process.exit(3) reports 3, not 1).
      kill(data.offloopExit ?? ABNORMAL_EXIT);
    }
  };
  let gone: Promise<void> | undefined;
  /**
   * Terminates the worker. Without an exit event it reports the exit: with an
   * exit lock once the worker is really gone (with `code`), else at once.
   */
  const kill = (code = ABNORMAL_EXIT) => {
    if (gone === undefined) {
      try {
        worker.terminate();
      } catch {
        // Already gone.
      }
      gone = lock ? lock.wait() : Promise.resolve();
    }
    if (exitEvent !== undefined) return;
    if (lock) void gone.then(() => exit(code));
    else exit(code);
  };
  const fail = (error: unknown) => {
    if (exited) return;
    for (const listener of errorListeners) listener(error);
    // An uncaught error ends a web Worker; make sure it is gone and say so once.
    kill();
    if (!lock) exit(ABNORMAL_EXIT);
  };
  worker.addEventListener("error", (event: ErrorEventLike) => {
    // Unhandled, Deno re-throws a worker's error in the parent and exits.
    event.preventDefault?.();
    fail(errorFromEvent(event));
  });
  worker.addEventListener("messageerror", () => fail(new Error("A message from the worker could not be deserialized")));
  if (exitEvent !== undefined) worker.addEventListener(exitEvent, (event: { code?: number }) => exit(typeof event?.code === "number" ? event.code : ABNORMAL_EXIT));
  const target = channel?.port ?? worker;
  /** The worker's next protocol message, taken at once; its exit notice is acted on here, as when it comes by event. */
  const receiveSync = (): Message | undefined => {
    const data = channel?.receive() as Message | ExitNotice | undefined;
    if (data === undefined || !isExitNotice(data)) return data;
    deliver(data);
    return undefined;
  };
  return {
    send: (message: Message, transfer?: Transferable[]) => postTo(target, message, transfer),
    onMessage(listener) {
      messageListener = listener;
      // The Worker's own channel too: a worker entry that never took our port up still talks there.
      worker.addEventListener("message", (event: { data: Message | ExitNotice }) => deliver(event.data));
      if (channel) channel.port.onmessage = (event) => deliver(event.data as Message | ExitNotice);
    },
    onError: (listener) => void errorListeners.push(listener),
    onExit: (listener) => void exitListeners.push(listener),
    async terminate() {
      if (!exited) kill();
      await exitedPromise;
    },
    ref() {
      worker.ref?.();
      channel?.port.ref?.();
    },
    unref() {
      worker.unref?.();
      channel?.port.unref?.();
    },
    ...(channel ? { receiveSync } : {}),
  };
}

interface ErrorEventLike {
  error?: unknown;
  message?: string;
  filename?: string;
  lineno?: number;
  preventDefault?(): void;
}

/** Web Workers report an uncaught error as an ErrorEvent, usually without the error object (Bun, Deno). */
function errorFromEvent(event: ErrorEventLike): unknown {
  if (event.error != null) return event.error;
  const where = event.filename ? ` (${event.filename}${event.lineno ? `:${event.lineno}` : ""})` : "";
  return new Error(`Uncaught error in worker: ${event.message ?? "unknown error"}${where}`);
}
