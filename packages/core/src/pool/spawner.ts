import type { Transferable } from "../protocol/protocol.js";
import type { Message } from "../protocol/protocol.js";

/** One live worker, as the runtime gives it: what the pool calls on it. */
export interface WorkerHandle {
  send(message: Message, transfer?: Transferable[]): void;
  onMessage(listener: (message: Message) => void): void;
  /** An uncaught error in the worker; an `exit` follows (adapters make sure of it). */
  onError(listener: (error: unknown) => void): void;
  /** The worker is gone; called once. */
  onExit(listener: (code: number | null, signal?: string | null) => void): void;
  /** Stops the worker; resolves once it is gone. */
  terminate(): Promise<void>;
  /** Keeps the process alive while the worker lives (the pool refs busy workers). */
  ref(): void;
  /** Lets the process exit even though the worker lives (the pool unrefs idle workers). */
  unref(): void;
  /**
   * Takes the worker's next message at once, or undefined when none is
   * waiting (Node's `receiveMessageOnPort`), without going through the event
   * loop; the message is then not delivered to `onMessage`. Offered where the
   * host can, when `spawn` was asked for it (`callerSpinMicroseconds`).
   */
  receiveSync?(): Message | undefined;
}

/** What a runtime can and cannot do; the contract suite and docs read these. */
export interface SpawnerCapabilities {
  /** Transfer lists move buffers instead of copying them. */
  transfer: boolean;
  /** SharedArrayBuffer can be shared with workers. */
  sharedMemory: boolean;
  /** Per-worker memory limits are enforced. */
  resourceLimits: boolean;
  /** Per-worker permission sandboxes. */
  permissions: boolean;
  /** `terminate()` stops a worker stuck in a busy loop (false on Deno: the thread spins on). */
  terminatesBusyLoop: boolean;
  /** A worker that crashes (process.exit, an uncaught error) takes down only itself, not the caller. */
  crashIsolation: boolean;
  /** An idle worker can be unref'd so that it does not keep the process alive. */
  unref: boolean;
}

/** How an adapter starts workers; everything else is the core engine's job. */
export interface Spawner {
  /**
   * Starts a worker. `receiveSync`: the pool will poll the handle's
   * `receiveSync` (its `callerSpinMicroseconds` is on); give the handle one if
   * the host can, at whatever it costs the worker's start.
   */
  spawn(options: { workerId: number; name: string; receiveSync?: boolean }): WorkerHandle;
  readonly capabilities: SpawnerCapabilities;
  /** The default `maxWorkers` on this host (its available parallelism). */
  readonly defaultMaxWorkers?: number;
  /** The default `idleTimeout` where idle workers cannot be unref'd. */
  readonly defaultIdleTimeout?: number;
}
