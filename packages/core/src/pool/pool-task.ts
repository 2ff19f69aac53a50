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

/** One submitted task as the pool tracks it; it is also the Future the user holds. */
export class PoolTask extends Future<unknown> {
  /** The worker it was handed to, or undefined while it waits in the pool's queue. */
  worker: WorkerSlot | undefined;
  /** Its place in its worker's order of tasks (1, 2, ...), compared with the worker's shared progress counter. */
  seq = 0;
  graceTimer: TimerHandle | undefined;
  /** Cancelled or timed out while in a worker (counted in its `stoppedInFlight`). */
  stopped = false;
  /** Disarms the task's timeout and abort listener. */
  disarm: (() => void) | undefined;
  constructor(
    readonly hooks: PoolTaskHooks,
    readonly id: number,
    readonly descriptor: TaskDescriptor,
    readonly args: unknown[],
    readonly chunk: boolean,
    readonly transfer: Transferable[] | undefined,
    readonly onProgress: ((value: unknown) => void) | undefined,
    readonly callSite: Error | undefined,
  ) {
    super();
  }
  protected override get started(): boolean {
    return this.worker !== undefined && this.hooks.isStarted(this);
  }
  protected override onCancel(reason: CancelledError): void {
    this.hooks.cancel(this, reason);
  }
}
