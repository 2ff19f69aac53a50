import type { Executor } from "./executor.js";
import type { Future } from "./future.js";
import { describeTask, type TaskLike } from "./tasks.js";

/** `runInExecutor`, `toThread` and the process-wide default executor, bound to one runtime's thread pool. */
export interface DefaultExecutorApi {
  /**
   * The port of Python's `loop.run_in_executor(executor, func, *args)`:
   * runs `task(...args)` in `executor`, or with `null` in the process-wide
   * default thread pool (created on first use; it never keeps the process alive).
   *
   * @example
   * ```ts
   * import { runInExecutor } from "offloop";
   * import tasks from "./tasks.js";
   * const digest = await runInExecutor(null, tasks.sha256, "hello");
   * ```
   */
  runInExecutor<A extends unknown[], R>(executor: Executor | null | undefined, task: TaskLike<A, R>, ...args: A): Future<Awaited<R>>;
  /**
   * The port of Python's `asyncio.to_thread(func, *args)`: runs `task(...args)`
   * in the default thread pool.
   *
   * @example
   * ```ts
   * const rows = await toThread(tasks.query, "select 1");
   * ```
   */
  toThread<A extends unknown[], R>(task: TaskLike<A, R>, ...args: A): Future<Awaited<R>>;
  /**
   * The process-wide default executor, created on first use: a
   * `ThreadPoolExecutor` with default options, whose idle workers never keep
   * the process alive.
   *
   * @example
   * ```ts
   * console.log(getDefaultExecutor().stats);
   * ```
   */
  getDefaultExecutor(): Executor;
  /**
   * Replaces the default executor (Python's `loop.set_default_executor`). The
   * previous one is shut down once its tasks are done.
   *
   * @example
   * ```ts
   * setDefaultExecutor(new ThreadPoolExecutor({ maxWorkers: 8 }));
   * ```
   */
  setDefaultExecutor(executor: Executor): void;
}

/**
 * Builds the default-executor API for a runtime, given how to make its thread
 * pool; each entry of the `offloop` umbrella is one call of it.
 *
 * @example
 * ```ts
 * import { defaultExecutorApi } from "@offloop/core";
 * import { ThreadPoolExecutor } from "@offloop/node-worker-threads";
 * export const { runInExecutor, toThread, getDefaultExecutor, setDefaultExecutor } =
 *   defaultExecutorApi(() => new ThreadPoolExecutor({ name: "my-default" }));
 * ```
 */
export function defaultExecutorApi(createDefault: () => Executor): DefaultExecutorApi {
  let defaultExecutor: Executor | undefined;
  const getDefaultExecutor = () => (defaultExecutor ??= createDefault());
  return {
    runInExecutor(executor, task, ...args) {
      if (executor !== null && executor !== undefined && typeof (executor as Executor).submit !== "function") {
        throw new TypeError(`Expected executor to be an Executor or null (the default executor), got ${typeof executor}`);
      }
      describeTask(task);
      return (executor ?? getDefaultExecutor()).submit(task, ...args);
    },
    toThread: (task, ...args) => getDefaultExecutor().submit(task, ...args),
    getDefaultExecutor,
    setDefaultExecutor(executor) {
      if (typeof executor?.submit !== "function") throw new TypeError(`Expected executor to be an Executor, got ${typeof executor}`);
      const previous = defaultExecutor;
      defaultExecutor = executor;
      if (previous && previous !== executor) void previous.shutdown({ wait: false });
    },
  };
}
