// resolvePoolOptions: defaults, and a TypeError/RangeError naming the option for anything else.
import { describe, expect, it } from "vitest";
import { manualClock, resolvePoolOptions } from "@offloop/core";

describe("resolvePoolOptions", () => {
  it("fills in every default", () => {
    expect(resolvePoolOptions(undefined, 8)).toEqual({
      maxWorkers: 8,
      minWorkers: 0,
      idleTimeout: 10_000,
      maxQueue: Infinity,
      initializer: undefined,
      initArgs: [],
      maxTasksPerWorker: Infinity,
      concurrentTasksPerWorker: 1,
      cancelGrace: 1000,
      name: "offloop",
      captureCallSite: false,
      spinMicroseconds: 50,
      callerSpinMicroseconds: 0,
      clock: undefined,
    });
    // A host that reports no parallelism still gets one worker.
    expect(resolvePoolOptions({}, 0).maxWorkers).toBe(1);
  });

  it("keeps what was given", () => {
    const clock = manualClock();
    const initializer = () => {};
    const resolved = resolvePoolOptions(
      { maxWorkers: 4, minWorkers: 2, idleTimeout: Infinity, maxQueue: 0, initializer, initArgs: [1], maxTasksPerWorker: 10, concurrentTasksPerWorker: 3, cancelGrace: 0, name: "io", captureCallSite: true, spinMicroseconds: 50, callerSpinMicroseconds: 100, clock },
      8,
    );
    expect(resolved).toEqual({ maxWorkers: 4, minWorkers: 2, idleTimeout: Infinity, maxQueue: 0, initializer, initArgs: [1], maxTasksPerWorker: 10, concurrentTasksPerWorker: 3, cancelGrace: 0, name: "io", captureCallSite: true, spinMicroseconds: 50, callerSpinMicroseconds: 100, clock });
    expect(resolvePoolOptions({ maxWorkers: Infinity }, 2).maxWorkers).toBe(Infinity);
    expect(resolvePoolOptions({ initializer: { module: "file:///t.js", name: "setup" } as never }, 2).initializer).toEqual({ module: "file:///t.js", name: "setup" });
  });

  it("reads own properties only: a polluted Object.prototype configures nothing", () => {
    const proto = Object.prototype as Record<string, unknown>;
    proto.maxWorkers = 99;
    try {
      expect(resolvePoolOptions({}, 2).maxWorkers).toBe(2);
    } finally {
      delete proto.maxWorkers;
    }
  });

  it.each([
    [{ bogus: 1 }, TypeError, /^Unknown option "bogus"; expected one of maxWorkers, minWorkers/],
    [{ maxWorkers: 0 }, RangeError, /^Expected maxWorkers to be a positive integer or Infinity, got 0$/],
    [{ maxWorkers: "4" }, TypeError, /^Expected maxWorkers to be a positive integer or Infinity, got "4"$/],
    [{ maxWorkers: 2, minWorkers: 3 }, RangeError, /^Expected minWorkers to be at most maxWorkers \(2\), got 3$/],
    [{ minWorkers: -1 }, RangeError, /^Expected minWorkers to be a non-negative integer or Infinity, got -1$/],
    [{ initArgs: "x" }, TypeError, /^Expected initArgs to be an array, got "x"$/],
    [{ initializer: 5 }, TypeError, /^Expected initializer to be a task or a function, got 5$/],
    [{ initializer: null }, TypeError, /^Expected initializer to be a task or a function, got null$/],
    [{ name: 1 }, TypeError, /^Expected name to be a string, got 1$/],
    [{ captureCallSite: "yes" }, TypeError, /^Expected captureCallSite to be a boolean, got "yes"$/],
    [{ spinMicroseconds: "50" }, TypeError, /^Expected spinMicroseconds to be a number of microseconds, got "50"$/],
    [{ spinMicroseconds: -1 }, RangeError, /^Expected spinMicroseconds to be between 0 and 1000000 \(microseconds\), got -1$/],
    [{ spinMicroseconds: 2_000_000 }, RangeError, /^Expected spinMicroseconds to be between 0 and 1000000/],
    [{ callerSpinMicroseconds: "100" }, TypeError, /^Expected callerSpinMicroseconds to be a number of microseconds, got "100"$/],
    [{ callerSpinMicroseconds: Number.NaN }, RangeError, /^Expected callerSpinMicroseconds to be between 0 and 1000000 \(microseconds\), got NaN$/],
    [{ idleTimeout: -5 }, RangeError, /^Expected idleTimeout to be a non-negative number or Infinity, got -5$/],
    [{ cancelGrace: "1s" }, TypeError, /^Expected cancelGrace to be a non-negative number or Infinity, got "1s"$/],
    [{ concurrentTasksPerWorker: 1.5 }, RangeError, /^Expected concurrentTasksPerWorker to be a positive integer or Infinity, got 1.5$/],
  ] as const)("refuses %j", (options, errorClass, message) => {
    expect(() => resolvePoolOptions(options as never, 2)).toThrow(errorClass);
    expect(() => resolvePoolOptions(options as never, 2)).toThrow(message);
  });

  it("refuses options that are not an object", () => {
    expect(() => resolvePoolOptions(4 as never, 2)).toThrow(new TypeError("Expected options to be an object, got 4"));
  });
});
