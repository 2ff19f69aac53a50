import { systemClock, type Clock } from "../asyncio/clock.js";
import { ownOptions } from "../check-arguments.js";
import { CancelledError, TaskArgumentError, WorkerCrashedError, WorkerStartError } from "../errors.js";
import { ExecutorBase } from "../executor/executor-base.js";
import type { ExecutorStats, RunOptions, ShutdownOptions } from "../executor/executor.js";
import type { Future } from "../executor/future.js";
import { validateRunOptions } from "../executor/run-options.js";
import { errorMessage } from "../protocol/error-message.js";
import { findUncloneable } from "../protocol/find-uncloneable.js";
import { decodeRecords, encodeForWorker, opName, PROTOCOL_VERSION, splitRecords, type Message, type RecordVisitor, type SerializedError, type WorkerRecords } from "../protocol/protocol.js";
import { appendCallSite, deserializeError, serializeError } from "../protocol/serialize-error.js";
import { describeTask, type TaskDescriptor, type TaskLike } from "../tasks.js";
import { BatchPolicy, pickWorker } from "./batching.js";
import { accountForExit } from "./crash-accounting.js";
import { Deque } from "./deque.js";
import { resolvePoolOptions, type PoolOptions, type ResolvedPoolOptions } from "./pool-options.js";
import { ChunkTask, OneArgTask, PoolTask, type PoolTaskHooks } from "./pool-task.js";
import type { Spawner, SpawnerCapabilities } from "./spawner.js";
import { WorkerSlot } from "./worker-slot.js";
import { packShared, refuseShared } from "../shared/travel.js";
import { releaseHeldBy } from "../shared/owners.js";

/** Consecutive workers that exit before they are ready, after which queued tasks fail instead of waiting. */
const MAX_START_FAILURES = 3;
/** Before a forced stop, how often (and how many ms apart) the pool waits for messages the worker already posted. */
const UNREAD_WAITS = 20;
const UNREAD_WAIT_MS = 5;

/**
 * The engine behind every offloop executor: queue, batching, dispatch,
 * worker lifecycle, crash recovery, idle reaping, timeouts, cancellation,
 * stats and shutdown. An adapter gives it a `Spawner` that starts workers on
 * its runtime; users construct the adapter's executor, e.g.
 * `ThreadPoolExecutor`.
 *
 * Every failure reaches the Future it belongs to: an argument that cannot be
 * sent, a worker that cannot start, a crash. Nothing is thrown from the
 * pool's microtasks or timers.
 *
 * @example
 * ```ts
 * class MyExecutor extends WorkerPool {
 *   constructor(options?: PoolOptions) { super(options, mySpawner) }
 * }
 * await using executor = new MyExecutor({ maxWorkers: 4 });
 * console.log(await executor.submit(tasks.fib, 30));
 * ```
 */
export class WorkerPool extends ExecutorBase {
  readonly options: Readonly<ResolvedPoolOptions>;
  readonly capabilities: Readonly<SpawnerCapabilities>;
  readonly #spawner: Spawner;
  readonly #clock: Clock;
  readonly #batching: BatchPolicy;
  readonly #queue = new Deque<PoolTask>();
  readonly #workers: WorkerSlot[] = [];
  readonly #hooks: PoolTaskHooks = {
    cancel: (task, reason) => this.#stopTask(task, "cancelled", reason),
    isStarted: (task) => this.#isPossiblyStarted(task),
  };
  #queued = 0;
  #inFlight = 0;
  #nextTaskId = 1;
  #nextWorkerId = 0;
  #dispatchScheduled = false;
  #flushScheduled = false;
  #callerSpinScheduled = false;
  #startFailures = 0;
  #respawnTimer: unknown;
  #closing = false;
  #shutdownDone: Promise<void> | undefined;
  #onIdle: (() => void) | undefined;
  /** Tasks the message being read reported finished (ok, error, dropped). */
  #reported = 0;

  constructor(options: PoolOptions | undefined, spawner: Spawner) {
    super();
    const defaults = spawner.defaultMaxWorkers ?? (globalThis as { navigator?: { hardwareConcurrency?: number } }).navigator?.hardwareConcurrency ?? 4;
    const resolved = resolvePoolOptions(options, defaults);
    if (ownOptions(options).idleTimeout === undefined && spawner.defaultIdleTimeout !== undefined) resolved.idleTimeout = spawner.defaultIdleTimeout;
    if (resolved.initializer !== undefined) {
      describeTask(resolved.initializer);
      checkSendable(resolved.initArgs, "initArgs", "Cannot use initArgs");
    }
    this.options = Object.freeze(resolved);
    this.capabilities = Object.freeze({ ...spawner.capabilities });
    this.#spawner = spawner;
    this.#clock = resolved.clock ?? systemClock;
    this.#batching = new BatchPolicy(resolved.concurrentTasksPerWorker);
    for (let index = 0; index < resolved.minWorkers; index++) {
      const worker = this.#spawn();
      if (worker instanceof Error) throw worker;
    }
  }

  protected get captureCallSite(): boolean {
    return this.options.captureCallSite;
  }

  protected get mapParallelism(): number {
    return this.#capacity();
  }

  /** Tasks that can run at once: every worker slot. */
  #capacity(): number {
    return this.options.maxWorkers * this.options.concurrentTasksPerWorker;
  }

  protected enqueue(task: TaskLike, args: unknown[], options: RunOptions | undefined, chunk: boolean, callSite?: Error): Future<unknown> {
    const descriptor = describeTask(task);
    if (options !== undefined) validateRunOptions(options);
    const refused = this.admit({
      closing: this.#closing,
      name: this.options.name,
      waiting: this.unsettledCount - this.#capacity(),
      maxQueue: this.options.maxQueue,
      signal: options?.signal,
    });
    if (refused) return refused;
    // offloop/shared primitives travel as markers where workers share memory, and are refused where they do not.
    if (this.capabilities.sharedMemory) args = packShared(args, this) as unknown[];
    else {
      const unshared = refuseShared(args, `${this.constructor.name} "${this.options.name}"`);
      if (unshared) return this.refuseAdmitted(unshared);
    }
    if (callSite === undefined && this.options.captureCallSite) callSite = new Error("submitted here");
    const extras = options?.transfer !== undefined || options?.onProgress !== undefined || callSite !== undefined
      ? { transfer: options?.transfer, onProgress: options?.onProgress, callSite }
      : undefined;
    const id = this.#nextTaskId++;
    // packShared may have wrapped the arguments (shared primitives): a wrapper travels whole, in a run record.
    const poolTask = chunk
      ? new ChunkTask(this.#hooks, id, descriptor, args, extras)
      : Array.isArray(args) && args.length === 1
        ? new OneArgTask(this.#hooks, id, descriptor, args[0], extras)
        : new PoolTask(this.#hooks, id, descriptor, args, extras);
    if (options !== undefined) poolTask.disarm = this.armRunOptions(poolTask, options, (error) => this.#stopTask(poolTask, "timeout", error), this.#clock);
    this.#queue.push(poolTask);
    this.#queued++;
    if (this.#queued === 1 && !this.#dispatchScheduled && (this.#canGrow() || this.#hasIdleWorker())) {
      // Nothing waits ahead of it and a worker is free (or can be started): hand it over now, so that
      // a caller who blocks right after submit does not wait for a microtask, and stats are exact at
      // once. Tasks that would only queue behind busy workers wait for the microtask and travel
      // together: handing each over alone would cost a message per task in a burst.
      this.#dispatch();
      if (this.options.callerSpinMicroseconds > 0) this.#scheduleCallerSpin();
    } else {
      this.#scheduleDispatch();
    }
    return poolTask;
  }

  #scheduleDispatch(): void {
    if (this.#dispatchScheduled) return;
    this.#dispatchScheduled = true;
    queueMicrotask(() => {
      this.#dispatchScheduled = false;
      this.#dispatch();
    });
  }

  /**
   * callerSpinMicroseconds: once the caller's synchronous code has run, watch
   * the workers' posted-message counts in shared memory and take their
   * results with a synchronous receive, until nothing is in flight there or
   * the time is up. Settling a Future here lets its `await` go on in this
   * same microtask checkpoint: no event-loop turn. Never while tasks wait in
   * the queue (a burst is better served by the event loop's batching).
   */
  #spinForResults(): void {
    this.#callerSpinScheduled = false;
    const deadline = performance.now() + this.options.callerSpinMicroseconds / 1000;
    let polls = 0;
    try {
      for (;;) {
        if (this.#queued > 0 || this.#dispatchScheduled) return;
        let watching = false;
        for (const worker of this.#workers) {
          if (worker.inFlight.size === 0) continue;
          // A lone task with a small result may come back in shared memory (SpinLane), others by port.
          if (worker.lane?.watched) {
            watching = true;
            if (worker.takeLaneResult()) continue;
          }
          if (!worker.canTakeMessages) continue;
          watching = true;
          worker.takeMessage();
        }
        // The clock every 16 polls: reading it costs more than a poll.
        if (!watching || ((++polls & 15) === 0 && performance.now() > deadline)) return;
      }
    } finally {
      // Whatever ended the spin: a task still in a lane is answered by port from now on.
      for (const worker of [...this.#workers]) worker.stopWatchingLane();
    }
  }

  /** After a lane offer: make sure a caller spin watches it (no one else reads a lane). */
  #scheduleCallerSpin(): void {
    if (this.#callerSpinScheduled) return;
    this.#callerSpinScheduled = true;
    queueMicrotask(() => this.#spinForResults());
  }

  #hasIdleWorker(): boolean {
    for (const worker of this.#workers) if (worker.inFlight.size === 0 && !worker.retiring) return true;
    return false;
  }

  #canGrow(): boolean {
    // Also while shutting down: pending tasks (and tasks re-queued after a crash) still need a worker.
    return this.#workers.length < this.options.maxWorkers && this.#startFailures < MAX_START_FAILURES && this.#respawnTimer === undefined;
  }

  /** Hands queued tasks to workers, least loaded first, starting workers as needed. */
  #dispatch(): void {
    while (this.#queued > 0) {
      const ahead = this.#batching.tasksAhead();
      let worker = pickWorker(this.#workers, ahead, this.options.maxTasksPerWorker, this.#canGrow());
      if (!worker) {
        if (!this.#canGrow()) break;
        const spawned = this.#spawn();
        if (spawned instanceof Error) {
          this.#failQueue(spawned);
          break;
        }
        worker = spawned;
      }
      const sendable = Math.min(ahead - worker.inFlight.size, this.options.maxTasksPerWorker - worker.tasksSent);
      if (worker.inFlight.size === 0) {
        worker.lastMark = this.#clock.now();
        worker.markBusy();
      }
      for (let sent = 0; sent < sendable && this.#queued > 0; ) {
        const task = this.#queue.shift()!;
        if (task.done()) continue;
        this.#queued--;
        this.#assign(task, worker);
        sent++;
      }
      this.#flush(worker);
    }
  }

  #define(worker: WorkerSlot, descriptor: TaskDescriptor): void {
    if (worker.defined.has(descriptor.id)) return;
    worker.defined.add(descriptor.id);
    if (descriptor.kind === "module") encodeForWorker(worker.outbox, "module", descriptor.id, descriptor.module, descriptor.name);
    else encodeForWorker(worker.outbox, "source", descriptor.id, descriptor.source);
  }

  #assign(task: PoolTask, worker: WorkerSlot): void {
    this.#define(worker, task.descriptor);
    // A task with a timeout or signal may end in a forced stop: the worker sends what it finished before starting it.
    const flushFirst = task.disarm !== undefined ? 1 : 0;
    if (!this.#offerToLane(task, worker, flushFirst)) {
      // One argument travels unwrapped ("run1"): copying an array per task costs as much as the rest of its record.
      encodeForWorker(worker.outbox, task.record, task.id, task.descriptor.id, task.payload as unknown[], flushFirst);
      if (task.transfer) worker.outTransfer.push(...task.transfer);
    }
    worker.inFlight.set(task.id, task);
    task.seq = ++worker.tasksSent;
    task.worker = worker;
    this.#inFlight++;
  }

  /**
   * callerSpinMicroseconds: a lone task for an idle, spinning worker, with
   * no argument or one small one, goes through the worker's SpinLane
   * instead of a message. Only when nothing else is on its way to that
   * worker (its definition included), and never for a task that may end in
   * a forced stop (timeout, signal), sends progress or transfers.
   */
  #offerToLane(task: PoolTask, worker: WorkerSlot, flushFirst: number): boolean {
    const lane = worker.lane;
    if (lane === undefined || flushFirst !== 0 || worker.inFlight.size !== 0 || worker.outbox.length !== 0 || task.transfer || task.onProgress) return false;
    const record = task.record;
    let offered: boolean;
    if (record === "run1") offered = lane.offer(task.id, task.descriptor.id, true, task.payload);
    else if (record === "run" && Array.isArray(task.payload) && task.payload.length === 0) offered = lane.offer(task.id, task.descriptor.id, false, undefined);
    else return false;
    if (offered) this.#scheduleCallerSpin();
    return offered;
  }

  /** Sends a worker's outbox; when the host refuses the whole message, sends what it can record by record. */
  #flush(worker: WorkerSlot): void {
    const message = worker.outbox;
    try {
      worker.flush();
    } catch (error) {
      this.#sendSeparately(worker, message, error);
    }
  }

  /**
   * After a send failed: send each record alone. A task whose arguments
   * cannot be copied fails with TaskArgumentError naming the path; when the
   * records themselves are fine, the worker is the problem (its channel
   * closed, it cannot be told what to run): it is retired, and its tasks go
   * elsewhere when it exits.
   */
  #sendSeparately(worker: WorkerSlot, message: Message, batchError: unknown): void {
    for (const record of splitRecords(message)) {
      const op = opName(record[0]);
      const isTask = op === "run" || op === "run1" || op === "chunk";
      const task = isTask ? worker.inFlight.get(record[1] as number) : undefined;
      if (isTask && (!task || task.done())) continue;
      try {
        worker.handle.send(record, task?.transfer);
      } catch (error) {
        const argumentError = task ? uncloneableError(task.args, task.chunk ? "items" : "args", "Cannot send the task to a worker", error) ?? untransferableError(task, error) : undefined;
        if (task && argumentError) {
          this.#failUnsent(worker, task, argumentError);
          continue;
        }
        worker.lastError ??= new WorkerStartError(`Cannot send a ${String(op)} record to worker ${worker.id}: ${errorMessage(error ?? batchError)}`, { cause: error });
        worker.retire();
        return;
      }
    }
    worker.ring();
  }

  #failUnsent(worker: WorkerSlot, task: PoolTask, error: Error): void {
    this.#release(worker, task);
    this.#settle(task, "rejected", error);
    // The worker may have nothing left: let it go idle (unref'd), or the process would never exit.
    if (worker.inFlight.size === 0) this.#markIdle(worker);
    this.#checkIdle();
  }

  #scheduleFlush(): void {
    if (this.#flushScheduled) return;
    this.#flushScheduled = true;
    queueMicrotask(() => {
      this.#flushScheduled = false;
      for (const worker of [...this.#workers]) this.#flush(worker);
    });
  }

  /** Starts a worker and queues its hello (and initializer); returns the error when the host refuses to start one. */
  #spawn(): WorkerSlot | WorkerStartError {
    const workerId = this.#nextWorkerId++;
    let handle;
    try {
      handle = this.#spawner.spawn({ workerId, name: `${this.options.name}-${workerId}`, receiveSync: this.options.callerSpinMicroseconds > 0 });
    } catch (error) {
      return new WorkerStartError(`Cannot start a worker for executor "${this.options.name}": ${errorMessage(error)}`, { cause: error });
    }
    const callerSpins = this.options.callerSpinMicroseconds > 0;
    const worker = new WorkerSlot(workerId, handle, this.#clock, this.capabilities.sharedMemory && typeof SharedArrayBuffer === "function", callerSpins);
    this.#workers.push(worker);
    const visitor = this.#visitorFor(worker);
    worker.read = (message) => this.#receive(worker, visitor, message);
    worker.readLane = (taskId, value) => {
      this.#reported = 0;
      visitor.ok(taskId, value);
      // Read at its exit (a result written before it died): the exit's own accounting follows.
      if (!worker.exited) this.#afterReport(worker);
    };
    handle.onMessage(worker.read);
    handle.onError((error) => {
      worker.lastError ??= error;
    });
    handle.onExit((code, signal) => this.#onExit(worker, code, signal));
    encodeForWorker(worker.outbox, "hello", PROTOCOL_VERSION, workerId, this.options.concurrentTasksPerWorker, worker.progress ?? null, this.options.spinMicroseconds, worker.lane?.buffer ?? null);
    const initializer = this.options.initializer;
    if (initializer !== undefined) {
      const descriptor = describeTask(initializer);
      this.#define(worker, descriptor);
      encodeForWorker(worker.outbox, "init", descriptor.id, this.options.initArgs);
    }
    this.#flush(worker);
    if (!this.#closing) this.#markIdle(worker);
    return worker;
  }

  #receive(worker: WorkerSlot, visitor: RecordVisitor<WorkerRecords>, message: Message): void {
    worker.messagesRead++;
    this.#reported = 0;
    try {
      decodeRecords<WorkerRecords>(message, visitor);
    } catch (error) {
      worker.lastError ??= error;
      worker.retire();
    }
    this.#afterReport(worker);
  }

  /** After a worker reported: count what it finished for the batch policy, then refill (see #afterProgress). */
  #afterReport(worker: WorkerSlot): void {
    // Counted by the records, not by tasks leaving the worker: an exit reported while reading (Deno's
    // terminate() is synchronous) releases tasks too, and those were not finished by this worker.
    const settledCount = this.#reported;
    if (settledCount > 0) {
      if (this.options.initializer !== undefined) this.#startFailures = 0;
      const now = this.#clock.now();
      this.#batching.record(settledCount, now - worker.lastMark);
      worker.lastMark = now;
      this.#afterProgress(worker, now);
    }
  }

  /** How the pool reads one worker's records. */
  #visitorFor(worker: WorkerSlot): RecordVisitor<WorkerRecords> {
    const finished = (taskId: number): PoolTask | undefined => {
      const task = worker.inFlight.get(taskId);
      if (task) {
        this.#reported++;
        this.#release(worker, task);
      }
      return task;
    };
    return {
      ok: (taskId, value) => {
        const task = finished(taskId);
        if (task) this.#settle(task, "fulfilled", value);
      },
      error: (taskId, serialized) => {
        const task = finished(taskId);
        if (task) this.#settle(task, "rejected", this.#taskError(serialized, task));
      },
      dropped: (taskId) => void finished(taskId),
      progress: (taskId, value) => {
        const task = worker.inFlight.get(taskId);
        if (!task?.onProgress || task.done()) return;
        try {
          task.onProgress(value);
        } catch (error) {
          // A throwing progress listener is the caller's bug; it must not break the pool. Report it where it is seen.
          queueMicrotask(() => {
            throw error;
          });
        }
      },
      ready: (version) => {
        if (version !== PROTOCOL_VERSION) {
          worker.lastError = new WorkerStartError(`offloop protocol mismatch: pool ${PROTOCOL_VERSION}, worker ${String(version)}. Use one version of @offloop/core and its adapter.`);
          worker.retire();
          return;
        }
        worker.ready = true;
        worker.lastMark = this.#clock.now();
        if (this.options.initializer === undefined) this.#startFailures = 0;
      },
      initError: (serialized) => {
        const cause = deserializeError(serialized);
        worker.lastError = new WorkerStartError(`The executor's initializer failed in worker ${worker.id}: ${cause.message}`, { cause });
        worker.ready = false;
        worker.retire();
      },
      exiting: (takenUp) => {
        worker.takenUpAtExit = takenUp;
      },
    };
  }

  /** After tasks left a worker: arm grace timers of cancelled tasks that may now run, recycle, go idle, refill. */
  #afterProgress(worker: WorkerSlot, now: number): void {
    if (worker.stoppedInFlight > 0) this.#armGraceTimers(worker);
    if (worker.tasksSent >= this.options.maxTasksPerWorker && worker.inFlight.size === 0) worker.retire();
    if (worker.inFlight.size === 0) this.#markIdle(worker, now);
    if (this.#queued > 0) this.#dispatch();
    else this.#checkIdle();
  }

  #release(worker: WorkerSlot, task: PoolTask): void {
    worker.inFlight.delete(task.id);
    this.#inFlight--;
    if (task.stopped) worker.stoppedInFlight--;
    if (task.graceTimer !== undefined) {
      this.#clock.clearTimeout(task.graceTimer);
      task.graceTimer = undefined;
    }
  }

  #settle(task: PoolTask, state: "fulfilled" | "rejected" | "cancelled", value: unknown): void {
    task.disarm?.();
    this.settleTask(task, state, value);
  }

  #taskError(serialized: SerializedError, task: PoolTask): Error {
    const error = deserializeError(serialized);
    if (task.callSite) appendCallSite(error, task.callSite);
    return error;
  }

  /**
   * True when the task holds one of its worker's slots: the worker runs
   * tasks in order, `concurrentTasksPerWorker` at a time, so the first ones
   * sent are running (or about to, as in piscina: a task handed to a worker
   * is running). What `state`, `cancelPending` and `terminateWorkers` go by.
   */
  #isPossiblyStarted(task: PoolTask): boolean {
    const worker = task.worker;
    if (!worker) return false;
    const takenUp = worker.takenUp();
    if (takenUp !== undefined && task.seq <= takenUp) return true;
    let slots = this.options.concurrentTasksPerWorker;
    for (const candidate of worker.inFlight.values()) {
      if (slots <= 0) return false;
      if (candidate === task) return true;
      slots--;
    }
    return false;
  }

  /**
   * True when the task's code may be running now: where the worker counts
   * the tasks it takes up, exactly; elsewhere, as `#isPossiblyStarted`. What
   * the cancel grace goes by, so that a worker still starting up is not
   * terminated for a task it has not begun.
   */
  #mayBeRunning(task: PoolTask): boolean {
    const worker = task.worker;
    const takenUp = worker?.takenUp();
    if (takenUp !== undefined) return task.seq <= takenUp;
    // Nothing heard from the worker yet: as at its exit (accountForExit), it has started nothing. A forced
    // stop now would also count as a failed start, and three of those make the pool refuse all work.
    if (!worker?.ready) return false;
    return this.#isPossiblyStarted(task);
  }

  /** Cancels or times out a task: settle it now, and make sure its work stops. */
  #stopTask(task: PoolTask, kind: "cancelled" | "timeout", reason: Error): void {
    if (task.done()) return;
    this.#settle(task, kind === "cancelled" ? "cancelled" : "rejected", reason);
    const worker = task.worker;
    if (!worker) {
      // Still in the queue: dispatch skips settled tasks.
      this.#queued--;
      this.#checkIdle();
      return;
    }
    task.stopped = true;
    worker.stoppedInFlight++;
    encodeForWorker(worker.outbox, "cancel", task.id, serializeError(reason));
    this.#scheduleFlush();
    this.#armGraceTimers(worker);
  }

  /**
   * A settled task still in flight gets `cancelGrace` ms to stop once it may
   * have started; then its worker is terminated. One that has not started
   * yet (the worker is busy with the tasks before it) is checked again after
   * each grace period, so a cancel never waits on a progress report that may
   * never come.
   */
  #armGraceTimers(worker: WorkerSlot): void {
    for (const task of worker.inFlight.values()) {
      if (!task.done() || task.graceTimer !== undefined) continue;
      this.#armGraceTimer(worker, task);
    }
  }

  #armGraceTimer(worker: WorkerSlot, task: PoolTask): void {
    const startedAtArming = this.#mayBeRunning(task);
    task.graceTimer = this.#clock.setTimeout(() => {
      task.graceTimer = undefined;
      if (worker.inFlight.get(task.id) !== task || worker.exited) return;
      if (!startedAtArming) {
        // It had not started when the grace began: give it a full grace period from now on.
        this.#armGraceTimer(worker, task);
        return;
      }
      this.#forceStop(worker, task, UNREAD_WAITS);
    }, this.options.cancelGrace);
  }

  /**
   * Terminates the worker of a cancelled task that did not stop. What the
   * worker posted before must be read first: a web Worker's terminate()
   * drops messages not yet dispatched (Bun, Deno), which would turn results
   * of finished tasks into crashes. The pool waits for them a few
   * milliseconds at a time (they are already on their way), at most
   * UNREAD_WAITS times.
   */
  #forceStop(worker: WorkerSlot, task: PoolTask, waitsLeft: number): void {
    if (worker.inFlight.get(task.id) !== task || worker.exited) return;
    if (waitsLeft > 0 && worker.hasUnreadMessages()) {
      task.graceTimer = this.#clock.setTimeout(() => {
        task.graceTimer = undefined;
        this.#forceStop(worker, task, waitsLeft - 1);
      }, UNREAD_WAIT_MS);
      return;
    }
    worker.lastError = new Error(`Worker ${worker.id} was terminated: a cancelled task did not stop within cancelGrace (${this.options.cancelGrace} ms)`);
    worker.retire();
  }

  #onExit(worker: WorkerSlot, code: number | null, signal?: string | null): void {
    if (worker.exited) return;
    worker.markExited();
    worker.stopWatchingLane(); // a result it wrote before it went is still its result
    releaseHeldBy(this, worker.id); // mutexes it died holding are poisoned before its tasks reject
    const index = this.#workers.indexOf(worker);
    if (index !== -1) this.#workers.splice(index, 1);
    const startFailed = !worker.ready && (!worker.retiring || worker.lastError !== undefined);
    const how = signal ? `was killed by ${signal}` : `exited with code ${code}`;
    const { crashed, requeue } = accountForExit(worker.inFlight.values(), worker.takenUp(), this.options.concurrentTasksPerWorker, worker.ready);
    for (const task of [...worker.inFlight.values()]) this.#release(worker, task);
    for (const task of crashed) {
      const message = `Worker ${worker.id} ${how} while running this task${worker.lastError ? `: ${errorMessage(worker.lastError)}` : ""}`;
      this.#settle(task, "rejected", new WorkerCrashedError(message, { cause: worker.lastError }));
    }
    for (let back = requeue.length - 1; back >= 0; back--) {
      const task = requeue[back]!;
      task.worker = undefined;
      this.#queue.unshift(task);
      this.#queued++;
    }
    if (startFailed) this.#startFailed(worker, how);
    if (!this.#closing) {
      while (this.#workers.length < this.options.minWorkers && this.#startFailures === 0) {
        if (this.#spawn() instanceof Error) break;
      }
    }
    if (this.#queued > 0 && this.#respawnTimer === undefined) this.#dispatch();
    else this.#checkIdle();
  }

  /** A worker exited before it was ready: retry after a pause, and after three in a row fail what waits. */
  #startFailed(worker: WorkerSlot, how: string): void {
    this.#startFailures++;
    const cause = worker.lastError;
    if (this.#startFailures >= MAX_START_FAILURES) {
      const failures = this.#startFailures;
      this.#startFailures = 0;
      this.#failQueue(new WorkerStartError(
        `Workers failed to start ${failures} times in a row (the last ${how})${cause ? `: ${errorMessage(cause)}` : ""}`,
        { cause },
      ));
      return;
    }
    if (this.#closing) return;
    const delay = 50 * 2 ** (this.#startFailures - 1);
    this.#respawnTimer = this.#clock.setTimeout(() => {
      this.#respawnTimer = undefined;
      this.#dispatch();
    }, delay);
  }

  /** Fails every task waiting in the queue (no worker can be started for them). */
  #failQueue(error: Error): void {
    while (this.#queue.length > 0) {
      const task = this.#queue.shift()!;
      if (task.done()) continue;
      this.#queued--;
      this.#settle(task, "rejected", error);
    }
    this.#checkIdle();
  }

  /** `now`: the clock's time, when the caller has just read it (a read costs ~70 ns, once per task here). */
  #markIdle(worker: WorkerSlot, now?: number): void {
    if (this.#closing) return;
    // One callback per worker, made the first time: a lone task goes idle once per task.
    worker.retireWhenIdle ??= () => {
      if (worker.inFlight.size === 0 && this.#workers.length > this.options.minWorkers) worker.retire();
    };
    worker.markIdle(this.options.idleTimeout, worker.retireWhenIdle, now);
  }

  #checkIdle(): void {
    if (this.#inFlight === 0 && this.#queued === 0) this.#onIdle?.();
  }

  /**
   * Stops accepting tasks. With `wait` (default), resolves once running and
   * pending tasks have settled and every worker has exited; with
   * `cancelPending`, tasks not yet started are cancelled first. Calling it
   * again is harmless.
   */
  shutdown(options?: ShutdownOptions): Promise<void> {
    const { wait, cancelPending } = this.shutdownOptions(options);
    if (cancelPending) this.#cancelPending(new CancelledError(`Executor "${this.options.name}" shut down before the task started`));
    this.#close();
    return wait ? this.#shutdownDone! : Promise.resolve();
  }

  /**
   * Stops every worker now, like Python 3.14's
   * `ProcessPoolExecutor.terminate_workers()`: running and pending tasks are
   * cancelled (`CancelledError`), each worker is terminated, and the executor
   * is shut down. Resolves once every worker has exited.
   *
   * @example
   * ```ts
   * const future = executor.submit(tasks.spin);
   * await executor.terminateWorkers();
   * await future.catch((error) => error.name); // "CancelledError"
   * ```
   */
  terminateWorkers(): Promise<void> {
    return this.#stopAll(new CancelledError(`Executor "${this.options.name}": its workers were terminated (terminateWorkers)`));
  }

  /**
   * Like `terminateWorkers()`, Python 3.14's `kill_workers()`: the same
   * contract here, since terminating a worker already stops it at once on
   * every runtime that can (a child process gets its `killSignal`, then
   * SIGKILL).
   *
   * @example
   * ```ts
   * await executor.killWorkers();
   * executor.stats.workers; // 0
   * ```
   */
  killWorkers(): Promise<void> {
    return this.#stopAll(new CancelledError(`Executor "${this.options.name}": its workers were killed (killWorkers)`));
  }

  #stopAll(reason: CancelledError): Promise<void> {
    this.#cancelPending(reason);
    for (const worker of this.#workers) for (const task of [...worker.inFlight.values()]) if (!task.done()) this.#settle(task, "cancelled", reason);
    this.#close();
    for (const worker of [...this.#workers]) worker.retire();
    return this.#shutdownDone!;
  }

  #cancelPending(reason: CancelledError): void {
    for (const task of this.#queue) if (!task.done()) task.cancel(reason);
    for (const worker of this.#workers) for (const task of [...worker.inFlight.values()]) if (!this.#isPossiblyStarted(task)) task.cancel(reason);
  }

  #close(): void {
    if (this.#shutdownDone) return;
    this.#closing = true;
    if (this.#respawnTimer !== undefined) {
      this.#clock.clearTimeout(this.#respawnTimer);
      this.#respawnTimer = undefined;
    }
    if (this.#queued > 0) this.#dispatch();
    for (const worker of this.#workers) worker.markBusy();
    this.#shutdownDone = new Promise<void>((resolve) => {
      this.#onIdle = () => {
        this.#onIdle = undefined;
        // A copy: a handle whose terminate() reports the exit at once (web Workers on Deno) leaves #workers while we iterate.
        const exits = [...this.#workers].map((worker) => {
          worker.retiring = true;
          return worker.handle.terminate().catch(() => {});
        });
        void Promise.all(exits).then(() => resolve());
      };
      this.#checkIdle();
    });
  }

  /** What the executor is doing now. */
  get stats(): ExecutorStats {
    let running = 0;
    let idle = 0;
    const perWorker = this.options.concurrentTasksPerWorker;
    for (const worker of this.#workers) {
      let unsettled = 0;
      for (const task of worker.inFlight.values()) if (!task.done()) unsettled++;
      running += Math.min(perWorker, unsettled);
      if (worker.inFlight.size === 0) idle++;
    }
    const counts = this.counts;
    return {
      workers: this.#workers.length,
      idle,
      queued: this.unsettledCount - running,
      running,
      ...counts,
    };
  }
}

/** Throws TaskArgumentError naming the path when `value` cannot cross to a worker. */
function checkSendable(value: unknown, path: string, what: string): void {
  let copyError: unknown;
  try {
    structuredClone(value);
    return;
  } catch (error) {
    copyError = error;
  }
  throw uncloneableError(value, path, what, copyError)!;
}

/**
 * The TaskArgumentError for a task whose arguments copy but whose send still failed with the
 * host's clone error: its transfer list (something that cannot be transferred, or a buffer already
 * detached). Undefined when the host's error is not the task's fault.
 */
function untransferableError(task: PoolTask, sendError: unknown): TaskArgumentError | undefined {
  if (!task.transfer?.length) return undefined;
  // DataCloneError on most hosts; Node 20 throws TypeError "Found invalid object in transferList".
  const { name, message } = (sendError ?? {}) as { name?: unknown; message?: unknown };
  if (name !== "DataCloneError" && !(name === "TypeError" && /transfer/i.test(String(message)))) return undefined;
  return new TaskArgumentError(`Cannot send the task to a worker: its transfer list was refused (${errorMessage(sendError)}). A transfer list may hold only transferable objects (ArrayBuffer, MessagePort, streams), each once and not yet transferred.`, { cause: sendError });
}

/** The TaskArgumentError for a value that cannot be copied to a worker, naming the path; undefined when it can be copied. */
function uncloneableError(value: unknown, path: string, what: string, sendError: unknown): TaskArgumentError | undefined {
  let found = findUncloneable(value, path);
  let cause = sendError;
  if (found === undefined) {
    try {
      structuredClone(value);
      return undefined;
    } catch (error) {
      cause = error;
      found = `${path} cannot be copied (${errorMessage(error)})`;
    }
  }
  return new TaskArgumentError(`${what}: ${found}. Only structured-cloneable values cross to a worker; pass data, and define behaviour in the task module.`, { cause });
}

