// findUncloneable: what in a value cannot be structured-cloned, by path.
import { describe, expect, it } from "vitest";
import { findUncloneable } from "@offloop/core";

describe("findUncloneable", () => {
  it("is undefined for values that clone", () => {
    expect(findUncloneable(undefined, "args")).toBeUndefined();
    expect(findUncloneable([1, "a", null, { b: [2n, new Date(0)] }, new Map([[1, 2]]), new Set([3]), new Uint8Array(2)], "args")).toBeUndefined();
  });

  it("names a function by path and name", () => {
    expect(findUncloneable([1, { onDone() {} }], "args")).toBe("args[1].onDone is a function (onDone)");
    expect(findUncloneable(() => 1, "result")).toBe("result is a function");
  });

  it("names a symbol", () => {
    expect(findUncloneable({ tag: Symbol("t") }, "args")).toBe("args.tag is Symbol(t)");
  });

  it("says to await a promise", () => {
    expect(findUncloneable([Promise.resolve(1)], "args")).toBe("args[0] is a Promise (await it before sending)");
  });

  it("names WeakMap and WeakSet", () => {
    expect(findUncloneable({ cache: new WeakMap() }, "args")).toBe("args.cache is a WeakMap, which cannot be copied");
    expect(findUncloneable([new WeakSet()], "items")).toBe("items[0] is a WeakSet, which cannot be copied");
  });

  it("walks Map keys, Map values and Set values", () => {
    expect(findUncloneable(new Map([["k", { f: Math.max }]]), "args")).toBe('args.get("k").f is a function (max)');
    expect(findUncloneable(new Map([[Symbol.iterator, 1]]), "args")).toBe("args.keys() is Symbol(Symbol.iterator)");
    expect(findUncloneable(new Set([1, () => 2]), "args")).toBe("args.values() is a function");
  });

  it("reports a throwing getter as the culprit, with its error", () => {
    const value = {
      get secret(): never {
        throw new Error("no access");
      },
    };
    expect(findUncloneable([value], "args")).toBe("args[0].secret has a getter that threw: no access");
  });

  it("reports an object whose keys cannot be read", () => {
    const proxy = new Proxy(
      {},
      {
        ownKeys(): never {
          throw new Error("keys are secret");
        },
      },
    );
    expect(findUncloneable({ proxy }, "args")).toBe("args.proxy cannot be read (keys are secret)");
  });

  it("never throws, even for a revoked Proxy", () => {
    const { proxy, revoke } = Proxy.revocable({}, {});
    revoke();
    expect(findUncloneable({ proxy }, "args")).toMatch(/^args\.proxy /);
  });

  it("finds nothing twice in a cycle, and still finds the culprit behind it", () => {
    const cycle: Record<string, unknown> = { name: "a" };
    cycle.self = cycle;
    expect(findUncloneable(cycle, "args")).toBeUndefined();
    cycle.later = { fn: function named() {} };
    expect(findUncloneable(cycle, "args")).toBe("args.later.fn is a function (named)");
  });

  it("names an object of a class the host cannot copy, with the host's reason", () => {
    const found = findUncloneable({ ref: new WeakRef({}) }, "args");
    expect(found).toMatch(/^args\.ref is an object \(WeakRef\) that cannot be copied \(.+\)$/);
  });
});
