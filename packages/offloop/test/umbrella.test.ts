import { describe, it } from "vitest";
import assert from "node:assert/strict";
import { runInExecutor, toThread, getDefaultExecutor, ThreadPoolExecutor, defineTasks, runtime } from "offloop";
import tasks from "@offloop/contract-tests/fixtures/tasks";

describe("offloop umbrella", () => {
  it("exports the runtime's ThreadPoolExecutor and core", () => {
    assert.equal(typeof ThreadPoolExecutor, "function");
    assert.equal(typeof defineTasks, "function");
    assert.equal(typeof runtime, "string");
  });

  it("runInExecutor(null, ...) uses the lazily created default executor", async () => {
    assert.equal(await runInExecutor(null, tasks.add, 2, 3), 5);
    assert.equal(await toThread(tasks.add, 4, 5), 9);
    assert.ok(getDefaultExecutor().stats.completed >= 2);
  });

  it("runInExecutor(executor, ...) uses the given executor", async () => {
    const executor = new ThreadPoolExecutor({ maxWorkers: 1 });
    try {
      assert.equal(await runInExecutor(executor, tasks.fib, 10), 55);
      assert.equal(executor.stats.completed, 1);
    } finally {
      await executor.shutdown();
    }
  });

  it("rejects a non-executor with a TypeError", () => {
    assert.throws(() => runInExecutor({} as never, tasks.add, 1, 2), TypeError);
  });
});

describe("offloop/tasks", () => {
  it("exports what a task module needs, the same functions as offloop's", async () => {
    const taskFile = await import("offloop/tasks");
    const umbrella = (await import("offloop")) as Record<string, unknown>;
    assert.deepEqual(Object.keys(taskFile).sort(), ["defineTasks", "registerErrorClass", "taskContext", "withTransfer"]);
    for (const [name, value] of Object.entries(taskFile)) assert.equal(value, umbrella[name], name);
  });
});

describe("offloop umbrella: processes", () => {
  it("exports a ProcessPoolExecutor that runs tasks in child processes", async () => {
    const { ProcessPoolExecutor } = await import("offloop");
    const executor = new ProcessPoolExecutor({ maxWorkers: 1 });
    try {
      assert.equal(await executor.submit(tasks.add, 20, 22), 42);
    } finally {
      await executor.shutdown();
    }
  });
});
