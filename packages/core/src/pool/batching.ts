/** Aim for about this much work per worker per message, so tiny tasks batch and long ones do not pile up. */
const BATCH_TARGET_MS = 2;
/** The most tasks sent ahead to one worker. */
const MAX_TASKS_AHEAD = 1024;

/**
 * How many tasks a worker gets ahead of what it runs: enough for about
 * 2 ms of work, measured as tasks finish, so that tiny tasks travel many to
 * a message and long tasks are not queued behind each other in one worker.
 *
 * @example
 * ```ts
 * const policy = new BatchPolicy(1);
 * policy.tasksAhead(); // 1: nothing measured yet
 * policy.record(100, 1); // 100 tasks finished in 1 ms
 * policy.tasksAhead(); // 200
 * ```
 */
export class BatchPolicy {
  #averageTaskMs: number | undefined;
  constructor(readonly concurrency: number) {}

  /** Tasks one worker may hold at once (running and waiting in its inbox). */
  tasksAhead(): number {
    if (this.#averageTaskMs === undefined) return this.concurrency;
    return Math.max(this.concurrency, Math.min(MAX_TASKS_AHEAD, Math.floor(BATCH_TARGET_MS / Math.max(this.#averageTaskMs, 0.0001))));
  }

  /** `settled` tasks finished over `elapsedMs` of one worker's time. */
  record(settled: number, elapsedMs: number): void {
    const sample = elapsedMs / settled;
    this.#averageTaskMs = this.#averageTaskMs === undefined ? sample : (this.#averageTaskMs + sample) / 2;
  }
}

/** The part of a worker that dispatch looks at. */
export interface DispatchCandidate {
  readonly retiring: boolean;
  readonly tasksSent: number;
  readonly inFlight: { readonly size: number };
}

/**
 * Picks the worker for the next tasks: the least loaded that has room; but
 * when every worker with room is busy and the pool may still grow, none
 * (start a new worker rather than load a busy one).
 *
 * @example
 * ```ts
 * pickWorker(workers, policy.tasksAhead(), Infinity, workers.length < maxWorkers);
 * ```
 */
export function pickWorker<W extends DispatchCandidate>(workers: readonly W[], tasksAhead: number, maxTasksPerWorker: number, canGrow: boolean): W | undefined {
  let best: W | undefined;
  for (const worker of workers) {
    if (worker.retiring || worker.tasksSent >= maxTasksPerWorker || worker.inFlight.size >= tasksAhead) continue;
    if (!best || worker.inFlight.size < best.inFlight.size) best = worker;
    if (best.inFlight.size === 0) return best;
  }
  return best && canGrow ? undefined : best;
}
