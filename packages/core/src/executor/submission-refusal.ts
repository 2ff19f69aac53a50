import { CancelledError, ExecutorShutdownError, QueueFullError } from "../errors.js";

/** What an executor knows at submit time, for its refusals. */
export interface AdmissionState {
  readonly closing: boolean;
  readonly name: string;
  /** Tasks that would wait for a free slot if this one were accepted before it. */
  readonly waiting: number;
  readonly maxQueue: number;
  readonly signal: AbortSignal | undefined;
}

/** Why an executor refuses a task at submit, and whether that counts as a cancellation (else a failure). */
export interface SubmissionRefusal {
  readonly error: Error;
  readonly cancelled: boolean;
}

/**
 * The checks every executor makes at submit, in one order: shut down
 * (`ExecutorShutdownError`), `maxQueue` reached (`QueueFullError`), signal
 * already aborted (`CancelledError`). Returns undefined when the task may be
 * queued. Internal: executors call it through `ExecutorBase.admit`.
 *
 * @example
 * ```ts
 * submissionRefusal({ closing: false, name: "pool", waiting: 10, maxQueue: 10, signal: undefined })?.error.name; // "QueueFullError"
 * ```
 */
export function submissionRefusal(state: AdmissionState): SubmissionRefusal | undefined {
  if (state.closing) return { error: new ExecutorShutdownError(`Cannot submit a task: executor "${state.name}" is shut down`), cancelled: false };
  if (state.waiting >= state.maxQueue) {
    const message = state.maxQueue === 0
      ? `Cannot submit a task: no worker is free and maxQueue is 0 (no waiting)`
      : `Cannot submit a task: ${state.maxQueue} tasks are already waiting for a free worker (maxQueue)`;
    return { error: new QueueFullError(message), cancelled: false };
  }
  if (state.signal?.aborted) {
    return { error: new CancelledError("The task was cancelled before it was submitted", { cause: state.signal.reason }), cancelled: true };
  }
  return undefined;
}
