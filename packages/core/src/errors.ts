/**
 * Every error offloop throws is a class with a literal `name`, an ES2022
 * `cause`, and a brand (`Symbol.for("offloop.error")`) so that `isInstance`
 * works across several copies of the package, where `instanceof` would not.
 */
const brand: unique symbol = Symbol.for("offloop.error") as never;

/**
 * Base class of every error that offloop itself raises.
 *
 * @example
 * ```ts
 * import { OffloopError } from "@offloop/core";
 * try { await future } catch (error) { if (OffloopError.isInstance(error)) console.log(error.name) }
 * ```
 */
export class OffloopError extends Error {
  override name: string = "OffloopError";
  declare readonly [brand]: true;
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
  }
  /**
   * True when `value` is an error of this class (or, on `OffloopError`, any
   * offloop error), from any copy of the package.
   */
  static isInstance<T extends abstract new (...args: never[]) => OffloopError>(this: T, value: unknown): value is InstanceType<T> {
    if (typeof value !== "object" || value === null || !(brand in value)) return false;
    return (this as unknown) === OffloopError || (value as { name?: unknown }).name === this.name;
  }
}


// On the prototype, so that errors re-created from another thread carry the brand too.
Object.defineProperty(OffloopError.prototype, brand, { value: true });

/**
 * A task or an awaitable took longer than its time limit. The task was
 * cancelled, so it really stopped.
 *
 * @example
 * ```ts
 * try { await executor.run(tasks.slow, [], { timeout: 100 }) }
 * catch (error) { if (TimeoutError.isInstance(error)) console.log("too slow") }
 * ```
 */
export class TimeoutError extends OffloopError {
  override readonly name = "TimeoutError" as const;
}

/**
 * The task was cancelled (by `future.cancel()`, an AbortSignal, a timeout
 * that surrounds it, or `shutdown({ cancelPending: true })`).
 *
 * @example
 * ```ts
 * const future = executor.submit(tasks.slow);
 * future.cancel();
 * await future.catch((error) => CancelledError.isInstance(error)); // true
 * ```
 */
export class CancelledError extends OffloopError {
  override readonly name = "CancelledError" as const;
}

/**
 * A task was submitted to an executor that is shutting down or shut down.
 *
 * @example
 * ```ts
 * await executor.shutdown();
 * await executor.submit(tasks.fib, 10).catch((e) => console.log(e.name)); // "ExecutorShutdownError"
 * ```
 */
export class ExecutorShutdownError extends OffloopError {
  override readonly name = "ExecutorShutdownError" as const;
}

/**
 * More tasks are pending than the executor's `maxQueue` allows.
 *
 * @example
 * ```ts
 * const executor = new ThreadPoolExecutor({ maxWorkers: 1, maxQueue: 1 });
 * executor.submit(tasks.slow); executor.submit(tasks.slow);
 * await executor.submit(tasks.slow).catch((e) => console.log(e.name)); // "QueueFullError"
 * ```
 */
export class QueueFullError extends OffloopError {
  override readonly name = "QueueFullError" as const;
}

/**
 * The worker died while it ran this task (exit, uncaught error, out of
 * memory, a kill signal). Only this task fails: the pool replaces the worker
 * and keeps serving.
 *
 * @example
 * ```ts
 * await executor.submit(tasks.exitNow).catch((e) => console.log(e.name)); // "WorkerCrashedError"
 * await executor.submit(tasks.fib, 10); // the pool still serves
 * ```
 */
export class WorkerCrashedError extends OffloopError {
  override readonly name = "WorkerCrashedError" as const;
}

/**
 * A worker could not be started (the runtime refused its options, its entry
 * failed to load, the initializer threw, or it exited before it was ready),
 * so the tasks waiting for it were failed instead of waiting forever. The
 * runtime's own error is the `cause`.
 *
 * @example
 * ```ts
 * try { await executor.submit(tasks.fib, 30) }
 * catch (error) { if (WorkerStartError.isInstance(error)) console.error(error.message, error.cause) }
 * ```
 */
export class WorkerStartError extends OffloopError {
  override readonly name = "WorkerStartError" as const;
}

/**
 * An argument or a result cannot be sent between threads or processes. The
 * message names the path, e.g. `args[1].onDone is a function`.
 *
 * @example
 * ```ts
 * await executor.submit(tasks.echo, { onDone() {} }).catch((e) => console.log(e.message));
 * // "Cannot send args[0].onDone to a worker: it is a function ..."
 * ```
 */
export class TaskArgumentError extends OffloopError {
  override readonly name = "TaskArgumentError" as const;
}

/**
 * The worker could not find the task: its module does not define it.
 *
 * @example
 * ```ts
 * await executor.submit({ module: import.meta.url, name: "nope" } as never).catch((e) => console.log(e.name)); // "UnknownTaskError"
 * ```
 */
export class UnknownTaskError extends OffloopError {
  override readonly name = "UnknownTaskError" as const;
}

/**
 * A task was defined or submitted in a way that cannot work, e.g. something
 * that is neither a task handle nor a function.
 *
 * @example
 * ```ts
 * defineTasks(import.meta.url, { fib: 42 as never }); // throws TaskDefinitionError
 * ```
 */
export class TaskDefinitionError extends OffloopError {
  override readonly name = "TaskDefinitionError" as const;
}

/**
 * `queue.getNowait()` found the `Queue` empty (Python's `asyncio.QueueEmpty`).
 * A full queue's `putNowait()` throws `QueueFullError`.
 *
 * @example
 * ```ts
 * import { Queue, QueueEmptyError } from "@offloop/core";
 * try { new Queue().getNowait() } catch (error) { QueueEmptyError.isInstance(error) } // true
 * ```
 */
export class QueueEmptyError extends OffloopError {
  override readonly name = "QueueEmptyError" as const;
}

/**
 * The `Queue` was shut down (Python 3.13's `asyncio.QueueShutDown`): `put`
 * after `shutdown()`, and `get` once a shut-down queue is empty (at once
 * after `shutdown({ immediate: true })`).
 *
 * @example
 * ```ts
 * import { Queue, QueueShutDownError } from "@offloop/core";
 * const queue = new Queue<number>();
 * queue.shutdown();
 * await queue.put(1).catch((error) => QueueShutDownError.isInstance(error)); // true
 * ```
 */
export class QueueShutDownError extends OffloopError {
  override readonly name = "QueueShutDownError" as const;
}

/**
 * A worker died while it held this `Mutex` (offloop/shared), so what the
 * mutex protects may be half-updated: `lock()` throws this instead of
 * deadlocking every other task. `mutex.clearPoison()` accepts the state as it is.
 *
 * @example
 * ```ts
 * import { MutexPoisonedError } from "@offloop/core";
 * try { using guard = mutex.lock() } catch (error) { if (MutexPoisonedError.isInstance(error)) mutex.clearPoison() }
 * ```
 */
export class MutexPoisonedError extends OffloopError {
  override readonly name = "MutexPoisonedError" as const;
}

/**
 * A `Channel` (offloop/shared) was closed: `send` after `close()`.
 *
 * @example
 * ```ts
 * import { ChannelClosedError } from "@offloop/core";
 * channel.close();
 * try { channel.send(1) } catch (error) { ChannelClosedError.isInstance(error) } // true
 * ```
 */
export class ChannelClosedError extends OffloopError {
  override readonly name = "ChannelClosedError" as const;
}

/**
 * A task got an offloop/shared primitive (a `Mutex`, `Channel`, ...) on an
 * executor whose workers share no memory with the caller (processes, BullMQ).
 * Run such tasks on a `ThreadPoolExecutor`.
 *
 * @example
 * ```ts
 * await processes.submit(tasks.count, new Mutex()).catch((e) => console.log(e.name)); // "SharedMemoryUnavailableError"
 * ```
 */
export class SharedMemoryUnavailableError extends OffloopError {
  override readonly name = "SharedMemoryUnavailableError" as const;
}
