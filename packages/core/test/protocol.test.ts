// The pool <-> worker records: encode, decode, split.
import { describe, expect, it } from "vitest";
import { decodeRecords, encodeForPool, encodeForWorker, OP, opName, PROTOCOL_VERSION, splitRecords, type Message, type PoolRecords, type RecordVisitor, type WorkerRecords } from "@offloop/core";

const recorder = <R extends PoolRecords | WorkerRecords>(ops: string[]) => {
  const seen: unknown[][] = [];
  const visitor = Object.fromEntries(ops.map((op) => [op, (...fields: unknown[]) => void seen.push([op, ...fields])])) as unknown as RecordVisitor<R>;
  return { seen, visitor };
};

describe("protocol", () => {
  it("has a numeric version", () => {
    expect(Number.isInteger(PROTOCOL_VERSION)).toBe(true);
  });

  it("lays records end to end and reads every op of the pool's records back with its fields", () => {
    const message: Message = [];
    const progress = new Int32Array(1);
    encodeForWorker(message, "hello", PROTOCOL_VERSION, 3, 2, progress, 0, null);
    encodeForWorker(message, "module", 1, "file:///t.js", "fib");
    encodeForWorker(message, "source", 2, "(a) => a");
    encodeForWorker(message, "init", 2, [1]);
    encodeForWorker(message, "run", 7, 1, [41], 0);
    encodeForWorker(message, "chunk", 8, 2, [1, 2], 0);
    encodeForWorker(message, "cancel", 7, { $offloopError: 1, name: "CancelledError", message: "stop" });
    expect(message.slice(0, 7)).toEqual([OP.hello, PROTOCOL_VERSION, 3, 2, progress, 0, null]);
    const { seen, visitor } = recorder<PoolRecords>(["hello", "module", "source", "init", "run", "chunk", "cancel"]);
    decodeRecords<PoolRecords>(message, visitor);
    expect(seen).toEqual([
      ["hello", PROTOCOL_VERSION, 3, 2, progress, 0, null],
      ["module", 1, "file:///t.js", "fib"],
      ["source", 2, "(a) => a"],
      ["init", 2, [1]],
      ["run", 7, 1, [41], 0],
      ["chunk", 8, 2, [1, 2], 0],
      ["cancel", 7, { $offloopError: 1, name: "CancelledError", message: "stop" }],
    ]);
  });

  it("reads every op of a worker's records", () => {
    const message: Message = [];
    encodeForPool(message, "ready", PROTOCOL_VERSION);
    encodeForPool(message, "ok", 1, { a: 1 });
    encodeForPool(message, "error", 2, { $offloopError: 1, name: "Error", message: "x" });
    encodeForPool(message, "dropped", 3);
    encodeForPool(message, "progress", 4, 0.5);
    encodeForPool(message, "initError", { $offloopError: 1, name: "Error", message: "init" });
    encodeForPool(message, "exiting", 5);
    const { seen, visitor } = recorder<WorkerRecords>(["ready", "ok", "error", "dropped", "progress", "initError", "exiting"]);
    decodeRecords<WorkerRecords>(message, visitor);
    expect(seen.map((record) => record[0])).toEqual(["ready", "ok", "error", "dropped", "progress", "initError", "exiting"]);
    expect(seen[1]).toEqual(["ok", 1, { a: 1 }]);
    expect(seen[6]).toEqual(["exiting", 5]);
  });

  it("splits a message into one message per record", () => {
    expect(splitRecords([OP.ok, 7, 42, OP.dropped, 8, OP.hello, 4, 0, 1, null, 0, null])).toEqual([[OP.ok, 7, 42], [OP.dropped, 8], [OP.hello, 4, 0, 1, null, 0, null]]);
    expect(splitRecords([])).toEqual([]);
  });

  it("an op travels as its small integer code, one per op, and opName reads it back", () => {
    const codes = Object.values(OP);
    expect(new Set(codes).size).toBe(codes.length);
    for (const [name, code] of Object.entries(OP)) {
      expect(Number.isInteger(code)).toBe(true);
      expect(opName(code)).toBe(name);
    }
    const message: Message = [];
    encodeForPool(message, "ok", 7, "ok");
    expect(message).toEqual([9, 7, "ok"]);
    expect(opName("ok")).toBeUndefined();
    expect(opName(99)).toBeUndefined();
  });

  it("an unknown op is a TypeError naming it (a message from another version of offloop)", () => {
    expect(() => splitRecords([OP.ok, 1, 2, 99, 3])).toThrow(new TypeError("offloop: unknown message op 99"));
    const { seen, visitor } = recorder<WorkerRecords>(["ok"]);
    expect(() => decodeRecords<WorkerRecords>([OP.ok, 1, 2, 99, 3], visitor)).toThrow(TypeError);
    expect(() => decodeRecords<WorkerRecords>([OP.ok, 1, 2, 99, 3], visitor)).toThrow("offloop: unknown message op 99");
    // Records before the unknown op were read.
    expect(seen[0]).toEqual(["ok", 1, 2]);
    // A known op the visitor has no method for is refused the same way, by code and name.
    expect(() => decodeRecords<WorkerRecords>([OP.dropped, 1], visitor)).toThrow(`offloop: unknown message op ${OP.dropped} ("dropped")`);
    // A record of protocol 5 or older (op strings) says what is wrong.
    expect(() => decodeRecords<WorkerRecords>(["ready", 5], visitor)).toThrow(
      'offloop: unknown message op "ready" (ops travel as numbers since protocol 6: the other side runs an older offloop; use one version of @offloop/core and its adapter)',
    );
  });
});
