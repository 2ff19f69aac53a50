import { describe, it } from "vitest";
import assert from "node:assert/strict";
import { limit, CancelledError } from "@offloop/core";
import { flush, deferred } from "./helpers.ts";

describe("limit", () => {
  it("runs at most n at once, in call order, and counts active and pending calls", async () => {
    const run = limit(2);
    const gates = [deferred<string>(), deferred<string>(), deferred<string>(), deferred<string>()];
    const started: number[] = [];
    const results = gates.map((gate, index) => run((i: number) => (started.push(i), gate.promise), index));
    assert.deepEqual(started, [0, 1]);
    assert.equal(run.activeCount, 2);
    assert.equal(run.pendingCount, 2);
    gates[1]!.resolve("b");
    assert.equal(await results[1], "b");
    assert.equal(run.activeCount, 2);
    assert.equal(run.pendingCount, 1);
    assert.deepEqual(started, [0, 1, 2]);
    gates[0]!.resolve("a");
    gates[2]!.resolve("c");
    gates[3]!.resolve("d");
    assert.deepEqual(await Promise.all(results), ["a", "b", "c", "d"]);
    assert.deepEqual(started, [0, 1, 2, 3]);
    assert.equal(run.activeCount, 0);
    assert.equal(run.pendingCount, 0);
  });

  it("passes arguments, and a throwing function only rejects its own call", async () => {
    const run = limit(1);
    const failing = run(() => {
      throw new Error("sync");
    });
    const adding = run((a: number, b: number) => a + b, 2, 3);
    await assert.rejects(failing, { message: "sync" });
    assert.equal(await adding, 5);
  });

  it("clearQueue drops the calls that have not started: they reject with CancelledError", async () => {
    const run = limit(1);
    const gate = deferred<number>();
    const running = run(() => gate.promise);
    let ran = false;
    const queued = run(() => (ran = true));
    assert.equal(run.pendingCount, 1);
    run.clearQueue();
    assert.equal(run.pendingCount, 0);
    await assert.rejects(queued, (error) => CancelledError.isInstance(error));
    gate.resolve(1);
    assert.equal(await running, 1);
    await flush();
    assert.equal(ran, false);
  });

  it("limit(Infinity) never queues", async () => {
    const run = limit(Infinity);
    const gates = Array.from({ length: 50 }, () => deferred<void>());
    const all = gates.map((gate) => run(() => gate.promise));
    assert.equal(run.activeCount, 50);
    for (const gate of gates) gate.resolve();
    await Promise.all(all);
  });

  it("throws naming the bad argument", () => {
    assert.throws(() => limit(0), { name: "RangeError", message: "Expected concurrency to be a positive integer or Infinity, got 0" });
    assert.throws(() => limit(2.5), { name: "RangeError", message: "Expected concurrency to be a positive integer or Infinity, got 2.5" });
    assert.throws(() => limit("3" as never), { name: "TypeError", message: 'Expected concurrency to be a positive integer or Infinity, got "3"' });
    assert.throws(() => limit(1)("nope" as never), { name: "TypeError", message: 'Expected fn to be a function, got "nope"' });
  });
});
