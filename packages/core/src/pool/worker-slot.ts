import type { Clock, TimerHandle } from "../asyncio/clock.js";
import { DOORBELL, POSTED, PROGRESS_FIELDS, TAKEN_UP, type Message, type Transferable } from "../protocol/protocol.js";
import { LANE_BYTES, SpinLane } from "../protocol/spin-lane.js";
import type { PoolTask } from "./pool-task.js";
import type { WorkerHandle } from "./spawner.js";

/**
 * One worker as the pool sees it, from spawn to exit: its tasks in flight
 * (in the order they were sent), the records waiting to be sent, and its
 * life: starting, ready, busy or idle (ref'd while busy, unref'd and on an
 * idle timer while idle), retiring, exited.
 *
 * @example
 * ```ts
 * const slot = new WorkerSlot(0, spawner.spawn({ workerId: 0, name: "pool-0" }), clock, true);
 * slot.markIdle(10_000, () => slot.retire());
 * ```
 */
export class WorkerSlot {
  /** Tasks sent to this worker and not yet reported back, in the order they were sent. */
  readonly inFlight = new Map<number, PoolTask>();
  /** Task functions this worker has been told about. */
  readonly defined = new Set<number>();
  /** Shared memory (where the runtime shares it): the tasks the worker has taken up, and the doorbell the pool rings after each send. */
  readonly progress: Int32Array | undefined;
  outbox: Message = [];
  outTransfer: Transferable[] = [];
  ready = false;
  exited = false;
  retiring = false;
  tasksSent = 0;
  /** Tasks in flight that were cancelled or timed out (their worker may have to be stopped). */
  stoppedInFlight = 0;
  /** When the worker last reported (for the batch policy's measure of task time). */
  lastMark = 0;
  /** The worker's own account of the tasks it took up, sent just before an exit it could see. */
  takenUpAtExit: number | undefined;
  /** Messages read from the worker (compared with the count it keeps in shared memory: see POSTED). */
  messagesRead = 0;
  lastError: unknown;
  /** How the pool reads a message from this worker (set by the pool; also used for messages taken with `takeMessage`). */
  read: (message: Message) => void = () => {};
  /** With `callerSpinMicroseconds` and shared memory: the lane a lone task and its small result pass through without a message (see SpinLane). */
  readonly lane: SpinLane | undefined;
  /** How the pool reads a result taken from the lane (set by the pool). */
  readLane: (taskId: number, value: unknown) => void = () => {};
  /** What the pool does when this worker has been idle for idleTimeout (made once, by the pool). */
  retireWhenIdle: (() => void) | undefined;
  #referenced = true;
  #receivesSync: boolean;
  #idleTimer: TimerHandle | undefined;
  /** When the worker last went idle (undefined while busy), and what to do once it has been idle for idleTimeout. */
  #idleSince: number | undefined;
  #onIdleTimeout: (() => void) | undefined;

  constructor(readonly id: number, readonly handle: WorkerHandle, readonly clock: Clock, sharedMemory: boolean, withLane = false) {
    this.progress = sharedMemory ? new Int32Array(new SharedArrayBuffer(PROGRESS_FIELDS * 4)) : undefined;
    this.lane = sharedMemory && withLane ? new SpinLane(new SharedArrayBuffer(LANE_BYTES)) : undefined;
    this.#receivesSync = this.progress !== undefined && typeof handle.receiveSync === "function";
  }

  /** How many tasks the worker has taken up, if it can say (shared memory, or its last words). */
  takenUp(): number | undefined {
    return this.progress ? Math.max(Atomics.load(this.progress, TAKEN_UP), this.takenUpAtExit ?? 0) : this.takenUpAtExit;
  }

  /** Whether the worker has posted messages the pool has not read yet (where it can say: shared memory). */
  hasUnreadMessages(): boolean {
    // The first message, "ready", goes before the worker has the shared array, so it is not in its count.
    return this.progress !== undefined && Atomics.load(this.progress, POSTED) > this.messagesRead - 1;
  }

  /**
   * Reads the worker's next message now if one is waiting and the host can
   * take it synchronously (see WorkerHandle.receiveSync); true if it read
   * one. A host whose receive throws is never asked again.
   */
  takeMessage(): boolean {
    if (!this.#receivesSync || this.exited || !this.hasUnreadMessages()) return false;
    let message: Message | undefined;
    try {
      message = this.handle.receiveSync!();
    } catch {
      this.#receivesSync = false;
      return false;
    }
    if (message === undefined) return false;
    this.read(message);
    return true;
  }

  /** Reads the lane's result if the worker has written one; true if it read one. */
  takeLaneResult(): boolean {
    const lane = this.lane;
    if (lane === undefined || !lane.hasResult()) return false;
    const taskId = lane.taskId;
    this.readLane(taskId, lane.takeResult());
    return true;
  }

  /** The pool stops watching the lane: a task still in it is answered by port; an answer already there is read now. */
  stopWatchingLane(): void {
    if (this.lane?.stopWatching()) this.takeLaneResult();
  }

  /** Whether `takeMessage` can ever read anything (shared memory and a synchronous receive). */
  get canTakeMessages(): boolean {
    return this.#receivesSync;
  }

  /** Sends what the outbox holds; throws what the host's send throws (the pool handles it). */
  flush(): void {
    if (this.outbox.length === 0 || this.exited) return;
    const message = this.outbox;
    const transfer = this.outTransfer;
    this.outbox = [];
    this.outTransfer = [];
    this.handle.send(message, transfer.length > 0 ? transfer : undefined);
    this.ring();
  }

  /** Tells a worker spinning for its next message (spinMicroseconds) that one was sent. */
  ring(): void {
    if (this.progress) Atomics.add(this.progress, DOORBELL, 1);
  }

  /** The worker has work: it keeps the process alive, and its idle timer (left armed: re-arming a timer per task costs) no longer counts. */
  markBusy(): void {
    this.#idleSince = undefined;
    if (!this.#referenced) {
      this.#referenced = true;
      this.handle.ref();
    }
  }

  /**
   * The worker has nothing to do: it no longer keeps the process alive, and
   * `onIdleTimeout` runs after `idleTimeout` ms. `now`: the clock's time, if
   * the caller has just read it.
   */
  markIdle(idleTimeout: number, onIdleTimeout: () => void, now = this.clock.now()): void {
    if (this.retiring || this.exited) return;
    if (this.#referenced) {
      this.#referenced = false;
      this.handle.unref();
    }
    this.#idleSince = now;
    this.#onIdleTimeout = onIdleTimeout;
    if (this.#idleTimer === undefined && idleTimeout !== Infinity) this.#armIdleTimer(idleTimeout, idleTimeout);
  }

  /** Fires `delay` ms from now: if the worker has been idle for `idleTimeout` ms by then, it times out; if it is idle again since less, the timer waits the rest. */
  #armIdleTimer(idleTimeout: number, delay: number): void {
    this.#idleTimer = this.clock.setTimeout(() => {
      this.#idleTimer = undefined;
      // Busy now: its next markIdle arms the timer again.
      if (this.#idleSince === undefined || this.retiring || this.exited) return;
      const left = this.#idleSince + idleTimeout - this.clock.now();
      if (left > 0) this.#armIdleTimer(idleTimeout, left);
      else this.#onIdleTimeout?.();
    }, delay, { unref: true });
  }

  /** Stops the worker on purpose (its exit is reported through the handle's onExit). */
  retire(): void {
    if (this.retiring) return;
    this.retiring = true;
    this.markBusy();
    this.handle.terminate().catch(() => {});
  }

  /** The worker is gone: no timers left behind. */
  markExited(): void {
    this.exited = true;
    this.#clearIdleTimer();
  }

  #clearIdleTimer(): void {
    if (this.#idleTimer !== undefined) {
      this.clock.clearTimeout(this.#idleTimer);
      this.#idleTimer = undefined;
    }
  }
}
