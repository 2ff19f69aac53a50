import { describe, it } from "vitest";
import assert from "node:assert/strict";
import { sleep, manualClock } from "@offloop/core";

describe("sleep", () => {
  it("resolves after ms on the clock, not before", async () => {
    const clock = manualClock();
    let woke = false;
    const done = sleep(100, { clock }).then(() => (woke = true));
    clock.advance(99);
    await Promise.resolve();
    assert.equal(woke, false);
    clock.advance(1);
    await done;
    assert.equal(woke, true);
  });

  it("really sleeps with the system clock", async () => {
    const started = performance.now();
    await sleep(20);
    assert.ok(performance.now() - started >= 15);
  });

  it("rejects with the signal's reason when aborted, and at once if already aborted", async () => {
    const controller = new AbortController();
    const clock = manualClock();
    const sleeping = sleep(1_000, { signal: controller.signal, clock });
    controller.abort(new Error("wake up"));
    await assert.rejects(sleeping, { message: "wake up" });
    await assert.rejects(sleep(10, { signal: AbortSignal.abort("no") }), (reason) => reason === "no");
    const later = new AbortController();
    const forever = sleep(Infinity, { signal: later.signal });
    setTimeout(() => later.abort(new Error("enough")), 5);
    await assert.rejects(forever, { message: "enough" });
  });

  it("throws naming the bad argument", () => {
    assert.throws(() => sleep(-5), { name: "RangeError", message: "Expected ms to be a non-negative number or Infinity, got -5" });
    assert.throws(() => sleep(1, { clock: {} as never }), { name: "TypeError", message: "Expected clock to be a Clock (now, setTimeout, clearTimeout), got an object" });
    assert.throws(() => sleep(1, "fast" as never), { name: "TypeError", message: 'Expected options to be an object, got "fast"' });
  });
});
