// offloop/shared: Mutex, Barrier, Channel, SharedSemaphore and Condition in shared memory, for tasks on
// worker threads and the thread that submits them (the same on Node, Bun and Deno). Re-exports only.
export * from "@offloop/core/shared";
