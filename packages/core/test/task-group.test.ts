import { describe, it } from "vitest";
import assert from "node:assert/strict";
import { TaskGroup, CancelledError } from "@offloop/core";
import { fakeFuture, flush, deferred, type FakeFuture } from "./helpers.ts";

describe("TaskGroup", () => {
  it("waits for every task and returns each result from spawn", async () => {
    const group = new TaskGroup();
    const gate = deferred<number>();
    const a = group.spawn(async () => 1);
    const b = group.spawn(gate.promise);
    let waited = false;
    const waiting = group.wait().then(() => (waited = true));
    await flush();
    assert.equal(waited, false);
    gate.resolve(2);
    await waiting;
    assert.deepEqual([await a, await b], [1, 2]);
  });

  it("the first failure aborts the siblings' signals and cancels their Futures; wait rejects with the real failures only", async () => {
    const group = new TaskGroup();
    const boom = new Error("boom");
    const future = fakeFuture<number>();
    let siblingReason: unknown;
    const sibling = group.spawn(
      (signal) =>
        new Promise((_resolve, reject) => {
          signal.addEventListener("abort", () => {
            siblingReason = signal.reason;
            reject(signal.reason);
          });
        }),
    );
    const fetchLike = group.spawn(
      (signal) =>
        new Promise((_resolve, reject) => {
          signal.addEventListener("abort", () => reject(Object.assign(new Error("This operation was aborted"), { name: "AbortError" })));
        }),
    );
    group.spawn(future);
    const gate = deferred<void>();
    const failsLate = group.spawn(async () => {
      await gate.promise;
      throw new TypeError("late");
    });
    const failing = group.spawn(async () => {
      throw boom;
    });

    await assert.rejects(failing, (error) => error === boom);
    await assert.rejects(sibling, (error) => CancelledError.isInstance(error));
    await assert.rejects(fetchLike, { name: "AbortError" });
    assert.ok(CancelledError.isInstance(siblingReason));
    assert.equal((siblingReason as Error).cause, boom);
    assert.equal(future.cancelReasons.length, 1);
    await assert.rejects(Promise.resolve(future), (error) => CancelledError.isInstance(error));
    assert.equal(group.signal.aborted, true);

    gate.resolve();
    await assert.rejects(failsLate, { message: "late" });
    await assert.rejects(group.wait(), (error) => {
      assert.ok(error instanceof AggregateError);
      assert.deepEqual(error.errors.map((e: Error) => e.message), ["boom", "late"]);
      assert.equal(error.message, "2 of 5 tasks in the TaskGroup failed: boom");
      return true;
    });
  });

  it("await using waits for the group at the end of the block", async () => {
    const order: string[] = [];
    {
      await using group = new TaskGroup();
      group.spawn(async () => {
        await flush();
        order.push("task");
      });
    }
    order.push("after");
    assert.deepEqual(order, ["task", "after"]);

    await assert.rejects(async () => {
      await using group = new TaskGroup();
      group.spawn(async () => {
        throw new Error("inside");
      });
    }, (error) => error instanceof AggregateError && (error.errors[0] as Error).message === "inside");
  });

  it("does not start a function on a group that has aborted", async () => {
    const group = new TaskGroup();
    group.spawn(() => {
      throw new Error("first");
    });
    let called = false;
    const late = group.spawn(() => (called = true));
    const lateFuture = fakeFuture<number>();
    group.spawn(lateFuture);
    await assert.rejects(late, (error) => CancelledError.isInstance(error));
    assert.equal(called, false);
    assert.equal(lateFuture.cancelReasons.length, 1);
    await assert.rejects(group.wait(), (error) => error instanceof AggregateError && error.errors.length === 1);
  });

  it("a parent signal cancels the tasks and wait rejects with its reason", async () => {
    const parent = new AbortController();
    const group = new TaskGroup({ signal: parent.signal });
    const task = group.spawn((signal) => new Promise((_resolve, reject) => signal.addEventListener("abort", () => reject(signal.reason))));
    const reason = new Error("shutting down");
    parent.abort(reason);
    await assert.rejects(task, (error) => error === reason);
    await assert.rejects(group.wait(), (error) => error === reason);
  });

  it("an empty group resolves, and a finished group refuses new tasks", async () => {
    const group = new TaskGroup();
    await group.wait();
    assert.throws(() => group.spawn(async () => 1), { message: /finished waiting/ });
  });

  it("throws naming the bad argument", () => {
    assert.throws(() => new TaskGroup().spawn(42 as never), {
      name: "TypeError",
      message: "Expected task to be a function or a promise-like (such as a Future), got 42",
    });
    assert.throws(() => new TaskGroup({ signal: true as never }), { name: "TypeError", message: "Expected signal to be an AbortSignal, got true" });
  });
});
