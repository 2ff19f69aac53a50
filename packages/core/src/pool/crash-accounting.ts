import type { PoolTask } from "./pool-task.js";

/** What a worker's exit costs: the tasks that die with it, and those that go back to the queue. */
export interface ExitAccount {
  /** Unsettled tasks that had started: they fail with WorkerCrashedError. */
  readonly crashed: PoolTask[];
  /** Unsettled tasks that had not started: they run again elsewhere, in their order. */
  readonly requeue: PoolTask[];
}

/**
 * Decides which of a dead worker's tasks crashed with it and which had not
 * started. `tasks` are the worker's tasks in the order they were sent.
 * Where the worker said how many tasks it took up (`takenUp`: counted in
 * shared memory, or sent in its last words before an exit it could see),
 * that count is exact: tasks 1..takenUp had started. Otherwise (a kill
 * nothing can intercept, on a host without shared memory) the worker starts
 * tasks in order, at most `concurrency` at a time, so the first
 * `concurrency` tasks in flight may have started (none, if the worker never
 * became ready); a cancelled or timed-out task still in flight keeps its
 * place in that order, since the worker reaches it before those behind it.
 * Settled tasks are not failed again.
 *
 * @example
 * ```ts
 * const { crashed, requeue } = accountForExit([a, b, c], 1, 1, true); // crashed [a], requeue [b, c]
 * ```
 */
export function accountForExit(tasks: Iterable<PoolTask>, takenUp: number | undefined, concurrency: number, ready: boolean): ExitAccount {
  const crashed: PoolTask[] = [];
  const requeue: PoolTask[] = [];
  let slots = concurrency;
  for (const task of tasks) {
    const inSlot = ready && slots > 0;
    // A settled task still in flight (cancelled, timed out) holds its place: the worker reaches it in order.
    if (slots > 0) slots--;
    if (task.done()) continue;
    const started = takenUp !== undefined ? task.seq <= takenUp : inSlot;
    (started ? crashed : requeue).push(task);
  }
  return { crashed, requeue };
}
