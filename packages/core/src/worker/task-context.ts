/**
 * What a running task can learn and do about itself: its cancellation signal,
 * a way to report progress, and which worker runs it.
 */
export interface TaskContext {
  /** Aborts when the task is cancelled or times out. Check it in long loops to stop cooperatively. */
  readonly signal: AbortSignal;
  /** Sends `value` to the submitter's `onProgress` callback. */
  progress(value: unknown): void;
  /** The id of the worker that runs the task (0 for InlineExecutor's first worker). */
  readonly workerId: number;
}

/** What the worker side fills in for the task it is about to call. */
export interface ActiveTask {
  context: TaskContext | undefined;
  makeContext(): TaskContext;
}

const slotKey = Symbol.for("offloop.activeTask");
type Slot = { current: ActiveTask | undefined };
/** Shared by all copies of @offloop/core in this thread. */
const slot: Slot = ((globalThis as Record<symbol, unknown>)[slotKey] ??= { current: undefined }) as Slot;

/**
 * Marks `task` as the one running now (undefined when none), which is what
 * `taskContext()` reads; `serve` calls it around each task.
 *
 * @example
 * ```ts
 * import { setActiveTask, type ActiveTask } from "@offloop/core";
 * setActiveTask(active);
 * try { return fn(...args); } finally { setActiveTask(undefined); }
 * ```
 */
export function setActiveTask(task: ActiveTask | undefined): void {
  slot.current = task;
}

/**
 * The context of the task that is running now. Call it synchronously at the
 * start of the task, before its first `await`: after that, other tasks may
 * run in the same worker and offloop cannot tell them apart.
 *
 * @example
 * ```ts
 * export default defineTasks(import.meta.url, {
 *   async crunch(items: number[]) {
 *     const { signal, progress } = taskContext();
 *     for (let i = 0; i < items.length; i++) {
 *       signal.throwIfAborted();
 *       progress(i / items.length);
 *       await work(items[i]);
 *     }
 *   },
 * });
 * ```
 */
export function taskContext(): TaskContext {
  const active = slot.current;
  if (!active) {
    throw new Error(
      "taskContext() was called outside a running task. Call it inside a task run by an executor, synchronously at the start of the task (before its first await).",
    );
  }
  return (active.context ??= active.makeContext());
}
