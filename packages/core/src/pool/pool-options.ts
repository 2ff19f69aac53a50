import { describeValue, durationOption, integerOption, ownOptions } from "../check-arguments.js";
import type { Clock } from "../asyncio/clock.js";
import type { TaskLike } from "../tasks.js";

/** Options every executor built on `WorkerPool` accepts, on every runtime. */
export interface PoolOptions {
  /** The most workers at once. Default: the machine's available parallelism. */
  maxWorkers?: number;
  /** Workers started at construction and kept even when idle. Default 0 (workers start on demand). */
  minWorkers?: number;
  /** Milliseconds an idle worker above `minWorkers` lives before it is stopped. Default 10000. */
  idleTimeout?: number;
  /**
   * The most tasks waiting for a free slot (`maxWorkers x concurrentTasksPerWorker`), whether or not
   * the workers have started yet (piscina's meaning); past it `submit` rejects with QueueFullError.
   * `0` means no waiting: a task runs only on a free worker. Default Infinity.
   */
  maxQueue?: number;
  /** A task run once in each worker before it serves tasks, e.g. to open a database connection. */
  initializer?: TaskLike;
  /** Arguments for `initializer`. */
  initArgs?: unknown[];
  /** Replace a worker after it has run this many tasks. Default Infinity. */
  maxTasksPerWorker?: number;
  /** Tasks one worker runs at once; above 1 only helps async tasks. Default 1. */
  concurrentTasksPerWorker?: number;
  /** Milliseconds a cancelled or timed-out task has to stop by itself before its worker is terminated. Default 1000. */
  cancelGrace?: number;
  /** A name for the pool's workers (shown in debuggers and error messages). Default "offloop". */
  name?: string;
  /**
   * Record where each task was submitted, so that a task's error stack ends
   * with the submitting call site. It costs a V8 stack capture per task
   * (several microseconds, and memory while the task is pending): with
   * 100,000 tiny tasks submitted at once it roughly halves throughput
   * (internal/bench/RESULTS.md). Turn it on while debugging. Default false:
   * without it a task error still carries the worker's stack.
   */
  captureCallSite?: boolean;
  /**
   * Microseconds an idle worker keeps watching for its next task before it
   * goes to sleep, so that a task sent within that time starts without
   * waking a sleeping thread: sequential calls (`await` one task, submit the
   * next) then cost one thread wake-up per round trip instead of two. The
   * worker watches a counter in shared memory (no lock, no syscall) and
   * spins only while it has nothing running; after two spins in a row that
   * saw nothing it spins only every eighth time it goes idle, so a pool
   * whose tasks come rarely burns almost nothing, and an idle pool uses no
   * CPU (with `callerSpinMicroseconds` it spins every time: the caller asked
   * for the CPU, and its spin lane needs a listening worker). The cost is up
   * to this long of a core after each batch a worker finishes. 0 turns it
   * off (workers sleep at once). Where the worker
   * cannot receive synchronously (child processes, browsers' web Workers,
   * the in-thread worker) it is accepted and has no effect.
   * Default 50.
   *
   * @example
   * ```ts
   * // Many cores, latency above all: watch longer.
   * const executor = new ThreadPoolExecutor({ maxWorkers: 2, spinMicroseconds: 200 });
   * // Never spin (e.g. more busy threads than cores).
   * const frugal = new ThreadPoolExecutor({ spinMicroseconds: 0 });
   * ```
   */
  spinMicroseconds?: number;
  /**
   * Opt-in low latency for sequential calls: after a task is handed to an
   * idle worker, the calling thread spins up to this many microseconds (in a
   * microtask, once your synchronous code has run) for the result, and takes
   * it without waiting for an event: an `await` then costs no thread wake-up
   * and no event-loop turn on either side. A task with no argument or one
   * small one (a number, boolean, null, undefined or a string of up to 128
   * code units), no timeout, signal, transfer or progress listener, and a
   * small result, travels through a few hundred bytes of shared memory per
   * worker (the spin lane) instead of messages: on Node worker threads about
   * 1.5-2.5 µs a round trip instead of 26 with the default spin (4-5 µs for
   * tasks whose arguments or results travel by message; see
   * internal/bench/RESULTS.md). Needs the worker to spin too (the default
   * `spinMicroseconds`); with it a worker spins every time it goes idle
   * instead of backing off after empty spins. The cost: your thread burns a core while it
   * waits, and its event loop does not turn: a loop of sequential calls whose
   * results all come back within the spin runs timers and I/O only when it
   * ends, as a synchronous loop would. A task that takes longer than the
   * spin falls back to the normal path. It never spins while tasks are
   * queued (bursts travel as usual). Where the host cannot receive
   * synchronously (child processes, browsers' web Workers, the in-thread
   * worker) it is accepted and has no effect. Default 0 (off).
   *
   * @example
   * ```ts
   * // A tight request/response loop on a machine with a core to spare.
   * await using executor = new ThreadPoolExecutor({ maxWorkers: 1, callerSpinMicroseconds: 100 });
   * for (const item of items) results.push(await executor.submit(tasks.score, item));
   * ```
   */
  callerSpinMicroseconds?: number;
  /** The clock for timers (tests pass a manual one). */
  clock?: Clock;
}

/** Pool options with every default filled in. */
export interface ResolvedPoolOptions {
  maxWorkers: number;
  minWorkers: number;
  idleTimeout: number;
  maxQueue: number;
  initializer: TaskLike | undefined;
  initArgs: unknown[];
  maxTasksPerWorker: number;
  concurrentTasksPerWorker: number;
  cancelGrace: number;
  name: string;
  captureCallSite: boolean;
  spinMicroseconds: number;
  callerSpinMicroseconds: number;
  clock: Clock | undefined;
}

/** How long an idle worker watches for its next task by default (see PoolOptions.spinMicroseconds; measured in internal/bench). */
const DEFAULT_SPIN_MICROSECONDS = 50;

/** The longest spin accepted: a second (a thread that should never sleep is a busy loop, not an option). */
const MAX_SPIN_MICROSECONDS = 1_000_000;

const optionNames = new Set<string>([
  "maxWorkers", "minWorkers", "idleTimeout", "maxQueue", "initializer", "initArgs", "maxTasksPerWorker",
  "concurrentTasksPerWorker", "cancelGrace", "name", "captureCallSite", "spinMicroseconds", "callerSpinMicroseconds", "clock",
]);

/**
 * Checks pool options and fills in the defaults; throws a TypeError/RangeError
 * naming the option, what was expected and what was given.
 *
 * @example
 * ```ts
 * import { resolvePoolOptions } from "@offloop/core";
 * resolvePoolOptions({ maxWorkers: 4 }, 8).idleTimeout; // 10000
 * resolvePoolOptions({ maxWorkers: -1 }, 8); // RangeError: Expected maxWorkers to be a positive integer or Infinity, got -1
 * ```
 */
export function resolvePoolOptions(options: PoolOptions | undefined, defaultMaxWorkers: number): ResolvedPoolOptions {
  // Own properties only: a polluted Object.prototype must not configure the pool.
  options = ownOptions(options);
  for (const key of Object.keys(options)) {
    if (!optionNames.has(key)) {
      throw new TypeError(`Unknown option ${JSON.stringify(key)}; expected one of ${[...optionNames].join(", ")}`);
    }
  }
  const maxWorkers = integerOption("maxWorkers", options.maxWorkers, Math.max(1, defaultMaxWorkers), 1);
  const minWorkers = integerOption("minWorkers", options.minWorkers, 0, 0);
  if (minWorkers > maxWorkers) throw new RangeError(`Expected minWorkers to be at most maxWorkers (${maxWorkers}), got ${minWorkers}`);
  if (options.initArgs !== undefined && !Array.isArray(options.initArgs)) {
    throw new TypeError(`Expected initArgs to be an array, got ${describeValue(options.initArgs)}`);
  }
  if (options.initializer !== undefined && typeof options.initializer !== "function" && (typeof options.initializer !== "object" || options.initializer === null)) {
    throw new TypeError(`Expected initializer to be a task or a function, got ${describeValue(options.initializer)}`);
  }
  if (options.name !== undefined && typeof options.name !== "string") throw new TypeError(`Expected name to be a string, got ${describeValue(options.name)}`);
  if (options.captureCallSite !== undefined && typeof options.captureCallSite !== "boolean") {
    throw new TypeError(`Expected captureCallSite to be a boolean, got ${describeValue(options.captureCallSite)}`);
  }
  return {
    maxWorkers,
    minWorkers,
    idleTimeout: durationOption("idleTimeout", options.idleTimeout, 10_000),
    maxQueue: integerOption("maxQueue", options.maxQueue, Infinity, 0),
    initializer: options.initializer,
    initArgs: options.initArgs ?? [],
    maxTasksPerWorker: integerOption("maxTasksPerWorker", options.maxTasksPerWorker, Infinity, 1),
    concurrentTasksPerWorker: integerOption("concurrentTasksPerWorker", options.concurrentTasksPerWorker, 1, 1),
    cancelGrace: durationOption("cancelGrace", options.cancelGrace, 1000),
    name: options.name ?? "offloop",
    captureCallSite: options.captureCallSite ?? false,
    spinMicroseconds: spinOption("spinMicroseconds", options.spinMicroseconds, DEFAULT_SPIN_MICROSECONDS),
    callerSpinMicroseconds: spinOption("callerSpinMicroseconds", options.callerSpinMicroseconds, 0),
    clock: options.clock,
  };
}

/** A spin time in microseconds: 0 to MAX_SPIN_MICROSECONDS. */
function spinOption(name: string, value: unknown, fallback: number): number {
  if (value === undefined) return fallback;
  if (typeof value !== "number") throw new TypeError(`Expected ${name} to be a number of microseconds, got ${describeValue(value)}`);
  if (!(value >= 0 && value <= MAX_SPIN_MICROSECONDS)) throw new RangeError(`Expected ${name} to be between 0 and ${MAX_SPIN_MICROSECONDS} (microseconds), got ${value}`);
  return value;
}
