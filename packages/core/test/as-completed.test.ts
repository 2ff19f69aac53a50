import { describe, it } from "vitest";
import assert from "node:assert/strict";
import { asCompleted, manualClock, TimeoutError, type Clock } from "@offloop/core";
import { flush, deferred, countingClock } from "./helpers.ts";

describe("asCompleted", () => {
  it("yields results in completion order, plain values first", async () => {
    const a = deferred<string>();
    const b = deferred<string>();
    const c = deferred<string>();
    const seen: string[] = [];
    const loop = (async () => {
      for await (const value of asCompleted([a.promise, b.promise, "plain", c.promise])) seen.push(value);
    })();
    await flush();
    b.resolve("b");
    await flush();
    c.resolve("c");
    await flush();
    a.resolve("a");
    await loop;
    assert.deepEqual(seen, ["plain", "b", "c", "a"]);
  });

  it("throws a rejection when its turn comes", async () => {
    const error = new Error("second failed");
    const seen: number[] = [];
    await assert.rejects(async () => {
      for await (const value of asCompleted([Promise.resolve(1), Promise.reject(error), new Promise<number>(() => {})])) seen.push(value);
    }, (e) => e === error);
    assert.deepEqual(seen, [1]);
  });

  it("throws a TimeoutError after yielding what finished in time", async () => {
    const clock = manualClock();
    const slow = deferred<number>();
    const iterator = asCompleted([Promise.resolve(1), slow.promise, deferred<number>().promise], { timeout: 1_000, clock });
    assert.deepEqual(await iterator.next(), { value: 1, done: false });
    const next = iterator.next();
    clock.advance(1_000);
    await assert.rejects(next, (error) => {
      assert.ok(TimeoutError.isInstance(error));
      assert.equal((error as Error).message, "Timed out after 1000 ms with 2 of 3 awaitables still pending");
      return true;
    });
    assert.deepEqual(await iterator.next(), { value: undefined, done: true });
  });

  it("leaving the loop early clears the timer", async () => {
    const clock = countingClock();
    for await (const value of asCompleted([Promise.resolve(1), deferred().promise], { timeout: 5_000, clock })) {
      assert.equal(value, 1);
      break;
    }
    assert.equal(clock.active(), 0);
    for await (const value of asCompleted([Promise.resolve(2)], { timeout: 5_000, clock })) assert.equal(value, 2);
    assert.equal(clock.active(), 0);
  });

  it("an aborted signal makes the iterator throw its reason", async () => {
    const controller = new AbortController();
    const iterator = asCompleted([deferred().promise], { signal: controller.signal });
    const next = iterator.next();
    controller.abort(new Error("stop"));
    await assert.rejects(next, { message: "stop" });
  });

  it("ends at once for no awaitables, and throws naming bad arguments", async () => {
    assert.deepEqual(await asCompleted([]).next(), { value: undefined, done: true });
    assert.throws(() => asCompleted(null as never), { name: "TypeError", message: "Expected awaitables to be an array or an iterable, got null" });
    assert.throws(() => asCompleted([], { timeout: -3 }), { name: "RangeError", message: "Expected timeout to be a non-negative number or Infinity, got -3" });
  });
});
