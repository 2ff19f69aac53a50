import { describe, it } from "vitest";
import assert from "node:assert/strict";
import { wait, manualClock, CancelledError } from "@offloop/core";
import { fakeFuture, flush, deferred, type FakeFuture } from "./helpers.ts";

describe("wait", () => {
  it("ALL_COMPLETED (the default) waits for every future, failures included, and never rejects", async () => {
    const a = deferred<number>();
    const b = deferred<number>();
    const result = wait([a.promise, b.promise]);
    a.reject(new Error("a failed"));
    await flush();
    b.resolve(2);
    const { done, pending } = await result;
    assert.deepEqual([...done].sort(), [a.promise, b.promise].sort());
    assert.equal(done.size, 2);
    assert.equal(pending.size, 0);
  });

  it("FIRST_COMPLETED returns when one settles", async () => {
    const slow = deferred<number>();
    const fast = deferred<number>();
    const result = wait([slow.promise, fast.promise], { returnWhen: "FIRST_COMPLETED" });
    fast.resolve(1);
    const { done, pending } = await result;
    assert.deepEqual([...done], [fast.promise]);
    assert.deepEqual([...pending], [slow.promise]);
  });

  it("FIRST_EXCEPTION returns at the first rejection, or when all are done", async () => {
    const ok = deferred<number>();
    const bad = deferred<number>();
    const slow = deferred<number>();
    const result = wait([ok.promise, bad.promise, slow.promise], { returnWhen: "FIRST_EXCEPTION" });
    ok.resolve(1);
    await flush();
    bad.reject(new Error("bad"));
    const { done, pending } = await result;
    assert.deepEqual([...done], [ok.promise, bad.promise]);
    assert.deepEqual([...pending], [slow.promise]);

    const { done: allDone } = await wait([Promise.resolve(1), Promise.resolve(2)], { returnWhen: "FIRST_EXCEPTION" });
    assert.equal(allDone.size, 2);
  });

  it("returns what is done when the timeout passes, without rejecting", async () => {
    const clock = manualClock();
    const never = deferred<number>();
    const ready = Promise.resolve(1);
    const result = wait([never.promise, ready], { timeout: 500, clock });
    await flush();
    clock.advance(500);
    const { done, pending } = await result;
    assert.deepEqual([...done], [ready]);
    assert.deepEqual([...pending], [never.promise]);
  });

  it("returns the very objects it was given (Futures included), deduplicated", async () => {
    const future = fakeFuture<number>();
    future.resolve(1);
    const { done } = await wait([future, future]);
    assert.equal(done.size, 1);
    assert.ok(done.has(future));
    const empty = await wait([]);
    assert.equal(empty.done.size + empty.pending.size, 0);
  });

  it("an aborted signal rejects with its reason", async () => {
    const controller = new AbortController();
    const result = wait([deferred().promise], { signal: controller.signal });
    controller.abort(new Error("stop"));
    await assert.rejects(result, { message: "stop" });
  });

  it("throws naming the bad argument", () => {
    assert.throws(() => wait([1 as never]), { name: "TypeError", message: "Expected futures[0] to be a promise or a thenable, got 1" });
    assert.throws(() => wait([], { returnWhen: "FIRST" as never }), {
      name: "TypeError",
      message: 'Expected returnWhen to be "FIRST_COMPLETED", "FIRST_EXCEPTION" or "ALL_COMPLETED", got "FIRST"',
    });
    assert.throws(() => wait([], { timeout: -1 }), { name: "RangeError", message: "Expected timeout to be a non-negative number or Infinity, got -1" });
  });
});
