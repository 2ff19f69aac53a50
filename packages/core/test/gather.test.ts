import { describe, it } from "vitest";
import assert from "node:assert/strict";
import { gather, CancelledError } from "@offloop/core";
import { fakeFuture, flush, deferred, type FakeFuture } from "./helpers.ts";

describe("gather", () => {
  it("returns results in input order, not completion order", async () => {
    const a = deferred<string>();
    const b = deferred<number>();
    const all = gather([a.promise, b.promise]);
    b.resolve(2);
    await flush();
    a.resolve("one");
    const [first, second]: [string, number] = await all;
    assert.deepEqual([first, second], ["one", 2]);
  });

  it("accepts plain values, thenables and Futures", async () => {
    const future = fakeFuture<number>();
    const thenable: PromiseLike<string> = { then: (onFulfilled) => Promise.resolve("thenable").then(onFulfilled) };
    const all = gather([1, thenable, future, Promise.resolve(true)]);
    future.resolve(3);
    assert.deepEqual(await all, [1, "thenable", 3, true]);
  });

  it("accepts an iterable and resolves [] for no awaitables", async () => {
    assert.deepEqual(await gather(new Set([Promise.resolve(1), 2])), [1, 2]);
    assert.deepEqual(await gather([]), []);
  });

  it("rejects with the first rejection while the others keep running", async () => {
    const slow = deferred<number>();
    const first = new Error("first");
    const second = new Error("second");
    const late = deferred<number>();
    const all = gather([slow.promise, Promise.reject(first), late.promise]);
    late.reject(second);
    await assert.rejects(all, (error) => error === first);
    slow.resolve(1);
    assert.equal(await slow.promise, 1);
  });

  it("with returnExceptions, puts the errors in place of the values", async () => {
    const error = new TypeError("bad");
    const results = await gather([Promise.resolve(1), Promise.reject(error), 3], { returnExceptions: true });
    assert.deepEqual(results, [1, error, 3]);
    assert.equal(results[1], error);
  });

  it("an aborted signal rejects with its reason and cancels the running Futures", async () => {
    const controller = new AbortController();
    const running = fakeFuture<number>();
    const finished = fakeFuture<number>();
    finished.resolve(1);
    const all = gather([running, finished], { signal: controller.signal });
    await flush();
    const reason = new Error("stop");
    controller.abort(reason);
    await assert.rejects(all, (error) => error === reason);
    assert.deepEqual(running.cancelReasons, [reason]);
    assert.deepEqual(finished.cancelReasons, []);
    await assert.rejects(Promise.resolve(running), (error) => CancelledError.isInstance(error));
  });

  it("throws a TypeError naming the bad argument", () => {
    assert.throws(() => gather(42 as never), { name: "TypeError", message: "Expected awaitables to be an array or an iterable, got 42" });
    assert.throws(() => gather([], { returnExceptions: "yes" as never }), {
      name: "TypeError",
      message: 'Expected returnExceptions to be a boolean, got "yes"',
    });
    assert.throws(() => gather([], { signal: {} as never }), { name: "TypeError", message: "Expected signal to be an AbortSignal, got an object" });
  });
});
