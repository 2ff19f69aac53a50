import { hostname } from "node:os";
import { UnrecoverableError, Worker, type ConnectionOptions, type Job } from "bullmq";
import { Redis } from "ioredis";
import {
  CancelledError,
  InlineExecutor,
  TimeoutError,
  describeValue,
  integerOption,
  serializeError,
  type Executor,
  type PoolOptions,
  type TaskLike,
} from "@offloop/core";
import { ThreadPoolExecutor } from "@offloop/node-worker-threads";
import { ProcessPoolExecutor } from "@offloop/node-child-process";
import { decode, encode } from "./codec.js";
import { JOB_VERSION, cancelChannel, resolveModuleRef, type JobData, type ProgressEnvelope } from "./protocol.js";

/** Options of `startWorker`: where the queue is, how many jobs at once, and the local pool that runs them. */
export interface StartWorkerOptions extends Omit<PoolOptions, "captureCallSite" | "clock"> {
  /** Where Redis is: `{ host, port }` plus any ioredis option, or an ioredis instance. */
  connection: ConnectionOptions;
  /** The BullMQ queue to serve (the `queue` of the BullMQExecutor). */
  queue: string;
  /** BullMQ's key prefix in Redis. Default "bull". */
  prefix?: string;
  /** Jobs this host runs at once (BullMQ's `concurrency`). Default `maxWorkers * concurrentTasksPerWorker`. */
  concurrency?: number;
  /**
   * Where tasks run on this host: `"threads"` (default, a ThreadPoolExecutor
   * over all cores), `"processes"` (a ProcessPoolExecutor) or `"inline"` (on
   * the host's own thread: no isolation, and a CPU-bound task longer than
   * `lockDuration` blocks BullMQ's lock renewal, so the job stalls).
   */
  executor?: "threads" | "processes" | "inline";
  /** App root under which `./relative` task modules of jobs are found. Default `process.cwd()`. */
  root?: string;
  /** BullMQ's `lockDuration` in ms: how long a host may go silent before its jobs count as stalled. Default 30000. */
  lockDuration?: number;
  /** BullMQ's `stalledInterval` in ms: how often stalled jobs are looked for. Default 30000. */
  stalledInterval?: number;
  /** BullMQ's `maxStalledCount`: how often a job may be re-queued after its host died before it fails. Default 1. */
  maxStalledCount?: number;
}

/** A running worker host. */
export interface WorkerHost {
  /** This host's BullMQ worker name (`hostname:pid:n`), recorded on each job it runs. */
  readonly name: string;
  /** Resolves once the host is connected and listening for jobs and cancellations. */
  readonly ready: Promise<void>;
  /** Stops taking jobs, lets the running ones finish, then closes the local pool and the connections. */
  close(): Promise<void>;
  [Symbol.asyncDispose](): Promise<void>;
}

/** Cancel requests for jobs this host has not started yet are kept this long, for a job that is just being picked up. */
const CANCEL_MEMORY_MS = 60_000;
/** Compiled source tasks kept per host. */
const MAX_COMPILED = 1000;
let hostCount = 0;

/**
 * Serves a BullMQExecutor's queue on this machine: takes jobs from Redis,
 * imports their task modules (by URL, or by `./path` under `root`) and runs
 * them in a local pool so that one host uses all its cores, then sends back
 * the result, progress and errors. Jobs of a host that dies are re-queued by
 * BullMQ's stalled-job check on the other hosts.
 *
 * @example
 * ```ts
 * import { startWorker } from "@offloop/bullmq";
 * const host = startWorker({ connection: { host: "127.0.0.1", port: 6379 }, queue: "offloop", maxWorkers: 4 });
 * await host.ready;
 * process.on("SIGTERM", () => host.close());
 * ```
 */
export function startWorker(options: StartWorkerOptions): WorkerHost {
  if (typeof options !== "object" || options === null) throw new TypeError(`Expected options to be an object with connection and queue, got ${describeValue(options)}`);
  const {
    connection, queue, prefix = "bull", concurrency, executor = "threads", root = process.cwd(),
    lockDuration, stalledInterval, maxStalledCount, ...poolOptions
  } = options;
  if (typeof connection !== "object" || connection === null) {
    throw new TypeError(`Expected connection to be an object such as { host: "127.0.0.1", port: 6379 }, got ${describeValue(connection)}`);
  }
  if (typeof queue !== "string" || queue === "" || queue.includes(":")) throw new TypeError(`Expected queue to be a non-empty string without ":", got ${describeValue(queue)}`);
  if (executor !== "threads" && executor !== "processes" && executor !== "inline") {
    throw new TypeError(`Expected executor to be "threads", "processes" or "inline", got ${describeValue(executor)}`);
  }
  if (typeof prefix !== "string" || typeof root !== "string") throw new TypeError(`Expected prefix and root to be strings, got ${describeValue(typeof prefix !== "string" ? prefix : root)}`);
  const local: Executor & { options?: { maxWorkers: number; concurrentTasksPerWorker: number } } =
    executor === "inline"
      ? new InlineExecutor({ ...poolOptions, captureCallSite: false })
      : executor === "processes"
        ? new ProcessPoolExecutor({ ...poolOptions, captureCallSite: false })
        : new ThreadPoolExecutor({ ...poolOptions, captureCallSite: false });
  const slots = integerOption("concurrency", concurrency, local.options ? local.options.maxWorkers * local.options.concurrentTasksPerWorker : 1, 1);
  const name = `${hostname()}:${process.pid}:${++hostCount}`;
  const compiled = new Map<string, TaskLike>();
  const pendingCancels = new Map<string, { at: number; kind: string }>();

  const reasonFor = (kind: string) =>
    kind === "timeout" ? new TimeoutError("The task timed out at its producer") : new CancelledError("The task was cancelled by its producer");

  async function processJob(job: Job<JobData>, _token: string | undefined, signal?: AbortSignal): Promise<string> {
    const data = job.data;
    if (data?.v !== JOB_VERSION) {
      throw new UnrecoverableError(`Job ${job.id} was made by another version of @offloop/bullmq (job format ${String(data?.v)}, this host reads ${JOB_VERSION})`);
    }
    const early = pendingCancels.get(job.id!);
    if (early) {
      pendingCancels.delete(job.id!);
      throw new UnrecoverableError(reasonFor(early.kind).message);
    }
    let progress: Promise<unknown> = Promise.resolve();
    const onProgress = (value: unknown) => {
      const envelope: ProgressEnvelope = { offloop: "progress", value: encode(value, "progress", "back to the caller") };
      progress = progress.then(() => job.updateProgress(envelope)).catch(() => {});
    };
    try {
      const task = taskOf(data);
      const args = decode(data.a) as unknown[];
      const result = data.c === 1 ? await runChunk(task, args, signal) : await local.run(task, args, { signal, onProgress });
      await progress;
      return encode(result, "result", "back to the caller");
    } catch (error) {
      await progress;
      if (signal?.aborted) throw new UnrecoverableError(`Cancelled: ${(signal.reason as Error)?.message ?? "by the producer"}`);
      const attempts = job.opts.attempts ?? 1;
      if (error instanceof UnrecoverableError || job.attemptsMade + 1 >= attempts) {
        const envelope: ProgressEnvelope = { offloop: "error", error: encode(serializeError(error), "error", "back to the caller") };
        await job.updateProgress(envelope);
      }
      throw error;
    }
  }

  function taskOf(data: JobData): TaskLike {
    if (typeof data.s === "string") {
      let fn = compiled.get(data.s);
      if (!fn) {
        if (compiled.size >= MAX_COMPILED) compiled.clear();
        compiled.set(data.s, (fn = compileFunction(data.s)));
      }
      return fn;
    }
    if (typeof data.m !== "string" || typeof data.n !== "string") throw new TypeError("The job names no task (module and name, or source)");
    return { module: resolveModuleRef(data.m, root), name: data.n } as TaskLike;
  }

  async function runChunk(task: TaskLike, items: unknown[], signal: AbortSignal | undefined): Promise<unknown[]> {
    const results: unknown[] = [];
    for await (const result of local.map(task as TaskLike<[unknown], unknown>, items, { chunkSize: items.length, concurrency: items.length, signal })) {
      results.push(result);
    }
    return results;
  }

  const worker = new Worker<JobData, string>(queue, processJob, {
    connection, prefix, name, concurrency: slots,
    ...(lockDuration !== undefined && { lockDuration: integerOption("lockDuration", lockDuration, 30_000, 1) }),
    ...(stalledInterval !== undefined && { stalledInterval: integerOption("stalledInterval", stalledInterval, 30_000, 1) }),
    ...(maxStalledCount !== undefined && { maxStalledCount: integerOption("maxStalledCount", maxStalledCount, 1, 0) }),
  });
  let closing = false;
  const warned = new Set<string>();
  const warn = (error: unknown) => {
    const message = error instanceof Error ? error.message : String(error);
    if (closing || warned.has(message)) return;
    warned.add(message);
    console.warn(`[offloop/bullmq] worker host ${name}: ${message}`);
  };
  worker.on("error", warn);

  const subscriber = connection instanceof Redis ? connection.duplicate() : new Redis({ ...(connection as object), maxRetriesPerRequest: null });
  subscriber.on("error", warn);
  subscriber.on("message", (_channel: string, message: string) => {
    let request: { id?: unknown; kind?: unknown };
    try {
      request = JSON.parse(message);
    } catch {
      return;
    }
    if (typeof request.id !== "string") return;
    const kind = request.kind === "timeout" ? "timeout" : "cancelled";
    if (!worker.cancelJob(request.id, reasonFor(kind) as never)) {
      const now = Date.now();
      for (const [id, entry] of pendingCancels) if (now - entry.at > CANCEL_MEMORY_MS) pendingCancels.delete(id);
      pendingCancels.set(request.id, { at: now, kind });
    }
  });
  const ready = Promise.all([worker.waitUntilReady(), subscriber.subscribe(cancelChannel(prefix, queue))]).then(() => {});
  ready.catch(warn);

  let closed: Promise<void> | undefined;
  const close = () =>
    (closed ??= (async () => {
      closing = true;
      await worker.close();
      await local.shutdown({ wait: true });
      subscriber.disconnect();
    })());
  return { name, ready, close, [Symbol.asyncDispose]: close };
}

/** Compiles a submitted function's source: an arrow, a function expression, or a method shorthand. */
function compileFunction(source: string): TaskLike {
  let compiled: unknown;
  try {
    compiled = new Function(`return (${source});`)();
  } catch {
    compiled = Object.values(new Function(`return ({ ${source} });`)() as Record<string, unknown>)[0];
  }
  if (typeof compiled !== "function") throw new TypeError(`The submitted source is not a function: ${source.slice(0, 60)}`);
  return compiled as TaskLike;
}
