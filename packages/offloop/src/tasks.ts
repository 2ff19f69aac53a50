// offloop/tasks: what a task module imports (defineTasks, taskContext, withTransfer, registerErrorClass),
// the same on every runtime. Each worker loads the task module and what it imports: from here that is a
// few kB, instead of every executor of the runtime's "offloop" entry. Re-exports only.
export * from "@offloop/core/tasks";
