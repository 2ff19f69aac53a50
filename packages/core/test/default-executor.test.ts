import { describe, it } from "vitest";
import assert from "node:assert/strict";
import { InlineExecutor, getDefaultExecutor, runInExecutor, setDefaultExecutor, setDefaultExecutorFactory, toThread } from "@offloop/core";

describe("runInExecutor and the default executor", () => {
  it("explains what to do when no default executor is registered", () => {
    assert.throws(() => runInExecutor(null, (a: number) => a, 1), /No default executor: import from "offloop"/);
  });

  it("runs in the given executor, or in the default one once registered", async () => {
    const given = new InlineExecutor();
    assert.equal(await runInExecutor(given, (a: number, b: number) => a + b, 2, 3), 5);
    let made = 0;
    setDefaultExecutorFactory(() => {
      made++;
      return new InlineExecutor();
    });
    assert.equal(await runInExecutor(null, (a: number) => a * 2, 21), 42);
    assert.equal(await toThread((a: number) => a + 1, 41), 42);
    assert.equal(made, 1, "the default executor is made once, on first use");
    const replacement = new InlineExecutor();
    setDefaultExecutor(replacement);
    assert.equal(getDefaultExecutor(), replacement);
    await Promise.all([given.shutdown(), replacement.shutdown()]);
  });

  it("rejects what is not an executor with a TypeError", () => {
    assert.throws(() => runInExecutor({} as never, (a: number) => a, 1), TypeError);
    assert.throws(() => setDefaultExecutor(42 as never), TypeError);
    assert.throws(() => setDefaultExecutorFactory("no" as never), TypeError);
  });
});
