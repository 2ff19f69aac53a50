import { describe, it } from "vitest";
import assert from "node:assert/strict";
import { TimeoutError, OffloopError, CancelledError } from "@offloop/core";

describe("errors", () => {
  it("brands and names", () => {
    const e = new TimeoutError("late", { cause: 1 });
    assert.equal(e.name, "TimeoutError");
    assert.equal(e.cause, 1);
    assert.ok(TimeoutError.isInstance(e));
    assert.ok(OffloopError.isInstance(e));
    assert.ok(!CancelledError.isInstance(e));
  });
});
