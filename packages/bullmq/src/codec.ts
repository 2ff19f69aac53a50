import { deserialize, serialize } from "node:v8";
import { findUncloneable, TaskArgumentError } from "@offloop/core";

/**
 * The codec for arguments, results, progress values and errors in BullMQ
 * jobs: V8's structured serialization (`node:v8` `serialize`), in base64 so
 * that it fits in BullMQ's JSON job data. It carries what structured clone
 * carries: Date, Map, Set, BigInt, RegExp, typed arrays, ArrayBuffer, Error,
 * `undefined`, `NaN`, `-0`, sparse arrays and cycles. Functions, symbols,
 * class instances' prototypes and SharedArrayBuffer do not travel.
 *
 * The format is V8's: producers and worker hosts must run on Node (any
 * version reads what the same or an older one wrote). Bun and Deno do not
 * promise to read it.
 */
export function encode(value: unknown, path: string, where = "through the queue"): string {
  try {
    return serialize(value).toString("base64");
  } catch (error) {
    const found = findUncloneable(value, path);
    const message = found
      ? `Cannot send ${found.replace(/ is /, ` ${where}: it is `)}. Only structured-cloneable values travel; pass data and define behaviour in the task module.`
      : `Cannot send ${path} ${where}: ${(error as Error)?.message ?? String(error)}`;
    throw new TaskArgumentError(message, { cause: error });
  }
}

/** Reads what `encode` wrote. */
export function decode(text: string): unknown {
  return deserialize(Buffer.from(text, "base64"));
}
