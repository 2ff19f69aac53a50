// @offloop/core/shared (re-exported as offloop/shared): primitives in shared
// memory for tasks on worker threads and the thread that submits them. Re-exports only.
export { Mutex, type MutexGuard } from "./shared/mutex.js";
export { Barrier } from "./shared/barrier.js";
export { Channel, type ChannelOptions } from "./shared/channel.js";
export { SharedSemaphore, type SharedPermit } from "./shared/semaphore.js";
export { Condition } from "./shared/condition.js";
export type { SharedWaitOptions } from "./shared/wait.js";
export { packShared, unpackShared, containsShared, refuseShared, type PackedArguments } from "./shared/travel.js";
export { releaseHeldBy } from "./shared/owners.js";
export { MutexPoisonedError, ChannelClosedError, SharedMemoryUnavailableError, TimeoutError } from "./errors.js";
