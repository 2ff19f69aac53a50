// asyncio's toolbox: re-exports only.
export * from "./gather.js";
export * from "./wait-for.js";
export * from "./wait.js";
export * from "./as-completed.js";
export * from "./semaphore.js";
export * from "./limit.js";
export * from "./task-group.js";
export * from "./sleep.js";
export * from "./watch-event-loop.js";
