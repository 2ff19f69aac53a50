// @offloop/core/tasks: what a task module imports (defineTasks, taskContext, withTransfer,
// registerErrorClass). A worker loads the module that defines a task, and with it whatever that
// module imports: importing these from here instead of "@offloop/core" keeps the executors, the
// asyncio toolbox and the shared-memory primitives out of each new worker. Re-exports only.
export { defineTasks, type Task, type TaskFunction, type TaskHandles, type TaskLike } from "./tasks.js";
export { taskContext, type TaskContext } from "./worker/task-context.js";
export { withTransfer } from "./worker/with-transfer.js";
export { registerErrorClass } from "./protocol/serialize-error.js";
