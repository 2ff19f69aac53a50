import type { Transferable } from "../protocol/protocol.js";
import { systemClock, type Clock, type TimerHandle } from "../asyncio/clock.js";
import { Deque } from "./deque.js";
import { CancelledError, TaskArgumentError, WorkerCrashedError } from "../errors.js";
import type { ExecutorStats, RunOptions, ShutdownOptions } from "../executor/executor.js";
import { findUncloneable } from "../protocol/find-uncloneable.js";
import { Future, rejectedFuture } from "../executor/future.js";
import { ExecutorBase, submissionRefusal } from "../executor/executor-base.js";
import { resolvePoolOptions, type PoolOptions, type ResolvedPoolOptions } from "./pool-options.js";
import { PROTOCOL_VERSION, RECORD_FIELDS, type Message, type SerializedError, type WorkerOp } from "../protocol/protocol.js";
import { appendCallSite, deserializeError, serializeError } from "../protocol/serialize-error.js";
import { armRunOptions, validateRunOptions } from "../executor/run-options.js";
import { describeValue } from "../check-arguments.js";
import type { Spawner, SpawnerCapabilities, WorkerHandle } from "./spawner.js";
import { describeTask, type TaskDescriptor, type TaskLike } from "../tasks.js";

/** Aim for about this much work per worker per message, so tiny tasks batch and long ones do not pile up. */
const BATCH_TARGET_MS = 2;
/** The most tasks sent ahead to one worker. */
const MAX_TASKS_AHEAD = 1024;
/** Consecutive worker start failures after which queued tasks fail instead of waiting. */
const MAX_START_FAILURES = 3;

class PoolTask extends Future<unknown> {
  worker: WorkerSlot | undefined;
  /** Its place in its worker's order of tasks (1, 2, ...), compared with the worker's shared progress counter. */
  seq = 0;
  graceTimer: TimerHandle | undefined;
  /** Disarms the task's timeout and abort listener (from armRunOptions). */
  disarm: (() => void) | undefined;
  constructor(
    readonly pool: WorkerPool,
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
    return this.worker !== undefined && this.pool.isPossiblyStarted(this);
  }
  protected override onCancel(reason: CancelledError): void {
    this.pool.stopTask(this, "cancelled", reason);
  }
}

class WorkerSlot {
  readonly inFlight = new Map<number, PoolTask>();
  readonly defined = new Set<number>();
  /** Shared memory where the worker counts the tasks it has taken up (where the runtime shares memory). */
  readonly progress: Int32Array | undefined;
  outbox: Message = [];
  outTransfer: Transferable[] = [];
  ready = false;
  exited = false;
  retiring = false;
  referenced = true;
  tasksSent = 0;
  lastMark = 0;
  lastError: unknown;
  idleTimer: TimerHandle | undefined;
  constructor(readonly id: number, readonly handle: WorkerHandle, sharedMemory: boolean) {
    this.progress = sharedMemory ? new Int32Array(new SharedArrayBuffer(4)) : undefined;
  }
}

/**
 * The engine behind every offloop executor: queue, batching, dispatch,
 * worker lifecycle, crash recovery, idle reaping, timeouts, cancellation,
 * stats and shutdown. An adapter gives it a `Spawner` that starts workers on
 * its runtime; users construct the adapter's executor, e.g.
 * `ThreadPoolExecutor`.
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
  readonly #queue = new Deque<PoolTask>();
  readonly #workers: WorkerSlot[] = [];
  #queued = 0;
  #inFlight = 0;
  #nextTaskId = 1;
  #nextWorkerId = 0;
  #dispatchScheduled = false;
  #flushScheduled = false;
  #averageTaskMs: number | undefined;
  #startFailures = 0;
  #respawnTimer: TimerHandle | undefined;
  #closing = false;
  #shutdownDone: Promise<void> | undefined;
  #onIdle: (() => void) | undefined;
  #submitted = 0;
  #completed = 0;
  #failed = 0;
  #cancelled = 0;

  constructor(options: PoolOptions | undefined, spawner: Spawner) {
    super();
    const defaults = spawner.defaultMaxWorkers ?? (globalThis as { navigator?: { hardwareConcurrency?: number } }).navigator?.hardwareConcurrency ?? 4;
    const resolved = resolvePoolOptions(options, defaults);
    if (options?.idleTimeout === undefined && spawner.defaultIdleTimeout !== undefined) resolved.idleTimeout = spawner.defaultIdleTimeout;
    if (resolved.initializer !== undefined) describeTask(resolved.initializer);
    this.options = Object.freeze(resolved);
    this.capabilities = Object.freeze({ ...spawner.capabilities });
    this.#spawner = spawner;
    this.#clock = resolved.clock ?? systemClock;
    for (let index = 0; index < resolved.minWorkers; index++) this.#spawn();
  }

  protected get captureCallSite(): boolean {
    return this.options.captureCallSite;
  }

  protected get mapParallelism(): number {
    return this.options.maxWorkers * this.options.concurrentTasksPerWorker;
  }

  protected enqueue(task: TaskLike, args: unknown[], options: RunOptions | undefined, chunk: boolean, callSite?: Error): Future<unknown> {
    const descriptor = describeTask(task);
    if (options !== undefined) validateRunOptions(options);
    this.#submitted++;
    const refusal = submissionRefusal({ closing: this.#closing, name: this.options.name, pending: this.#pendingCount(), maxQueue: this.options.maxQueue, signal: options?.signal });
    if (refusal) {
      if (refusal.cancelled) this.#cancelled++;
      else this.#failed++;
      return rejectedFuture(refusal.error);
    }
    if (callSite === undefined && this.options.captureCallSite) callSite = new Error("submitted here");
    const poolTask = new PoolTask(this, this.#nextTaskId++, descriptor, args, chunk, options?.transfer, options?.onProgress, callSite);
    poolTask.disarm = armRunOptions(poolTask, options, (error) => this.stopTask(poolTask, "timeout", error), this.#clock);
    this.#queue.push(poolTask);
    this.#queued++;
    this.#scheduleDispatch();
    return poolTask;
  }

  #pendingCount(): number {
    let prefetched = 0;
    const perWorker = this.options.concurrentTasksPerWorker;
    for (const worker of this.#workers) prefetched += Math.max(0, worker.inFlight.size - perWorker);
    return this.#queued + prefetched;
  }

  #scheduleDispatch(): void {
    if (this.#dispatchScheduled) return;
    this.#dispatchScheduled = true;
    queueMicrotask(() => {
      this.#dispatchScheduled = false;
      this.#dispatch();
    });
  }

  /** Hands queued tasks to workers, least loaded first, starting workers as needed. */
  #dispatch(): void {
    while (this.#queued > 0) {
      const worker = this.#leastLoadedWorker();
      if (!worker) {
        if (this.#workers.length < this.options.maxWorkers && this.#startFailures < MAX_START_FAILURES && !this.#respawnTimer) {
          this.#spawn();
          continue;
        }
        break;
      }
      const room = this.#tasksAhead() - worker.inFlight.size;
      const sendable = Math.min(room, this.options.maxTasksPerWorker - worker.tasksSent);
      if (worker.inFlight.size === 0) {
        worker.lastMark = this.#clock.now();
        this.#markBusy(worker);
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

  #tasksAhead(): number {
    const perWorker = this.options.concurrentTasksPerWorker;
    if (this.#averageTaskMs === undefined) return perWorker;
    return Math.max(perWorker, Math.min(MAX_TASKS_AHEAD, Math.floor(BATCH_TARGET_MS / Math.max(this.#averageTaskMs, 0.0001))));
  }

  #leastLoadedWorker(): WorkerSlot | undefined {
    const ahead = this.#tasksAhead();
    let best: WorkerSlot | undefined;
    for (const worker of this.#workers) {
      if (worker.retiring || worker.tasksSent >= this.options.maxTasksPerWorker || worker.inFlight.size >= ahead) continue;
      if (!best || worker.inFlight.size < best.inFlight.size) best = worker;
      if (best.inFlight.size === 0) {
        // An idle worker wins, but a pool below maxWorkers prefers starting one over loading a busy one.
        break;
      }
    }
    if (best && best.inFlight.size > 0 && this.#workers.length < this.options.maxWorkers && this.#startFailures < MAX_START_FAILURES && !this.#respawnTimer) {
      return undefined;
    }
    return best;
  }

  #assign(task: PoolTask, worker: WorkerSlot): void {
    const descriptor = task.descriptor;
    if (!worker.defined.has(descriptor.id)) {
      worker.defined.add(descriptor.id);
      if (descriptor.kind === "module") worker.outbox.push("module", descriptor.id, descriptor.module, descriptor.name);
      else worker.outbox.push("source", descriptor.id, descriptor.source);
    }
    worker.outbox.push(task.chunk ? "chunk" : "run", task.id, descriptor.id, task.args);
    if (task.transfer) worker.outTransfer.push(...task.transfer);
    worker.inFlight.set(task.id, task);
    task.seq = ++worker.tasksSent;
    task.worker = worker;
    this.#inFlight++;
  }

  #flush(worker: WorkerSlot): void {
    if (worker.outbox.length === 0 || worker.exited) return;
    const message = worker.outbox;
    const transfer = worker.outTransfer;
    worker.outbox = [];
    worker.outTransfer = [];
    try {
      worker.handle.send(message, transfer.length > 0 ? transfer : undefined);
    } catch (error) {
      this.#sendSeparately(worker, message, error);
    }
  }

  /** After a send failed: send the definitions, then each task alone; a task that cannot be sent fails with TaskArgumentError. */
  #sendSeparately(worker: WorkerSlot, message: Message, batchError: unknown): void {
    const definitions: Message = [];
    const tasks: PoolTask[] = [];
    for (let index = 0; index < message.length; ) {
      const op = message[index] as keyof typeof RECORD_FIELDS;
      const size = 1 + RECORD_FIELDS[op];
      if (op === "run" || op === "chunk") {
        const task = worker.inFlight.get(message[index + 1] as number);
        if (task) tasks.push(task);
      } else {
        definitions.push(...message.slice(index, index + size));
      }
      index += size;
    }
    try {
      if (definitions.length > 0) worker.handle.send(definitions);
    } catch (error) {
      for (const task of tasks) this.#failUnsent(worker, task, new TaskArgumentError(`Cannot send the task to a worker: ${(error as Error).message}`, { cause: error }));
      return;
    }
    for (const task of tasks) {
      try {
        worker.handle.send([task.chunk ? "chunk" : "run", task.id, task.descriptor.id, task.args], task.transfer);
      } catch (error) {
        const path = findUncloneable(task.args, task.chunk ? "items" : "args");
        const message = path
          ? `Cannot send ${path.replace(/ is /, " to a worker: it is ")}. Only structured-cloneable values cross threads; pass data and define behaviour in the task module.`
          : `Cannot send the task's arguments to a worker: ${(error as Error)?.message ?? String(batchError)}`;
        this.#failUnsent(worker, task, new TaskArgumentError(message, { cause: error }));
      }
    }
  }

  #failUnsent(worker: WorkerSlot, task: PoolTask, error: Error): void {
    this.#release(worker, task);
    this.#settle(task, "rejected", error);
    // The worker may have nothing left: let it go idle (unref'd), or the process would never exit.
    if (worker.inFlight.size === 0 && !worker.exited) this.#markIdle(worker);
    if (this.#inFlight === 0 && this.#queued === 0) this.#onIdle?.();
  }

  #scheduleFlush(): void {
    if (this.#flushScheduled) return;
    this.#flushScheduled = true;
    queueMicrotask(() => {
      this.#flushScheduled = false;
      for (const worker of this.#workers) this.#flush(worker);
    });
  }

  #spawn(): WorkerSlot {
    const workerId = this.#nextWorkerId++;
    const handle = this.#spawner.spawn({ workerId, name: `${this.options.name}-${workerId}` });
    const worker = new WorkerSlot(workerId, handle, this.capabilities.sharedMemory && typeof SharedArrayBuffer === "function");
    this.#workers.push(worker);
    handle.onMessage((message) => this.#receive(worker, message));
    handle.onError((error) => {
      worker.lastError ??= error;
    });
    handle.onExit((code, signal) => this.#onExit(worker, code, signal));
    worker.outbox.push("hello", PROTOCOL_VERSION, workerId, this.options.concurrentTasksPerWorker, worker.progress ?? null);
    const initializer = this.options.initializer;
    if (initializer !== undefined) {
      const descriptor = describeTask(initializer);
      worker.defined.add(descriptor.id);
      if (descriptor.kind === "module") worker.outbox.push("module", descriptor.id, descriptor.module, descriptor.name);
      else worker.outbox.push("source", descriptor.id, descriptor.source);
      worker.outbox.push("init", descriptor.id, this.options.initArgs);
    }
    this.#flush(worker);
    if (this.#closing) return worker;
    this.#markIdle(worker);
    return worker;
  }

  #receive(worker: WorkerSlot, message: Message): void {
    let settledCount = 0;
    for (let index = 0; index < message.length; ) {
      const op = message[index] as WorkerOp;
      switch (op) {
        case "ok":
        case "error":
        case "dropped": {
          const task = worker.inFlight.get(message[index + 1] as number);
          if (task) {
            settledCount++;
            this.#release(worker, task);
            if (op === "ok") this.#settle(task, "fulfilled", message[index + 2]);
            else if (op === "error") this.#settle(task, "rejected", this.#taskError(message[index + 2] as SerializedError, task));
          }
          break;
        }
        case "progress": {
          const task = worker.inFlight.get(message[index + 1] as number);
          if (task?.onProgress && !task.done()) task.onProgress(message[index + 2]);
          break;
        }
        case "ready":
          if (message[index + 1] !== PROTOCOL_VERSION) {
            worker.lastError = new Error(`offloop protocol mismatch: pool ${PROTOCOL_VERSION}, worker ${String(message[index + 1])}`);
            this.#retire(worker);
          } else {
            worker.ready = true;
            worker.lastMark = this.#clock.now();
            if (this.options.initializer === undefined) this.#startFailures = 0;
          }
          break;
        case "initError": {
          const cause = deserializeError(message[index + 1] as SerializedError);
          worker.lastError = new Error(`The executor's initializer failed in worker ${worker.id}: ${cause.message}`, { cause });
          worker.ready = false;
          this.#retire(worker);
          break;
        }
      }
      index += 1 + RECORD_FIELDS[op];
    }
    if (settledCount > 0) {
      if (this.options.initializer !== undefined) this.#startFailures = 0;
      const now = this.#clock.now();
      const sample = (now - worker.lastMark) / settledCount;
      worker.lastMark = now;
      this.#averageTaskMs = this.#averageTaskMs === undefined ? sample : (this.#averageTaskMs + sample) / 2;
      this.#afterProgress(worker);
    }
  }

  /** After tasks left a worker: arm grace timers of cancelled tasks that may now run, recycle, go idle, refill. */
  #afterProgress(worker: WorkerSlot): void {
    if (worker.inFlight.size > 0) this.#armGraceTimers(worker);
    if (worker.tasksSent >= this.options.maxTasksPerWorker && worker.inFlight.size === 0) this.#retire(worker);
    if (worker.inFlight.size === 0 && !worker.exited) this.#markIdle(worker);
    if (this.#queued > 0) this.#dispatch();
    else if (this.#inFlight === 0) this.#onIdle?.();
  }

  #release(worker: WorkerSlot, task: PoolTask): void {
    worker.inFlight.delete(task.id);
    this.#inFlight--;
    if (task.graceTimer !== undefined) this.#clock.clearTimeout(task.graceTimer);
  }

  #settle(task: PoolTask, state: "fulfilled" | "rejected" | "cancelled", value: unknown): void {
    task.disarm?.();
    if (!task.settle(state, value)) return;
    if (state === "fulfilled") this.#completed++;
    else if (state === "rejected") this.#failed++;
    else this.#cancelled++;
  }

  #taskError(serialized: SerializedError, task: PoolTask): Error {
    const error = deserializeError(serialized);
    if (task.callSite) appendCallSite(error, task.callSite);
    return error;
  }

  /** True when the task is among those its worker may have started (the worker starts tasks in order). */
  isPossiblyStarted(task: PoolTask): boolean {
    const worker = task.worker;
    if (!worker) return false;
    let slots = this.options.concurrentTasksPerWorker;
    for (const candidate of worker.inFlight.values()) {
      if (slots <= 0) return false;
      if (candidate === task) return true;
      if (!candidate.done()) slots--;
    }
    return false;
  }

  /** Cancels or times out a task: settle it now, and make sure its work stops. */
  stopTask(task: PoolTask, kind: "cancelled" | "timeout", reason: Error): void {
    if (task.done()) return;
    this.#settle(task, kind === "cancelled" ? "cancelled" : "rejected", reason);
    const worker = task.worker;
    if (!worker) {
      this.#queued--;
      if (this.#inFlight === 0 && this.#queued === 0) this.#onIdle?.();
      return;
    }
    worker.outbox.push("cancel", task.id, serializeError(reason));
    this.#scheduleFlush();
    this.#armGraceTimers(worker);
  }

  #armGraceTimers(worker: WorkerSlot): void {
    let slots = this.options.concurrentTasksPerWorker;
    for (const task of worker.inFlight.values()) {
      if (slots <= 0) break;
      if (!task.done()) {
        slots--;
        continue;
      }
      if (task.graceTimer === undefined) {
        task.graceTimer = this.#clock.setTimeout(() => {
          if (worker.inFlight.get(task.id) === task && !worker.exited) {
            worker.lastError = new Error(`Worker ${worker.id} was terminated: a cancelled task did not stop within cancelGrace (${this.options.cancelGrace} ms)`);
            this.#retire(worker);
          }
        }, this.options.cancelGrace);
      }
    }
  }

  /** Stops a worker on purpose; its unstarted tasks go back to the queue when it exits. */
  #retire(worker: WorkerSlot): void {
    if (worker.retiring) return;
    worker.retiring = true;
    if (worker.idleTimer !== undefined) this.#clock.clearTimeout(worker.idleTimer);
    this.#markBusy(worker);
    worker.handle.terminate().catch(() => {});
  }

  #onExit(worker: WorkerSlot, code: number | null, signal?: string | null): void {
    if (worker.exited) return;
    worker.exited = true;
    if (worker.idleTimer !== undefined) this.#clock.clearTimeout(worker.idleTimer);
    this.#workers.splice(this.#workers.indexOf(worker), 1);
    const startFailed = !worker.ready && (!worker.retiring || worker.lastError !== undefined);
    const how = signal ? `was killed by ${signal}` : `exited with code ${code}`;
    const requeue: PoolTask[] = [];
    // With shared memory the worker said exactly how many tasks it took up (results of finished ones may
    // have died with it); without, tasks start in order, so at most `concurrentTasksPerWorker` may have.
    const takenUp = worker.progress ? Atomics.load(worker.progress, 0) : undefined;
    let slots = this.options.concurrentTasksPerWorker;
    for (const task of worker.inFlight.values()) {
      this.#release(worker, task);
      if (task.done()) continue;
      const started = takenUp !== undefined ? task.seq <= takenUp : slots > 0 && worker.ready;
      if (slots > 0) slots--;
      if (started) {
        const message = `Worker ${worker.id} ${how} while running this task${worker.lastError ? `: ${(worker.lastError as Error).message ?? String(worker.lastError)}` : ""}`;
        this.#settle(task, "rejected", new WorkerCrashedError(message, { cause: worker.lastError }));
        continue;
      }
      task.worker = undefined;
      requeue.push(task);
    }
    for (let index = requeue.length - 1; index >= 0; index--) {
      this.#queue.unshift(requeue[index]!);
      this.#queued++;
    }
    if (startFailed) this.#startFailed(worker, how);
    if (!this.#closing) while (this.#workers.length < this.options.minWorkers && this.#startFailures === 0) this.#spawn();
    if (this.#queued > 0 && !this.#respawnTimer) this.#dispatch();
    else if (this.#inFlight === 0 && this.#queued === 0) this.#onIdle?.();
  }

  #startFailed(worker: WorkerSlot, how: string): void {
    this.#startFailures++;
    const cause = worker.lastError;
    if (this.#startFailures >= MAX_START_FAILURES) {
      const error = new WorkerCrashedError(
        `Workers failed to start ${this.#startFailures} times in a row (the last ${how})${cause ? `: ${(cause as Error).message ?? String(cause)}` : ""}`,
        { cause },
      );
      for (const task of this.#queue) {
        if (task.done()) continue;
        this.#queued--;
        this.#settle(task, "rejected", error);
      }
      while (this.#queue.length > 0) this.#queue.shift();
      this.#startFailures = 0;
      return;
    }
    const delay = 50 * 2 ** (this.#startFailures - 1);
    this.#respawnTimer = this.#clock.setTimeout(() => {
      this.#respawnTimer = undefined;
      this.#dispatch();
    }, delay);
  }

  #markBusy(worker: WorkerSlot): void {
    if (worker.idleTimer !== undefined) {
      this.#clock.clearTimeout(worker.idleTimer);
      worker.idleTimer = undefined;
    }
    if (!worker.referenced) {
      worker.referenced = true;
      worker.handle.ref();
    }
  }

  #markIdle(worker: WorkerSlot): void {
    if (worker.retiring || this.#closing) return;
    if (worker.referenced) {
      worker.referenced = false;
      worker.handle.unref();
    }
    if (worker.idleTimer === undefined && this.options.idleTimeout !== Infinity) {
      worker.idleTimer = this.#clock.setTimeout(
        () => {
          worker.idleTimer = undefined;
          if (worker.inFlight.size === 0 && this.#workers.length > this.options.minWorkers) this.#retire(worker);
        },
        this.options.idleTimeout,
        { unref: true },
      );
    }
  }

  /**
   * Stops accepting tasks. With `wait` (default), resolves once running and
   * pending tasks have settled and every worker has exited; with
   * `cancelPending`, tasks not yet started are cancelled first. Calling it
   * again is harmless.
   */
  shutdown(options: ShutdownOptions = {}): Promise<void> {
    if (typeof options !== "object" || options === null) throw new TypeError(`Expected options to be an object, got ${describeValue(options)}`);
    const { wait = true, cancelPending = false } = options;
    if (typeof wait !== "boolean") throw new TypeError(`Expected wait to be a boolean, got ${describeValue(wait)}`);
    if (typeof cancelPending !== "boolean") throw new TypeError(`Expected cancelPending to be a boolean, got ${describeValue(cancelPending)}`);
    if (cancelPending) {
      const reason = new CancelledError(`Executor "${this.options.name}" shut down before the task started`);
      for (const task of this.#queue) if (!task.done()) task.cancel(reason);
      for (const worker of this.#workers) for (const task of worker.inFlight.values()) if (!this.isPossiblyStarted(task)) task.cancel(reason);
    }
    if (!this.#shutdownDone) {
      this.#closing = true;
      if (this.#respawnTimer !== undefined) {
        this.#clock.clearTimeout(this.#respawnTimer);
        this.#respawnTimer = undefined;
        if (this.#queued > 0) this.#dispatch();
      }
      for (const worker of this.#workers) this.#markBusy(worker);
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
        if (this.#inFlight === 0 && this.#queued === 0) this.#onIdle();
      });
    }
    return wait ? this.#shutdownDone : Promise.resolve();
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
    const unsettledTotal = this.#submitted - this.#completed - this.#failed - this.#cancelled;
    return {
      workers: this.#workers.length,
      idle,
      queued: unsettledTotal - running,
      running,
      submitted: this.#submitted,
      completed: this.#completed,
      failed: this.#failed,
      cancelled: this.#cancelled,
    };
  }
}
