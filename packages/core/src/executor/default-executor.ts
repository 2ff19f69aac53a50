import { describeValue } from "../check-arguments.js";
import type { Executor } from "./executor.js";
import type { Future } from "./future.js";
import { describeTask, type TaskLike } from "../tasks.js";

type DefaultExecutorState = { create: (() => Executor) | undefined; executor: Executor | undefined };
const stateKey = Symbol.for("offloop.defaultExecutor");
/** Process-wide (per thread), shared by all copies of @offloop/core. */
const state: DefaultExecutorState = ((globalThis as Record<symbol, unknown>)[stateKey] ??= { create: undefined, executor: undefined }) as DefaultExecutorState;

/**
 * Tells `runInExecutor(null, ...)` how to make the default executor on first
 * use. The `offloop` umbrella registers the running runtime's
 * `ThreadPoolExecutor` when it is imported; users of `@offloop/core` with one
 * adapter may register theirs, or call `setDefaultExecutor`.
 *
 * @example
 * ```ts
 * import { setDefaultExecutorFactory } from "@offloop/core";
 * import { ThreadPoolExecutor } from "@offloop/node-worker-threads";
 * setDefaultExecutorFactory(() => new ThreadPoolExecutor({ name: "offloop-default" }));
 * ```
 */
export function setDefaultExecutorFactory(create: () => Executor): void {
  if (typeof create !== "function") throw new TypeError(`Expected create to be a function that returns an Executor, got ${describeValue(create)}`);
  state.create = create;
}

/**
 * The process-wide default executor (Python's loop default executor),
 * created on first use: with `offloop`, a `ThreadPoolExecutor` with default
 * options whose idle workers never keep the process alive.
 *
 * @example
 * ```ts
 * import { getDefaultExecutor } from "offloop";
 * console.log(getDefaultExecutor().stats);
 * ```
 */
export function getDefaultExecutor(): Executor {
  if (state.executor) return state.executor;
  if (!state.create) {
    throw new Error(
      "No default executor: import from \"offloop\" (it picks the runtime's ThreadPoolExecutor), or call setDefaultExecutor(executor) or setDefaultExecutorFactory(() => executor) first.",
    );
  }
  return (state.executor = state.create());
}

/**
 * Replaces the default executor (Python's `loop.set_default_executor`). The
 * previous one is shut down once its tasks are done.
 *
 * @example
 * ```ts
 * import { setDefaultExecutor, ThreadPoolExecutor } from "offloop";
 * setDefaultExecutor(new ThreadPoolExecutor({ maxWorkers: 8 }));
 * ```
 */
export function setDefaultExecutor(executor: Executor): void {
  if (typeof executor?.submit !== "function") throw new TypeError(`Expected executor to be an Executor, got ${describeValue(executor)}`);
  const previous = state.executor;
  state.executor = executor;
  if (previous && previous !== executor) void previous.shutdown({ wait: false });
}

/**
 * The port of Python's `loop.run_in_executor(executor, func, *args)`: runs
 * `task(...args)` in `executor`, or with `null` in the process-wide default
 * thread pool (created on first use; it never keeps the process alive).
 *
 * @example
 * ```ts
 * import { runInExecutor } from "offloop";
 * import tasks from "../tasks.js";
 * const n = await runInExecutor(null, tasks.fib, 30);
 * ```
 */
export function runInExecutor<A extends unknown[], R>(executor: Executor | null | undefined, task: TaskLike<A, R>, ...args: A): Future<Awaited<R>> {
  if (executor !== null && executor !== undefined && typeof (executor as Executor).submit !== "function") {
    throw new TypeError(`Expected executor to be an Executor or null (the default executor), got ${describeValue(executor)}`);
  }
  describeTask(task);
  return (executor ?? getDefaultExecutor()).submit(task, ...args);
}

/**
 * The port of Python's `asyncio.to_thread(func, *args)`: runs
 * `task(...args)` in the default executor.
 *
 * @example
 * ```ts
 * import { toThread } from "offloop";
 * const rows = await toThread(tasks.query, "select 1");
 * ```
 */
export function toThread<A extends unknown[], R>(task: TaskLike<A, R>, ...args: A): Future<Awaited<R>> {
  return runInExecutor(null, task, ...args);
}
