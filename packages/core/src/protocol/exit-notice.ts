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
