/**
 * What a web Worker posts from its `unload` event when it exits by itself
 * (`process.exit()` in a task): Deno tells the parent nothing then. It is not
 * an array, so it can never be taken for a protocol message.
 */
export interface ExitNotice {
  offloopExit: number | null;
}

/** Whether a message from a web Worker is its exit notice rather than protocol records. */
export function isExitNotice(data: unknown): data is ExitNotice {
  return typeof data === "object" && data !== null && !Array.isArray(data) && "offloopExit" in data;
}

/**
 * What a pool posts to a new web Worker, before anything else, when it
 * tracks the worker's end with a Web Lock (browsers): the worker holds the
 * lock named here until it is gone. Not an array, so never a protocol message.
 */
export interface ExitLock {
  offloopExitLock: string;
}

/** Whether a message to a web Worker is the pool's exit-lock request rather than protocol records. */
export function isExitLock(data: unknown): data is ExitLock {
  return typeof data === "object" && data !== null && !Array.isArray(data) && typeof (data as ExitLock).offloopExitLock === "string";
}
