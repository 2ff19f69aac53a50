/**
 * "A worker exits once, and terminate() waits for that exit": the part of
 * every worker handle that is the same on every runtime. An adapter calls
 * `exit(code, signal)` from whatever its host reports (an `exit` event, a
 * synthesized one after `terminate()`, ...); listeners run once, later calls
 * are ignored, and `exited` resolves.
 *
 * @example
 * ```ts
 * const latch = exitLatch();
 * worker.once("exit", (code) => latch.exit(code));
 * return {
 *   onExit: latch.onExit,
 *   async terminate() { if (!latch.isExited) await worker.terminate(); await latch.exited },
 *   // ...
 * };
 * ```
 */
export function exitLatch(): ExitLatch {
  const listeners: Array<(code: number | null, signal?: string | null) => void> = [];
  let resolve!: () => void;
  const latch: ExitLatch = {
    isExited: false,
    exited: new Promise<void>((done) => (resolve = done)),
    onExit: (listener) => void listeners.push(listener),
    exit(code, signal) {
      if (latch.isExited) return;
      latch.isExited = true;
      resolve();
      for (const listener of listeners) listener(code, signal);
    },
  };
  return latch;
}

/** What `exitLatch()` returns. */
export interface ExitLatch {
  /** True once the exit was reported. */
  isExited: boolean;
  /** Resolves once the exit was reported. */
  readonly exited: Promise<void>;
  /** The `WorkerHandle.onExit` of the handle. */
  onExit(listener: (code: number | null, signal?: string | null) => void): void;
  /** Reports the exit; only the first call counts. */
  exit(code: number | null, signal?: string | null): void;
}
