// Errors across the thread boundary: serializeError / deserializeError / isSerializedError,
// registerErrorClass, withoutOwnFrames, appendCallSite.
import { describe, expect, it } from "vitest";
import {
  appendCallSite,
  deserializeError,
  isSerializedError,
  registerErrorClass,
  serializeError,
  TimeoutError,
  withoutOwnFrames,
} from "@offloop/core";

/** What a task error looks like once it crossed to the caller. */
const roundTrip = (error: unknown) => deserializeError(structuredClone(serializeError(error)));

describe("serializeError / deserializeError", () => {
  it("keeps built-in classes, message, stack, cause and own properties", () => {
    const original = Object.assign(new RangeError("too big", { cause: new TypeError("inner") }), { code: "E_BIG", detail: { n: 1 } });
    const copy = roundTrip(original) as RangeError & { code: string; detail: unknown };
    expect(copy).toBeInstanceOf(RangeError);
    expect(copy.message).toBe("too big");
    expect(copy.stack).toBe(original.stack);
    expect(copy.cause).toBeInstanceOf(TypeError);
    expect((copy.cause as Error).message).toBe("inner");
    expect(copy.code).toBe("E_BIG");
    expect(copy.detail).toEqual({ n: 1 });
    expect(Object.keys(copy)).toEqual(["code", "detail"]);
  });

  it("offloop's own errors come back as their classes", () => {
    const copy = roundTrip(new TimeoutError("late"));
    expect(copy).toBeInstanceOf(TimeoutError);
    expect(TimeoutError.isInstance(copy)).toBe(true);
  });

  it("a registered class comes back as an instance of it; an unknown one as an Error with its name", () => {
    class PaymentError extends Error {
      override name = "PaymentError";
    }
    expect(roundTrip(new PaymentError("declined"))).not.toBeInstanceOf(PaymentError);
    expect(roundTrip(new PaymentError("declined")).name).toBe("PaymentError");
    registerErrorClass(PaymentError);
    const copy = roundTrip(new PaymentError("declined"));
    expect(copy).toBeInstanceOf(PaymentError);
    expect(copy.name).toBe("PaymentError");
    class Other extends Error {}
    registerErrorClass(Other, "CardError");
    const other = new Error("card");
    other.name = "CardError";
    expect(roundTrip(other)).toBeInstanceOf(Other);
  });

  it("registerErrorClass refuses what is not a class", () => {
    expect(() => registerErrorClass(42 as never)).toThrow(new TypeError("Expected errorClass to be an Error class, got 42"));
  });

  it("a non-error thrown value becomes an Error that shows it, keeping the value", () => {
    const copy = roundTrip("boom") as Error & { thrown: unknown };
    expect(copy.message).toBe('Non-error value thrown: "boom"');
    expect(copy.thrown).toBe("boom");
    const fn = roundTrip(function pay() {}) as Error & { thrown: unknown };
    expect(fn.message).toBe("Non-error value thrown: a function (pay)");
    expect(fn.thrown).toBe("a function (pay)");
    expect(roundTrip(undefined).message).toBe("Non-error value thrown: undefined");
  });

  it("an error-like object is taken as an error", () => {
    const copy = roundTrip({ name: "HttpError", message: "404", status: 404 }) as Error & { status: number };
    expect(copy.name).toBe("HttpError");
    expect(copy.message).toBe("404");
    expect(copy.status).toBe(404);
    // No stack: one is made from name and message.
    expect(copy.stack).toBe("HttpError: 404");
  });

  it("AggregateError keeps its errors; a cause that is not an error stays a value", () => {
    const copy = roundTrip(new AggregateError([new Error("a"), "b"], "many", { cause: { plain: true } })) as AggregateError;
    expect(copy).toBeInstanceOf(AggregateError);
    expect(copy.errors[0]).toBeInstanceOf(Error);
    expect((copy.errors[0] as Error).message).toBe("a");
    expect(copy.errors[1]).toBe("b");
    expect(copy.cause).toEqual({ plain: true });
    const unknownAggregate = serializeError(new AggregateError([], "x"));
    unknownAggregate.name = "MyAggregate";
    expect(deserializeError(unknownAggregate)).toBeInstanceOf(AggregateError);
  });

  it("a property or cause that cannot be copied is described instead", () => {
    const error = Object.assign(new Error("x", { cause: Symbol("why") }), { handler: () => 1 });
    const copy = roundTrip(error) as Error & { handler: unknown };
    expect(copy.cause).toBe("Symbol(why)");
    expect(copy.handler).toBe("a function (handler)");
  });

  it("stops at a cause chain 8 deep", () => {
    let error: Error = new Error("0");
    for (let depth = 1; depth <= 12; depth++) error = new Error(String(depth), { cause: error });
    let copy: unknown = roundTrip(error);
    let depth = 0;
    while (copy instanceof Error && copy.cause !== undefined) {
      copy = copy.cause;
      depth++;
    }
    expect(depth).toBe(8);
  });

  it("never throws: an error whose fields cannot be read becomes an Error that says so", () => {
    const hostile = new Error("x");
    Object.defineProperty(hostile, "message", {
      get(): never {
        throw new Error("no message for you");
      },
    });
    const serialized = serializeError(hostile);
    expect(serialized.message).toBe("A task threw an error that could not be read: no message for you");
    const proxy = new Proxy(new Error("p"), {
      get(): never {
        throw "not an error";
      },
    });
    expect(serializeError(proxy).message).toBe('A task threw an error that could not be read: "not an error"');
  });

  it("isSerializedError tells the plain form from an error", () => {
    expect(isSerializedError(serializeError(new Error("x")))).toBe(true);
    expect(isSerializedError(new Error("x"))).toBe(false);
    expect(isSerializedError(null)).toBe(false);
    expect(isSerializedError({ name: "Error", message: "x" })).toBe(false);
  });
});

describe("stacks", () => {
  it("withoutOwnFrames keeps the user's frames", () => {
    const stack = "Error: x\n    at userCode (file:///app/main.js:1:1)";
    expect(withoutOwnFrames(stack)).toBe(stack);
  });

  it("appendCallSite ends the stack with where the task was submitted", () => {
    const error = new Error("in worker");
    const callSite = new Error("submitted here");
    callSite.stack = "Error: submitted here\n    at main (file:///app/main.js:3:9)";
    appendCallSite(error, callSite);
    expect(error.stack).toMatch(/in worker[\s\S]*\n {4}--- submitted ---\n {4}at main \(file:\/\/\/app\/main\.js:3:9\)$/);
    const untouched = new Error("y");
    const before = untouched.stack;
    const noStack = new Error("z");
    noStack.stack = undefined;
    appendCallSite(untouched, noStack);
    expect(untouched.stack).toBe(before);
  });
});
