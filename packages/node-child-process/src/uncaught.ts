/**
 * The one message outside the pool protocol: `{ [UNCAUGHT]: SerializedError }`,
 * sent by a child just before an uncaught error ends it, so that the task's
 * WorkerCrashedError names the error.
 */
export const UNCAUGHT = "offloop:uncaught";
