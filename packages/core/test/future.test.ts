// Future: state, cancel, settle, listeners, and the Promise behind it.
import { describe, expect, it } from "vitest";
import { CancelledError, Future, rejectedFuture } from "@offloop/core";

describe("Future", () => {
  it("is pending until settled, then fulfilled once", async () => {
    const future = new Future<number>();
    expect(future.state).toBe("pending");
    expect(future.done()).toBe(false);
    expect(future.settle("fulfilled", 1)).toBe(true);
    expect(future.settle("fulfilled", 2)).toBe(false);
    expect(future.state).toBe("fulfilled");
    expect(future.done()).toBe(true);
    expect(await future).toBe(1);
    expect(String(future)).toBe("[object Future]");
  });

  it("settles a Promise made before it settled", async () => {
    const future = new Future<number>();
    const pending = future.then((value) => value * 2);
    future.settle("fulfilled", 21);
    expect(await pending).toBe(42);
    const failing = new Future();
    const caught = failing.catch((error: Error) => error.message);
    failing.settle("rejected", new Error("no"));
    expect(await caught).toBe("no");
  });

  it("rejected after the fact, then/catch/finally still see it", async () => {
    const future = rejectedFuture(new RangeError("refused"));
    expect(future.state).toBe("rejected");
    let finallyRan = false;
    await expect(future.finally(() => (finallyRan = true))).rejects.toThrow(RangeError);
    expect(finallyRan).toBe(true);
    expect(await future.then(() => "ok", (error: Error) => error.message)).toBe("refused");
  });

  it("cancel() of a pending Future rejects it with CancelledError and returns true; later false", async () => {
    const future = new Future();
    expect(future.cancel()).toBe(true);
    expect(future.state).toBe("cancelled");
    expect(future.cancel()).toBe(false);
    const error = await future.catch((reason: unknown) => reason);
    expect(error).toBeInstanceOf(CancelledError);
    expect((error as Error).message).toBe("The task was cancelled");
  });

  it("cancel(reason) says why: an Error's message, a value, or the CancelledError itself", async () => {
    const byError = new Future();
    const why = new Error("user left");
    byError.cancel(why);
    const fromError = (await byError.catch((reason: unknown) => reason)) as CancelledError;
    expect(fromError.message).toBe("The task was cancelled: user left");
    expect(fromError.cause).toBe(why);
    const byValue = new Future();
    byValue.cancel("timeout");
    expect(((await byValue.catch((reason: unknown) => reason)) as Error).message).toBe("The task was cancelled: timeout");
    const own = new CancelledError("mine");
    const byCancelled = new Future();
    byCancelled.cancel(own);
    expect(await byCancelled.catch((reason: unknown) => reason)).toBe(own);
  });

  it("cancel() of a settled Future does nothing", async () => {
    const future = new Future<number>();
    future.settle("fulfilled", 3);
    expect(future.cancel()).toBe(false);
    expect(await future).toBe(3);
  });

  it("onSettled listeners run once when it settles, or at once after", () => {
    const future = new Future<number>();
    const calls: string[] = [];
    future.onSettled(() => calls.push("first"));
    future.onSettled((settled) => calls.push(`second ${settled.state}`));
    expect(calls).toEqual([]);
    future.settle("cancelled", new CancelledError("x"));
    future.settle("fulfilled", 1);
    expect(calls).toEqual(["first", "second cancelled"]);
    future.onSettled(() => calls.push("late"));
    expect(calls).toEqual(["first", "second cancelled", "late"]);
  });

  it("an unawaited rejected or cancelled Future raises no unhandled rejection (it is marked handled before it rejects)", async () => {
    const future = new Future();
    future.settle("rejected", new Error("nobody listens"));
    const cancelled = new Future();
    cancelled.cancel("nobody listens either");
    await new Promise((resolve) => setTimeout(resolve, 0));
    expect(future.state).toBe("rejected");
    expect(cancelled.state).toBe("cancelled");
    // Awaited later, it still rejects with its own error.
    await expect(future).rejects.toThrow("nobody listens");
    await expect(cancelled).rejects.toBeInstanceOf(CancelledError);
  });

  it("is a Promise: await, Promise.all and Promise.resolve take it as it is; then() returns a plain Promise", async () => {
    class Sub extends Future<number> {}
    for (const future of [new Future<number>(), new Sub()]) {
      expect(future).toBeInstanceOf(Promise);
      expect(future).toBeInstanceOf(Future);
      expect(Promise.resolve(future)).toBe(future);
      const chained = future.then((value) => value + 1);
      expect(chained).not.toBeInstanceOf(Future);
      expect(chained).toBeInstanceOf(Promise);
      future.settle("fulfilled", 41);
      expect(await future).toBe(41);
      expect(await chained).toBe(42);
      expect(await Promise.all([future, future])).toEqual([41, 41]);
      expect(future.promise).toBe(future);
      expect(Object.prototype.toString.call(future)).toBe("[object Future]");
    }
  });

  it("a subclass that knows its work started reports running", () => {
    class Started extends Future {
      protected override get started(): boolean {
        return true;
      }
    }
    const future = new Started();
    expect(future.state).toBe("running");
    future.settle("fulfilled", 1);
    expect(future.state).toBe("fulfilled");
  });
});
