import { Queue, QueueEvents, type ConnectionOptions, type JobsOptions } from "bullmq";
import type { Redis } from "ioredis";
import {
  CancelledError,
  ExecutorBase,
  Future,
  WorkerCrashedError,
  appendCallSite,
  deserializeError,
  describeTask,
  describeValue,
  integerOption,
  ownOptions,
  isSerializedError,
  validateRunOptions,
  type ExecutorStats,
  type RunOptions,
  type ShutdownOptions,
  type SpawnerCapabilities,
  type TaskDescriptor,
  type TaskLike,
} from "@offloop/core";
import { refuseShared } from "@offloop/core/shared";
import { decode, encode } from "./codec.js";
import { JOB_VERSION, cancelChannel, moduleRef, type JobData, type ProgressEnvelope } from "./protocol.js";

/** Options of `BullMQExecutor`. */
export interface BullMQExecutorOptions {
  /** Where Redis is: `{ host, port }` plus any ioredis option (password, username, db, tls), or an ioredis instance. */
  connection: ConnectionOptions;
  /** The BullMQ queue's name; worker hosts started with the same name serve it. */
  queue: string;
  /** BullMQ's key prefix in Redis. Default "bull". */
  prefix?: string;
  /** The most tasks submitted and not yet started; past it `submit` rejects with QueueFullError. Default Infinity. */
  maxQueue?: number;
  /** Times BullMQ runs a task that throws before it fails (BullMQ's `attempts`). Default 1: no retries. */
  attempts?: number;
  /** Delay between attempts (BullMQ's `backoff`): milliseconds, or `{ type: "exponential", delay }`. */
  backoff?: JobsOptions["backoff"];
  /** Which completed jobs Redis keeps (BullMQ's `removeOnComplete`). Default true: the result travels in the event. */
  removeOnComplete?: JobsOptions["removeOnComplete"];
  /** Which failed jobs Redis keeps (BullMQ's `removeOnFail`). Default `{ count: 1000 }`. */
  removeOnFail?: JobsOptions["removeOnFail"];
  /** App root: task modules under it are named by their path relative to it, so hosts find them under their own root. Default `process.cwd()`. */
  root?: string;
  /** Append the submitting call site to a task error's stack. Default false (it costs a stack capture per task). */
  captureCallSite?: boolean;
  /** A name for error messages. Default the queue's name. */
  name?: string;
}

const optionNames = new Set([
  "connection", "queue", "prefix", "maxQueue", "attempts", "backoff", "removeOnComplete", "removeOnFail", "root", "captureCallSite", "name",
]);

/** How often, at most, `stats.workers` asks Redis which hosts serve the queue. */
const WORKER_COUNT_REFRESH_MS = 1000;

class JobFuture extends Future<unknown> {
  /** A host has taken the job (BullMQ's "active"); false again if it stalls back to waiting. */
  isStarted = false;
  /** The job is in Redis. */
  added = false;
  /** Disarms the job's timeout and abort listener (from armRunOptions). */
  disarm: (() => void) | undefined;
  error: string | undefined;
  constructor(
    readonly onCancelled: (future: JobFuture, reason: CancelledError) => void,
    readonly jobId: string,
    readonly onProgress: ((value: unknown) => void) | undefined,
    readonly callSite: Error | undefined,
  ) {
    super();
  }
  protected override get started(): boolean {
    return this.isStarted;
  }
  protected override onCancel(reason: CancelledError): void {
    this.onCancelled(this, reason);
  }
}

/**
 * An executor whose workers are BullMQ worker hosts on any number of
 * machines: each task becomes a BullMQ job on a Redis queue (task module and
 * name, arguments in a structured-clone codec), and its Future settles from
 * the queue's events. Start hosts with `startWorker` or the `offloop-worker`
 * CLI. Cancellation removes a waiting job or signals the host running it;
 * timeouts are kept here and cancel the same way.
 *
 * @example
 * ```ts
 * import { BullMQExecutor } from "@offloop/bullmq";
 * import tasks from "./tasks.js";
 * await using executor = new BullMQExecutor({ connection: { host: "127.0.0.1", port: 6379 }, queue: "offloop" });
 * console.log(await executor.submit(tasks.fib, 30));
 * ```
 */
export class BullMQExecutor extends ExecutorBase {
  /** What this executor can do: no transfer lists and no shared memory across machines. */
  readonly capabilities: Readonly<SpawnerCapabilities> = Object.freeze({
    transfer: false,
    sharedMemory: false,
    resourceLimits: false,
    permissions: false,
    terminatesBusyLoop: true,
    crashIsolation: true,
    unref: false,
  });
  readonly #name: string;
  readonly #queueName: string;
  readonly #prefix: string;
  readonly #root: string;
  readonly #maxQueue: number;
  protected readonly captureCallSite: boolean;
  readonly #jobOptions: JobsOptions;
  readonly #connection: ConnectionOptions;
  readonly #queue: Queue;
  readonly #events: QueueEvents;
  readonly #futures = new Map<string, JobFuture>();
  readonly #background = new Set<Promise<unknown>>();
  #outbox: Array<{ future: JobFuture; name: string; data: JobData }> = [];
  #adding: Promise<void> | undefined;
  #idPrefix = `${Date.now().toString(36)}${Math.random().toString(36).slice(2, 8)}`;
  #nextId = 1;
  #closing = false;
  #shutdownDone: Promise<void> | undefined;
  #started = 0;
  #workers = 0;
  #workersCheckedAt = -Infinity;
  #workersChecking = false;
  #warned = new Set<string>();

  constructor(options: BullMQExecutorOptions) {
    super();
    if (typeof options !== "object" || options === null) throw new TypeError(`Expected options to be an object with connection and queue, got ${describeValue(options)}`);
    // Own properties only: a polluted Object.prototype must not configure the executor.
    options = ownOptions(options) as BullMQExecutorOptions;
    for (const key of Object.keys(options)) {
      if (!optionNames.has(key)) throw new TypeError(`Unknown option ${JSON.stringify(key)}; expected one of ${[...optionNames].join(", ")}`);
    }
    if (typeof options.connection !== "object" || options.connection === null) {
      throw new TypeError(`Expected connection to be an object such as { host: "127.0.0.1", port: 6379 }, got ${describeValue(options.connection)}`);
    }
    if (typeof options.queue !== "string" || options.queue === "" || options.queue.includes(":")) {
      throw new TypeError(`Expected queue to be a non-empty string without ":", got ${describeValue(options.queue)}`);
    }
    for (const key of ["prefix", "root", "name"] as const) {
      if (options[key] !== undefined && typeof options[key] !== "string") throw new TypeError(`Expected ${key} to be a string, got ${describeValue(options[key])}`);
    }
    if (options.captureCallSite !== undefined && typeof options.captureCallSite !== "boolean") {
      throw new TypeError(`Expected captureCallSite to be a boolean, got ${describeValue(options.captureCallSite)}`);
    }
    this.#maxQueue = integerOption("maxQueue", options.maxQueue, Infinity, 0);
    const attempts = integerOption("attempts", options.attempts, 1, 1);
    this.#queueName = options.queue;
    this.#name = options.name ?? options.queue;
    this.#prefix = options.prefix ?? "bull";
    this.#root = options.root ?? process.cwd();
    this.captureCallSite = options.captureCallSite ?? false;
    this.#connection = options.connection;
    this.#jobOptions = {
      attempts,
      ...(options.backoff !== undefined && { backoff: options.backoff }),
      removeOnComplete: options.removeOnComplete ?? true,
      removeOnFail: options.removeOnFail ?? { count: 1000 },
    };
    this.#queue = new Queue(this.#queueName, { connection: this.#connection, prefix: this.#prefix });
    this.#queue.on("error", (error) => this.#warn(error));
    this.#events = this.#listen();
  }

  /**
   * Reads the queue's events. It starts from the oldest event BullMQ still
   * keeps (about 10,000 at most), so that no event of this executor's jobs
   * can be missed however late the reader connects, and the first jobs need
   * not wait for it. Events of other producers' jobs are skipped.
   */
  #listen(): QueueEvents {
    const events = new QueueEvents(this.#queueName, { connection: this.#connection, prefix: this.#prefix, lastEventId: "0-0" });
    events.on("error", (error) => this.#warn(error));
    events.on("active", ({ jobId }) => this.#setStarted(this.#futures.get(jobId), true));
    events.on("waiting", ({ jobId }) => this.#setStarted(this.#futures.get(jobId), false));
    events.on("delayed", ({ jobId }) => this.#setStarted(this.#futures.get(jobId), false));
    events.on("progress", ({ jobId, data }) => this.#onProgress(this.#futures.get(jobId), data as unknown as ProgressEnvelope));
    events.on("completed", ({ jobId, returnvalue }) => this.#onCompleted(this.#futures.get(jobId), returnvalue as unknown as string));
    events.on("failed", ({ jobId, failedReason }) => this.#onFailed(this.#futures.get(jobId), failedReason));
    events.on("removed", ({ jobId }) => {
      const future = this.#futures.get(jobId);
      if (future) this.#settle(future, "cancelled", new CancelledError(`Job ${jobId} was removed from queue "${this.#queueName}" by someone else`));
    });
    events.waitUntilReady().then(() => this.#refreshWorkers(), (error: unknown) => this.#warn(error));
    return events;
  }

  /** `map` runs at most this many chunks at once by default (jobs are spread over the hosts). */
  protected readonly mapParallelism = 64;

  protected enqueue(task: TaskLike, args: unknown[], options: RunOptions | undefined, chunk: boolean, callSite?: Error): Future<unknown> {
    const descriptor = describeTask(task);
    if (options !== undefined) validateRunOptions(options);
    const refused = this.admit({ closing: this.#closing, name: this.#name, waiting: this.#futures.size - this.#started, maxQueue: this.#maxQueue, signal: options?.signal });
    if (refused) return refused;
    const unshared = refuseShared(args, `BullMQExecutor "${this.#name}"`);
    if (unshared) return this.refuseAdmitted(unshared);
    let data: JobData;
    try {
      data = { v: JOB_VERSION, ...this.#taskFields(descriptor), a: encode(args, chunk ? "items" : "args"), ...(chunk && { c: 1 as const }) };
    } catch (error) {
      return this.refuseAdmitted(error);
    }
    if (callSite === undefined && this.captureCallSite) callSite = new Error("submitted here");
    const future = new JobFuture(this.#onCancelled, `${this.#idPrefix}-${this.#nextId++}`, options?.onProgress, callSite);
    this.#futures.set(future.jobId, future);
    future.disarm = this.armRunOptions(future, options, (error) => this.#stop(future, "timeout", error));
    this.#outbox.push({ future, name: descriptor.kind === "module" ? descriptor.name : taskNameFromSource(descriptor.source), data });
    if (!this.#adding) this.#adding = this.#flush();
    return future;
  }

  #taskFields(descriptor: TaskDescriptor): Pick<JobData, "m" | "n" | "s"> {
    return descriptor.kind === "module" ? { m: moduleRef(descriptor.module, this.#root), n: descriptor.name } : { s: descriptor.source };
  }

  /** Adds the jobs submitted so far in one `addBulk`; while it runs, new ones gather for the next. */
  async #flush(): Promise<void> {
    await Promise.resolve(); // gather this tick's submissions
    while (this.#outbox.length > 0) {
      const batch = this.#outbox.filter(({ future }) => !future.done());
      this.#outbox = [];
      if (batch.length === 0) continue;
      try {
        await this.#queue.addBulk(batch.map(({ future, name, data }) => ({ name, data, opts: { ...this.#jobOptions, jobId: future.jobId } })));
        for (const { future } of batch) future.added = true;
      } catch (error) {
        for (const { future } of batch) this.#settle(future, "rejected", error);
      }
    }
    this.#adding = undefined;
  }

  #setStarted(future: JobFuture | undefined, started: boolean): void {
    if (!future || future.isStarted === started || future.done()) return;
    future.isStarted = started;
    this.#started += started ? 1 : -1;
  }

  #onProgress(future: JobFuture | undefined, envelope: ProgressEnvelope): void {
    if (!future || typeof envelope !== "object" || envelope === null) return;
    if (envelope.offloop === "error") future.error = envelope.error;
    else if (envelope.offloop === "progress" && future.onProgress) {
      try {
        future.onProgress(decode(envelope.value));
      } catch (error) {
        queueMicrotask(() => {
          throw error;
        });
      }
    }
  }

  #onCompleted(future: JobFuture | undefined, returnvalue: string): void {
    if (!future) return;
    let value: unknown;
    try {
      value = decode(returnvalue);
    } catch (error) {
      this.#settle(future, "rejected", new TypeError(`Cannot read the result of job ${future.jobId}: is the host an offloop-worker of the same version?`, { cause: error }));
      return;
    }
    this.#settle(future, "fulfilled", value);
  }

  #onFailed(future: JobFuture | undefined, failedReason: string): void {
    if (!future) return;
    let error: Error;
    if (future.error !== undefined) {
      const serialized = decode(future.error);
      error = isSerializedError(serialized) ? deserializeError(serialized) : new Error(failedReason);
    } else if (/stalled/i.test(failedReason)) {
      error = new WorkerCrashedError(`The worker host running job ${future.jobId} died or stalled too often: ${failedReason}`);
    } else {
      error = new Error(failedReason);
    }
    if (future.callSite) appendCallSite(error, future.callSite);
    this.#settle(future, "rejected", error);
  }

  #settle(future: JobFuture, state: "fulfilled" | "rejected" | "cancelled", value: unknown): void {
    future.disarm?.();
    const started = future.isStarted;
    if (!this.settleTask(future, state, value)) return;
    this.#futures.delete(future.jobId);
    if (started) this.#started--;
    if (this.#workers === 0 || performance.now() - this.#workersCheckedAt > WORKER_COUNT_REFRESH_MS) void this.#refreshWorkers();
  }

  /** Cancels or times out a task: settles its Future now, then removes the job, or tells its host to stop it. */
  readonly #onCancelled = (future: JobFuture, reason: CancelledError): void => this.#stop(future, "cancelled", reason);

  #stop(future: JobFuture, kind: "cancelled" | "timeout", reason: Error): void {
    if (future.done()) return;
    this.#settle(future, kind === "cancelled" ? "cancelled" : "rejected", reason);
    this.#track(this.#cancelJob(future.jobId, kind));
  }

  /** Cancels a task only if its job is still waiting in Redis (the queue, not this executor's events, says whether it started). */
  async #cancelIfWaiting(future: JobFuture, reason: CancelledError): Promise<void> {
    if (!future.added) {
      future.cancel(reason);
      return;
    }
    try {
      if ((await this.#queue.remove(future.jobId)) === 1) this.#settle(future, "cancelled", reason);
    } catch (error) {
      this.#warn(error);
    }
  }

  async #cancelJob(jobId: string, kind: "cancelled" | "timeout"): Promise<void> {
    while (this.#adding) await this.#adding;
    try {
      const removed = await this.#queue.remove(jobId);
      if (removed === 1) return;
      const client = (await this.#queue.getBackend().client) as unknown as Redis;
      await client.publish(cancelChannel(this.#prefix, this.#queueName), JSON.stringify({ id: jobId, kind }));
    } catch (error) {
      this.#warn(error);
    }
  }

  #track(promise: Promise<unknown>): void {
    this.#background.add(promise);
    void promise.finally(() => this.#background.delete(promise));
  }

  async #refreshWorkers(): Promise<void> {
    if (this.#workersChecking || this.#closing) return;
    this.#workersChecking = true;
    this.#workersCheckedAt = performance.now();
    try {
      this.#workers = await this.#queue.getWorkersCount();
    } catch {
      // Some hosted Redis forbid CLIENT LIST; stats.workers then stays 0.
    } finally {
      this.#workersChecking = false;
    }
  }

  #warn(error: unknown): void {
    const message = error instanceof Error ? error.message : String(error);
    if (this.#warned.has(message) || this.#closing) return;
    this.#warned.add(message);
    console.warn(`[offloop/bullmq] executor "${this.#name}": ${message}`);
  }

  /**
   * Stops accepting tasks. With `wait` (default), resolves once every
   * submitted task has settled and the Redis connections are closed; with
   * `cancelPending`, tasks not yet started on a host are cancelled first.
   */
  shutdown(options?: ShutdownOptions): Promise<void> {
    const { wait, cancelPending } = this.shutdownOptions(options);
    if (cancelPending) {
      const reason = new CancelledError(`Executor "${this.#name}" shut down before the task started`);
      for (const future of [...this.#futures.values()]) if (!future.isStarted) this.#track(this.#cancelIfWaiting(future, reason));
    }
    if (!this.#shutdownDone) {
      this.#closing = true;
      this.#shutdownDone = (async () => {
        await Promise.allSettled([...this.#futures.values()].map((future) => future.promise));
        while (this.#adding) await this.#adding;
        while (this.#background.size > 0) await Promise.allSettled([...this.#background]);
        await Promise.allSettled([this.#events.close(), this.#queue.close()]);
      })();
    }
    return wait ? this.#shutdownDone : Promise.resolve();
  }

  /**
   * What the executor is doing. `workers` is the number of worker hosts that
   * Redis reports on the queue (refreshed at most once a second, 0 after
   * shutdown); `running` counts this executor's jobs that a host has started.
   */
  get stats(): ExecutorStats {
    const running = this.#started;
    const workers = this.#shutdownDone ? 0 : this.#workers;
    return {
      workers,
      idle: running === 0 ? workers : Math.max(0, workers - running),
      queued: this.#futures.size - running,
      running,
      ...this.counts,
    };
  }
}

function taskNameFromSource(source: string): string {
  const match = /^\s*(?:async\s+)?(?:function\s*\*?\s*)?([A-Za-z_$][\w$]*)\s*\(/.exec(source);
  return match?.[1] && match[1] !== "function" ? match[1] : "function";
}
