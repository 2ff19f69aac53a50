import { describe, it } from "vitest";
import assert from "node:assert/strict";
import { waitFor, manualClock, TimeoutError, CancelledError } from "@offloop/core";
import { fakeFuture, type FakeFuture } from "./helpers.ts";

describe("waitFor", () => {
  it("resolves with the value when it settles in time", async () => {
    const clock = manualClock();
    const future = fakeFuture<number>();
    const result = waitFor(future, 100, { clock });
    clock.advance(99);
    future.resolve(7);
    assert.equal(await result, 7);
    assert.deepEqual(future.cancelReasons, []);
  });

  it("passes a rejection through", async () => {
    const error = new Error("boom");
    await assert.rejects(waitFor(Promise.reject(error), 100, { clock: manualClock() }), (e) => e === error);
  });

  it("on timeout rejects with a TimeoutError naming the limit and cancels the Future", async () => {
    const clock = manualClock();
    const future = fakeFuture<number>();
    const result = waitFor(future, 250, { clock });
    clock.advance(250);
    await assert.rejects(result, (error) => {
      assert.ok(TimeoutError.isInstance(error));
      assert.equal((error as Error).message, "Timed out after 250 ms");
      return true;
    });
    assert.equal(future.cancelReasons.length, 1);
    assert.ok(TimeoutError.isInstance(future.cancelReasons[0]));
    await assert.rejects(Promise.resolve(future), (error) => CancelledError.isInstance(error));
  });

  it("times out a plain promise too (nothing to cancel)", async () => {
    const clock = manualClock();
    const result = waitFor(new Promise(() => {}), 0, { clock });
    clock.advance(0);
    await assert.rejects(result, { name: "TimeoutError", message: "Timed out after 0 ms" });
  });

  it("accepts Infinity and plain values", async () => {
    assert.equal(await waitFor(5, Infinity), 5);
    assert.equal(await waitFor(Promise.resolve("x"), Infinity), "x");
  });

  it("an aborted signal rejects with its reason and cancels the Future", async () => {
    const controller = new AbortController();
    const future = fakeFuture<number>();
    const result = waitFor(future, 1_000, { signal: controller.signal, clock: manualClock() });
    controller.abort(new Error("user left"));
    await assert.rejects(result, { message: "user left" });
    assert.deepEqual(future.cancelReasons, [controller.signal.reason]);

    const already = fakeFuture<number>();
    await assert.rejects(waitFor(already, 1_000, { signal: AbortSignal.abort("gone") }), (reason) => reason === "gone");
    assert.deepEqual(already.cancelReasons, ["gone"]);
  });

  it("throws TypeError or RangeError naming ms", () => {
    assert.throws(() => waitFor(1, -1), { name: "RangeError", message: "Expected ms to be a non-negative number or Infinity, got -1" });
    assert.throws(() => waitFor(1, Number.NaN), { name: "RangeError", message: "Expected ms to be a non-negative number or Infinity, got NaN" });
    assert.throws(() => waitFor(1, "100" as never), { name: "TypeError", message: 'Expected ms to be a non-negative number or Infinity, got "100"' });
    assert.throws(() => waitFor(1, undefined as never), { name: "TypeError", message: "Expected ms to be a non-negative number or Infinity, got undefined" });
  });
});

// Helper: a cancellable thenable shaped like the executor's Future.
