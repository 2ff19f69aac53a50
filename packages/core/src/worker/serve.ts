import type { Transferable } from "../protocol/protocol.js";
import { TaskArgumentError, TaskDefinitionError, UnknownTaskError, CancelledError } from "../errors.js";
import { findUncloneable } from "../protocol/find-uncloneable.js";
import { decodeRecords, DOORBELL, encodeForPool, OP, opName, POSTED, PROTOCOL_VERSION, TAKEN_UP, splitRecords, type Message, type PoolRecords, type RecordVisitor, type SerializedError, type WorkerOp, type WorkerRecords } from "../protocol/protocol.js";
import { deserializeError, isSerializedError, serializeError, withoutOwnFrames } from "../protocol/serialize-error.js";
import { setActiveTask, type ActiveTask, type TaskContext } from "./task-context.js";
import { registeredTasks } from "../tasks.js";
import { unwrapTransfer } from "./with-transfer.js";
import { unpackShared, type PackedArguments } from "../shared/travel.js";
import { installExitHooks } from "./exit-hooks.js";
import { errorMessage } from "../protocol/error-message.js";
import { SpinLane } from "../protocol/spin-lane.js";

/** The worker's end of the channel to its pool, as an adapter's worker entry provides it. */
export interface WorkerPort {
  postMessage(message: Message, transfer?: Transferable[]): void;
  onMessage(listener: (message: Message) => void): void;
  /**
   * Takes the next message from the pool at once, or undefined when none is
   * waiting (Node's `receiveMessageOnPort`). Where a port has it, an idle
   * worker can poll for `spinMicroseconds` instead of sleeping.
   */
  receiveSync?(): Message | undefined;
}

type AnyFunction = (...args: unknown[]) => unknown;
type LoadedTask = { fn: AnyFunction; thisArg: unknown; fromSource: boolean };
type TaskEntry = LoadedTask | { loading: Promise<void> } | { failed: SerializedError };

/** Results are sent at least this often while a long batch runs, and pending cancels are read. */
const SLICE_MS = 10;
/** Results are sent in groups of at most this many, so that the pool can refill early. */
const RESULTS_PER_MESSAGE = 256;

class Job implements ActiveTask {
  context: TaskContext | undefined;
  controller: AbortController | undefined;
  dropped = false;
  constructor(
    readonly id: number,
    readonly fnId: number,
    /** Packed (not an array) while offloop/shared primitives in them wait to be revived as the job starts (see #revive). */
    public args: unknown[] | PackedArguments,
    readonly chunk: boolean,
    readonly worker: WorkerServer,
    /** Send every finished result before starting it: it may be stopped by terminating the worker. */
    readonly flushFirst: boolean,
    /** It came through the spin lane: a small result goes back the same way, if the pool still watches. */
    readonly fromLane = false,
  ) {}
  makeContext(): TaskContext {
    const job = this;
    return {
      get signal() {
        return (job.controller ??= new AbortController()).signal;
      },
      progress: (value: unknown) => job.worker.post("progress", job.id, value),
      workerId: job.worker.workerId,
    };
  }
}

class WorkerServer {
  workerId = -1;
  #concurrency = 1;
  #tasks = new Map<number, TaskEntry>();
  #queue: Job[] = [];
  #queueHead = 0;
  #running = new Map<number, Job>();
  #initializing: Promise<void> | undefined;
  #blocked = false;
  #outbox: unknown[] = [];
  #outTransfer: Transferable[] = [];
  #resultsInOutbox = 0;
  #flushScheduled = false;
  /** While a message from the pool is handled: results wait for the flush at its end, not for a microtask. */
  #handling = false;
  #drainScheduled = false;
  /** Shared with the pool: how many tasks this worker has taken up, in the order it received them. */
  #progress: Int32Array | undefined;
  #takenUp = 0;
  /** Milliseconds an idle worker polls for the next message before it goes back to sleep (0: never). */
  #spinMs = 0;
  #spinning = false;
  /** Idle spins in a row that received nothing (see #spin). */
  #spinMisses = 0;
  #spinsSkipped = 0;
  /** Where a spinning pool hands over a lone task (callerSpinMicroseconds); only with a synchronous receive. */
  #lane: SpinLane | undefined;

  constructor(readonly port: WorkerPort) {}

  readonly #visitor: RecordVisitor<PoolRecords> = {
    // offloop/shared primitives arrive as markers in a wrapper (not an array): #revive turns them back as the task starts.
    run: (taskId, fnId, args, flushFirst) => void this.#queue.push(new Job(taskId, fnId, args, false, this, flushFirst === 1)),
    run1: (taskId, fnId, arg, flushFirst) => void this.#queue.push(new Job(taskId, fnId, [arg], false, this, flushFirst === 1)),
    chunk: (taskId, fnId, items, flushFirst) => void this.#queue.push(new Job(taskId, fnId, items, true, this, flushFirst === 1)),
    cancel: (taskId, reason) => this.#cancel(taskId, reason),
    module: (fnId, moduleUrl, name) => this.#defineFromModule(fnId, moduleUrl, name),
    source: (fnId, source) => this.#defineFromSource(fnId, source),
    init: (fnId, args) => this.#initialize(fnId, args),
    hello: (version, workerId, concurrency, progress, spinMicroseconds, lane) => {
      if (version !== PROTOCOL_VERSION) {
        this.#blocked = true;
        this.post("initError", serializeError(new Error(`offloop protocol mismatch: the pool speaks version ${version}, this worker ${PROTOCOL_VERSION}. Use one version of @offloop/core and its adapter.`)));
        return;
      }
      this.workerId = workerId;
      this.#concurrency = concurrency;
      this.#progress = progress ?? undefined;
      if (this.port.receiveSync) {
        this.#spinMs = spinMicroseconds / 1000;
        if (lane && this.#spinMs > 0) this.#lane = new SpinLane(lane);
      }
    },
  };

  receive(message: Message): void {
    this.#handle(message);
    if (this.#spinMs > 0) this.#spin();
  }

  #handle(message: Message): void {
    if (this.#blocked) return;
    this.#handling = true;
    try {
      decodeRecords<PoolRecords>(message, this.#visitor);
      this.#drain();
    } finally {
      this.#handling = false;
      // Results of what ran synchronously go back now, not a microtask later: a lone task pays no extra turn.
      this.flush();
    }
  }

  /**
   * With `spinMicroseconds`: while the worker has nothing to do, watch the
   * pool's doorbell (a counter in shared memory the pool bumps after each
   * message it sends) instead of sleeping, so that a task sent soon after is
   * taken at once with a synchronous receive (no thread wake-up). Reading the
   * doorbell touches no lock, so the pool's sends never wait on the spinner.
   * Stops when a task is left running asynchronously (its continuations need
   * the event loop) or the time is up. Adaptive: after two idle spins in a
   * row that saw nothing, it spins only every eighth time it goes idle, so a
   * pool whose tasks come rarely burns almost nothing.
   */
  #spin(): void {
    const doorbell = this.#progress;
    if (this.#spinning || doorbell === undefined || doorbell.length <= DOORBELL) return;
    const lane = this.#lane;
    // A pool whose caller spins (it made a lane) gets a worker that always listens: it asked for the CPU.
    if (lane === undefined && this.#spinMisses >= 2 && (++this.#spinsSkipped & 7) !== 0) return;
    this.#spinning = true;
    let handled = false;
    lane?.listen();
    try {
      let seen = Atomics.load(doorbell, DOORBELL);
      let deadline = performance.now() + this.#spinMs;
      /** The last receive found nothing, and the doorbell has not rung since `seen` was read before it. */
      let portEmpty = false;
      while (this.#isIdle()) {
        if (lane?.hasTask()) {
          handled = true;
          this.#takeFromLane(lane);
          deadline = performance.now() + this.#spinMs;
          continue;
        }
        if (!portEmpty) {
          const message = this.#receiveSync();
          if (message !== undefined) {
            handled = true;
            // A task in the lane was put there before anything the pool sent after it (a cancel): it goes first.
            if (lane?.hasTask()) this.#takeFromLane(lane);
            this.#handle(message);
            deadline = performance.now() + this.#spinMs;
            continue;
          }
          portEmpty = true;
        }
        // Everything sent before the bell read `seen` has been received: wait for the next ring, or a task in the lane.
        let ring: number;
        let polls = 0;
        while ((ring = Atomics.load(doorbell, DOORBELL)) === seen) {
          if (lane !== undefined) {
            if (lane.idle) lane.listen(); // the pool took the last answer: ready for the next task
            else if (lane.hasTask()) break;
          }
          // The clock is read every 16 polls: a read costs more than a poll, and a poll is how fast the worker reacts.
          if ((++polls & 15) === 0 && (this.#spinMs === 0 || performance.now() > deadline)) {
            if (lane === undefined || lane.stopListening()) return;
            break; // a task came just now: take it
          }
        }
        if (ring !== seen) {
          seen = ring;
          portEmpty = false;
        }
      }
      // A task left running asynchronously: nothing more comes through the lane until it is answered.
      while (lane !== undefined && !lane.stopListening()) this.#takeFromLane(lane);
    } finally {
      this.#spinning = false;
      this.#spinMisses = handled ? 0 : this.#spinMisses + 1;
    }
  }

  /** Runs the task the pool put in the lane, as if it had come in a message. */
  #takeFromLane(lane: SpinLane): void {
    const task = lane.take();
    if (task === undefined) return;
    this.#queue.push(new Job(task.taskId, task.fnId, task.args, false, this, false, true));
    this.#handling = true;
    try {
      this.#drain();
    } finally {
      this.#handling = false;
      this.flush();
    }
  }

  /** The port's synchronous receive; a port that refuses it (throws) is never polled again. */
  #receiveSync(): Message | undefined {
    try {
      return this.port.receiveSync!();
    } catch {
      this.#spinMs = 0;
      return undefined;
    }
  }

  #isIdle(): boolean {
    return !this.#blocked && this.#running.size === 0 && this.#queueHead === this.#queue.length && this.#initializing === undefined;
  }

  post<Op extends WorkerOp>(op: Op, ...fields: WorkerRecords[Op]): void;
  post(op: WorkerOp, first: unknown, second?: unknown): void {
    // Every worker record has one or two fields (encodeForPool writes as many as the op has): no spread, once per result.
    (encodeForPool as (message: Message, op: WorkerOp, first: unknown, second?: unknown) => void)(this.#outbox, op, first, second);
    if (op === "ok" || op === "error" || op === "dropped") this.#resultsInOutbox++;
    if (this.#resultsInOutbox >= RESULTS_PER_MESSAGE) this.flush();
    else if (!this.#flushScheduled && !this.#handling) {
      this.#flushScheduled = true;
      queueMicrotask(() => this.flush());
    }
  }

  /**
   * Last words before the worker goes (process.exit, Deno.exit, close(), an
   * uncaught error): send every finished result, and say how many tasks were
   * taken up, so that the pool fails exactly the task that was running.
   */
  flushBeforeExit(final: boolean): void {
    // After an exit call nothing more may start: some hosts (Deno) end the worker only a little later.
    if (final) this.#blocked = true;
    encodeForPool(this.#outbox, "exiting", this.#takenUp);
    this.flush();
  }

  flush(): void {
    this.#flushScheduled = false;
    if (this.#outbox.length === 0) return;
    const message = this.#outbox;
    const transfer = this.#outTransfer;
    this.#outbox = [];
    this.#outTransfer = [];
    this.#resultsInOutbox = 0;
    try {
      this.#postToPool(message, transfer.length > 0 ? transfer : undefined);
    } catch {
      this.#sendRecordsOneByOne(message, transfer);
    }
  }

  /** Posts to the pool, and says in shared memory that one more message is on its way (see POSTED). */
  #postToPool(message: Message, transfer?: Transferable[]): void {
    this.port.postMessage(message, transfer);
    if (this.#progress !== undefined && this.#progress.length > POSTED) Atomics.add(this.#progress, POSTED, 1);
  }

  /** After a send failed: send each record alone, and turn each result that cannot be sent into an error. Never throws. */
  #sendRecordsOneByOne(message: Message, transfer: Transferable[]): void {
    for (const record of splitRecords(message)) {
      const op = opName(record[0]);
      const ownTransfer = transfer.filter((item) => containsTransferable(record, item));
      try {
        this.#postToPool(record, ownTransfer.length > 0 ? ownTransfer : undefined);
      } catch (error) {
        if (op !== "ok" && op !== "error" && op !== "progress") continue;
        const what = op === "ok" ? "result" : op === "error" ? "error" : "progress value";
        const path = findUncloneable(record[2], what) ?? `the ${what} cannot be copied (${errorMessage(error)})`;
        const replacement = new TaskArgumentError(`Cannot send the task's ${what} back to the caller: ${path}`, { cause: error });
        if (op === "progress") continue;
        try {
          this.#postToPool([OP.error, record[1], serializeError(replacement)]);
        } catch {
          this.#postToPool([OP.error, record[1], serializeError(new TaskArgumentError(`Cannot send the task's ${what} back to the caller: ${path}`))]);
        }
      }
    }
  }

  #defineFromModule(fnId: number, moduleUrl: string, name: string): void {
    if (this.#tasks.has(fnId)) return;
    const loading = import(/* @vite-ignore */ /* webpackIgnore: true */ moduleUrl).then(
      (namespace: Record<string, unknown>) => {
        const table = registeredTasks(moduleUrl);
        const fromDefault = namespace.default as Record<string, unknown> | undefined;
        const fn = table?.[name] ?? namespace[name] ?? (typeof fromDefault === "object" && fromDefault ? fromDefault[name] : undefined);
        if (typeof fn !== "function") {
          const known = Object.keys(table ?? namespace).join(", ") || "none";
          throw new UnknownTaskError(`No task named "${name}" in ${moduleUrl} (its tasks: ${known})`);
        }
        this.#tasks.set(fnId, { fn: fn as AnyFunction, thisArg: table ?? namespace, fromSource: false });
      },
      (error: unknown) => {
        throw explainModuleError(error, moduleUrl);
      },
    ).catch((error: unknown) => {
      this.#tasks.set(fnId, { failed: serializeError(error) });
    });
    this.#tasks.set(fnId, { loading });
  }

  #defineFromSource(fnId: number, source: string): void {
    if (this.#tasks.has(fnId)) return;
    try {
      this.#tasks.set(fnId, { fn: compileFunction(source), thisArg: undefined, fromSource: true });
    } catch (error) {
      this.#tasks.set(fnId, { failed: serializeError(error) });
    }
  }

  #initialize(fnId: number, args: unknown[]): void {
    const run = async () => {
      const entry = this.#tasks.get(fnId);
      if (entry && "loading" in entry) await entry.loading;
      const loaded = this.#tasks.get(fnId)!;
      if ("failed" in loaded) throw deserializeError(loaded.failed);
      const task = loaded as LoadedTask;
      await task.fn.apply(task.thisArg, args);
    };
    this.#initializing = run().then(
      () => {
        this.#initializing = undefined;
        this.#drain();
      },
      (error: unknown) => {
        this.#blocked = true;
        this.post("initError", serializeError(error));
      },
    );
  }

  #cancel(taskId: number, reason: unknown): void {
    const running = this.#running.get(taskId);
    const abortReason = isSerializedError(reason) ? deserializeError(reason) : new CancelledError("The task was cancelled");
    if (running) {
      (running.controller ??= new AbortController()).abort(abortReason);
      return;
    }
    for (let index = this.#queueHead; index < this.#queue.length; index++) {
      const job = this.#queue[index]!;
      if (job.id === taskId && !job.dropped) {
        job.dropped = true;
        this.#report(job, "dropped", undefined);
        return;
      }
    }
  }

  #drain(): void {
    if (this.#initializing || this.#blocked) return;
    const sliceStart = performance.now();
    // #blocked again on every turn: a task may have called process.exit (which returns a moment later on Deno).
    while (!this.#blocked && this.#running.size < this.#concurrency && this.#queueHead < this.#queue.length) {
      const job = this.#queue[this.#queueHead]!;
      if (job.dropped) {
        this.#takeUp();
        continue;
      }
      const entry = this.#tasks.get(job.fnId);
      if (entry === undefined) throw new Error(`offloop worker: task ${job.fnId} was never defined`);
      if ("loading" in entry) {
        entry.loading.then(() => this.#drain());
        return;
      }
      if (job.flushFirst) this.flush();
      this.#takeUp();
      const revived = this.#revive(job);
      if (revived !== undefined) this.#report(job, "error", revived);
      else if ("failed" in entry) this.#report(job, "error", entry.failed);
      else this.#start(job, entry);
      if (performance.now() - sliceStart > SLICE_MS) {
        this.flush();
        this.#scheduleDrain();
        return;
      }
    }
    if (this.#queueHead === this.#queue.length) {
      this.#queue = [];
      this.#queueHead = 0;
    }
  }

  /**
   * Turns the markers in a job's packed arguments back into working
   * offloop/shared primitives, as it starts (so a primitive that cannot be
   * revived fails that job alone); returns the error that fails it.
   */
  #revive(job: Job): SerializedError | undefined {
    if (Array.isArray(job.args)) return undefined;
    try {
      job.args = unpackShared(job.args, this.workerId);
      return undefined;
    } catch (error) {
      return serializeError(error);
    }
  }

  /** Takes the next job off the queue, and says so in shared memory before it can start. */
  #takeUp(): void {
    this.#queueHead++;
    this.#takenUp++;
    if (this.#progress) Atomics.store(this.#progress, TAKEN_UP, this.#takenUp);
  }

  #scheduleDrain(): void {
    if (this.#drainScheduled) return;
    this.#drainScheduled = true;
    setTimeout(() => {
      this.#drainScheduled = false;
      this.#drain();
    }, 0);
  }

  #start(job: Job, task: LoadedTask): void {
    let result: unknown;
    // #revive ran: the arguments are an array now.
    const args = job.args as unknown[];
    setActiveTask(job);
    try {
      result = job.chunk ? runChunk(task, args) : task.fn.apply(task.thisArg, args);
    } catch (error) {
      setActiveTask(undefined);
      this.#report(job, "error", serializeTaskError(error, task));
      return;
    }
    setActiveTask(undefined);
    if (isThenable(result)) {
      this.#running.set(job.id, job);
      result.then(
        (value) => this.#finish(job, "ok", value),
        (error: unknown) => this.#finish(job, "error", serializeTaskError(error, task)),
      );
    } else {
      this.#report(job, "ok", result);
    }
  }

  #finish(job: Job, op: "ok" | "error", value: unknown): void {
    this.#running.delete(job.id);
    this.#report(job, op, value);
    this.#drain();
  }

  /**
   * Sends a job's outcome: a small result of a lane job back through the
   * lane while the pool watches it; everything else in a message (and the
   * lane is free again).
   */
  #report(job: Job, op: "ok" | "error" | "dropped", value: unknown): void {
    const wrapped = op === "ok" ? unwrapTransfer(value) : undefined;
    if (job.fromLane) {
      // answer() frees the lane itself when it cannot take the value (too large, or no longer watched).
      if (op === "ok" && wrapped === undefined) {
        if (this.#lane!.answer(value)) return;
      } else {
        this.#lane!.release();
      }
    }
    if (wrapped) this.#outTransfer.push(...wrapped.transfer);
    if (op === "dropped") this.post("dropped", job.id);
    else if (op === "error") this.post("error", job.id, value as SerializedError);
    else this.post("ok", job.id, wrapped ? wrapped.value : value);
  }
}

/**
 * A task module that this runtime cannot load gets an error that says what to do: TypeScript in a
 * worker on a Node line that does not strip types (Node 20) fails with ERR_UNKNOWN_FILE_EXTENSION.
 */
function explainModuleError(error: unknown, moduleUrl: string): unknown {
  const code = (error as { code?: unknown } | null)?.code;
  if (code !== "ERR_UNKNOWN_FILE_EXTENSION" || !/\.[cm]?tsx?$/.test(moduleUrl)) return error;
  const node = (globalThis as { process?: { versions?: { node?: string } } }).process?.versions?.node ?? "this version";
  return new TaskDefinitionError(
    `Cannot load the task module ${moduleUrl} in a worker: Node ${node} does not run TypeScript there. ` +
      "Run on Node 22.18+ or 24 (they strip types, in workers too), Bun or Deno; or write the task module in JavaScript (tasks.mjs) or compile it.",
    { cause: error },
  );
}

function runChunk(task: LoadedTask, items: unknown[]): unknown {
  const results = new Array<unknown>(items.length);
  let anyAsync = false;
  for (let index = 0; index < items.length; index++) {
    const result = task.fn.call(task.thisArg, items[index]);
    if (isThenable(result)) anyAsync = true;
    results[index] = result;
  }
  return anyAsync ? Promise.all(results) : results;
}

function isThenable(value: unknown): value is PromiseLike<unknown> {
  return typeof value === "object" && value !== null && typeof (value as PromiseLike<unknown>).then === "function";
}

function serializeTaskError(error: unknown, task: LoadedTask): SerializedError {
  const serialized = serializeError(error);
  if (serialized.stack) serialized.stack = withoutOwnFrames(serialized.stack);
  if (task.fromSource && serialized.name === "ReferenceError") {
    serialized.message += ". Functions passed to submit() run in a worker without their surrounding scope: use only their arguments and globals, or define the task in a module with defineTasks().";
    if (serialized.stack) serialized.stack = serialized.stack.replace(/^[^\n]*/, `ReferenceError: ${serialized.message}`);
  }
  return serialized;
}

/** Compiles a function's source text: an arrow, a function expression, or a method shorthand. */
function compileFunction(source: string): AnyFunction {
  let compiled: unknown;
  try {
    compiled = new Function(`return (${source});`)();
  } catch {
    const holder = new Function(`return ({ ${source} });`)() as Record<string, unknown>;
    compiled = Object.values(holder)[0];
  }
  if (typeof compiled !== "function") throw new TypeError(`The submitted source is not a function: ${source.slice(0, 60)}`);
  return compiled as AnyFunction;
}

function containsTransferable(value: unknown, target: unknown, depth = 0): boolean {
  if (value === target) return true;
  if (depth > 6 || typeof value !== "object" || value === null) return false;
  if (ArrayBuffer.isView(value)) return value.buffer === target;
  for (const inner of Array.isArray(value) ? value : Object.values(value)) if (containsTransferable(inner, target, depth + 1)) return true;
  return false;
}

/** The worker side of a running `serve`. */
export interface ServedWorker {
  /**
   * Sends every finished result now, with the count of tasks taken up: call
   * it just before the worker goes. `final` (an exit call, not an error that
   * may still be handled): take up no more tasks.
   */
  flushBeforeExit(final: boolean): void;
}

/** Options of `serve`. */
export interface ServeOptions {
  /**
   * Patch the worker's exits (`process.exit`, `Deno.exit`, `close()`, an
   * uncaught error) to send finished results first, so that a task's exit
   * never costs the results of tasks that finished before it. Worker entries
   * pass true; an in-thread worker must not (it would patch the caller).
   * Default false.
   */
  exitHooks?: boolean;
}

/**
 * Serves tasks on the worker side of a channel: an adapter's worker entry
 * calls it once with its port to the pool. Users never call it.
 *
 * @example
 * ```ts
 * // the Node adapter's worker entry
 * import { parentPort } from "node:worker_threads";
 * import { serve } from "@offloop/core/worker";
 * serve({ postMessage: (m, t) => parentPort!.postMessage(m, t), onMessage: (l) => parentPort!.on("message", l) }, { exitHooks: true });
 * ```
 */
export function serve(port: WorkerPort, options: ServeOptions = {}): ServedWorker {
  const server = new WorkerServer(port);
  const served: ServedWorker = { flushBeforeExit: (final) => server.flushBeforeExit(final) };
  if (options.exitHooks) installExitHooks(served.flushBeforeExit);
  port.onMessage((message) => server.receive(message));
  port.postMessage([OP.ready, PROTOCOL_VERSION]);
  return served;
}
