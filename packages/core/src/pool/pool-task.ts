import type { CancelledError } from "../errors.js";
import { Future } from "../executor/future.js";
import type { Transferable } from "../protocol/protocol.js";
import type { TimerHandle } from "../asyncio/clock.js";
import type { TaskDescriptor } from "../tasks.js";
import type { WorkerSlot } from "./worker-slot.js";

/** What a task asks of the pool that owns it: the Future holds hooks, not the pool. */
export interface PoolTaskHooks {
  /** Stops the task (cancelled by the user): settle it and make sure its work stops. */
  cancel(task: PoolTask, reason: CancelledError): void;
  /** Whether the task may have started in its worker. */
  isStarted(task: PoolTask): boolean;
}

/** What few tasks have: kept apart, so that the common task is a small object. */
export interface PoolTaskExtras {
  transfer?: Transferable[] | undefined;
  onProgress?: ((value: unknown) => void) | undefined;
  callSite?: Error | undefined;
  graceTimer?: TimerHandle | undefined;
  /** Cancelled or timed out while in a worker (counted in its `stoppedInFlight`). */
  stopped?: boolean;
  /** Disarms the task's timeout and abort listener. */
  disarm?: (() => void) | undefined;
}

/**
 * One submitted task as the pool tracks it; it is also the Future the user
 * holds. A hundred thousand may be pending at once, so it holds only what
 * every task needs; the rest (transfer list, progress listener, call site,
 * timers) lives in `extras`, made when a task first needs it.
 */
export class PoolTask extends Future<unknown> {
  /** The worker it was handed to, or undefined while it waits in the pool's queue. */
  worker: WorkerSlot | undefined = undefined;
  /** Its place in its worker's order of tasks (1, 2, ...), compared with the worker's shared progress counter. */
  seq = 0;
  extras: PoolTaskExtras | undefined;
  constructor(
    readonly hooks: PoolTaskHooks,
    readonly id: number,
    readonly descriptor: TaskDescriptor,
    /** What travels in its run record: the arguments array (a lone argument for OneArgTask, the items for ChunkTask). */
    readonly payload: unknown,
    extras?: PoolTaskExtras,
  ) {
    super();
    this.extras = extras;
  }

  /** The record that runs it in a worker: `run` (fn(...args)), `run1` (fn(arg)) or `chunk` (fn on each item). */
  get record(): "run" | "run1" | "chunk" {
    return "run";
  }
  /** Its arguments (the items, for a chunk), as submitted. */
  get args(): unknown[] {
    return this.payload as unknown[];
  }

  /** Whether this is a `map` chunk (args are the items, one call each): a ChunkTask, whose record is `chunk`. */
  get chunk(): boolean {
    return this.record === "chunk";
  }
  get transfer(): Transferable[] | undefined {
    return this.extras?.transfer;
  }
  get onProgress(): ((value: unknown) => void) | undefined {
    return this.extras?.onProgress;
  }
  get callSite(): Error | undefined {
    return this.extras?.callSite;
  }
  get graceTimer(): TimerHandle | undefined {
    return this.extras?.graceTimer;
  }
  set graceTimer(timer: TimerHandle | undefined) {
    if (timer !== undefined || this.extras) (this.extras ??= {}).graceTimer = timer;
  }
  get stopped(): boolean {
    return this.extras?.stopped === true;
  }
  set stopped(stopped: boolean) {
    if (stopped || this.extras) (this.extras ??= {}).stopped = stopped;
  }
  get disarm(): (() => void) | undefined {
    return this.extras?.disarm;
  }
  set disarm(disarm: (() => void) | undefined) {
    if (disarm !== undefined || this.extras) (this.extras ??= {}).disarm = disarm;
  }
  protected override get started(): boolean {
    return this.worker !== undefined && this.hooks.isStarted(this);
  }
  protected override onCancel(reason: CancelledError): void {
    this.hooks.cancel(this, reason);
  }
}

/**
 * A chunk of `map` items, run as one task: `fn(item)` for each item, and
 * the result is the array of results.
 *
 * @example
 * ```ts
 * const task = new ChunkTask(hooks, 8, describeTask(tasks.inc), [1, 2, 3]);
 * task.chunk; // true
 * ```
 */
export class ChunkTask extends PoolTask {
  override get record(): "chunk" {
    return "chunk";
  }
}

/**
 * A task of one argument, the common case: it keeps the argument itself
 * instead of the array around it (56 bytes less per pending task, so less
 * for the garbage collector to copy while a burst waits), and travels as a
 * `run1` record with the argument unwrapped.
 *
 * @example
 * ```ts
 * const task = new OneArgTask(hooks, 9, describeTask(tasks.inc), 41);
 * task.args; // [41]
 * task.record; // "run1"
 * ```
 */
export class OneArgTask extends PoolTask {
  override get record(): "run1" {
    return "run1";
  }
  override get args(): unknown[] {
    return [this.payload];
  }
}
