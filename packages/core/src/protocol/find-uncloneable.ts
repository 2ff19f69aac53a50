import { errorMessage } from "./error-message.js";
import { describeValue } from "../check-arguments.js";

/**
 * Finds what in `value` cannot be structured-cloned and describes it by path,
 * e.g. `args[1].onDone is a function`. Returns undefined when all of it clones.
 * Only called after a send failed, so it may be slow. It never throws: a
 * getter that throws is reported as the culprit, with its error.
 *
 * @example
 * ```ts
 * findUncloneable([{ onDone() {} }], "args"); // "args[0].onDone is a function (onDone)"
 * ```
 */
export function findUncloneable(value: unknown, path: string, seen = new Set<unknown>()): string | undefined {
  try {
    return inspect(value, path, seen);
  } catch (error) {
    // A value that throws when looked at (a revoked Proxy, a hostile getter on the way): it is the culprit.
    return `${path} cannot be inspected (${errorMessage(error)})`;
  }
}

function inspect(value: unknown, path: string, seen: Set<unknown>): string | undefined {
  if (typeof value === "function" || typeof value === "symbol") return `${path} is ${describeValue(value)}`;
  if (typeof value !== "object" || value === null || seen.has(value)) return undefined;
  seen.add(value);
  if (value instanceof Promise) return `${path} is a Promise (await it before sending)`;
  if (value instanceof WeakMap || value instanceof WeakSet) return `${path} is a ${value.constructor.name}, which cannot be copied`;
  if (Array.isArray(value)) {
    for (let index = 0; index < value.length; index++) {
      const found = findUncloneable(value[index], `${path}[${index}]`, seen);
      if (found) return found;
    }
    return undefined;
  }
  if (value instanceof Map) {
    for (const [key, entry] of value) {
      const found = findUncloneable(key, `${path}.keys()`, seen) ?? findUncloneable(entry, `${path}.get(${describeValue(key)})`, seen);
      if (found) return found;
    }
    return undefined;
  }
  if (value instanceof Set) {
    for (const entry of value) {
      const found = findUncloneable(entry, `${path}.values()`, seen);
      if (found) return found;
    }
    return undefined;
  }
  let keys: string[];
  try {
    keys = Object.keys(value);
  } catch (error) {
    return `${path} cannot be read (${errorMessage(error)})`;
  }
  for (const key of keys) {
    let property: unknown;
    try {
      property = (value as Record<string, unknown>)[key];
    } catch (error) {
      return `${path}.${key} has a getter that threw: ${errorMessage(error)}`;
    }
    const found = findUncloneable(property, `${path}.${key}`, seen);
    if (found) return found;
  }
  try {
    structuredClone(value);
  } catch (error) {
    return `${path} is ${describeValue(value)} that cannot be copied (${errorMessage(error)})`;
  }
  return undefined;
}
