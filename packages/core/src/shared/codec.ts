// How a Channel turns values into bytes and back: JSON, with tagged objects for
// what JSON lacks. Travels: null, booleans, strings, numbers (NaN, ±Infinity
// and -0 too), bigint, undefined, arrays, plain objects, Date, RegExp, Map, Set,
// ArrayBuffer, typed arrays and DataView (copied), and errors (name, message,
// stack, cause). Other objects travel as their own enumerable properties, as
// structuredClone copies them. Functions, symbols, cycles and offloop/shared
// primitives do not: send() throws a TypeError that names the path.
import { describeValue } from "../check-arguments.js";
import { isShared } from "./marker.js";

/** The key that marks a tagged value; a user object that has it is escaped. */
const TAG = "\u0000";
type Tagged = { [TAG]: string; v?: unknown; k?: string };

const typedArrays: Record<string, new (buffer: ArrayBuffer) => ArrayBufferView> = {};
for (const name of ["Int8Array", "Uint8Array", "Uint8ClampedArray", "Int16Array", "Uint16Array", "Int32Array", "Uint32Array", "Float32Array", "Float64Array", "BigInt64Array", "BigUint64Array", "DataView"]) {
  const constructor = (globalThis as Record<string, unknown>)[name];
  if (typeof constructor === "function") typedArrays[name] = constructor as new (buffer: ArrayBuffer) => ArrayBufferView;
}

const encoder = new TextEncoder();
const decoder = new TextDecoder();

/** `value` as UTF-8 bytes; throws a TypeError naming what cannot travel. */
export function encode(value: unknown): Uint8Array {
  return encoder.encode(JSON.stringify(toPlain(value, "value", new Set())));
}

/** What `encode` wrote, from a copy of its bytes (not a view on shared memory). */
export function decode(bytes: Uint8Array): unknown {
  return fromPlain(JSON.parse(decoder.decode(bytes)));
}

function bytesOf(view: ArrayBufferView | ArrayBuffer): number[] {
  return Array.from(view instanceof ArrayBuffer ? new Uint8Array(view) : new Uint8Array(view.buffer, view.byteOffset, view.byteLength));
}

function toPlain(value: unknown, path: string, seen: Set<object>): unknown {
  switch (typeof value) {
    case "string":
    case "boolean":
      return value;
    case "number":
      return Number.isFinite(value) && !Object.is(value, -0) ? value : { [TAG]: "n", v: Object.is(value, -0) ? "-0" : String(value) };
    case "undefined":
      return { [TAG]: "u" };
    case "bigint":
      return { [TAG]: "b", v: value.toString() };
    case "function":
    case "symbol":
      throw new TypeError(`Cannot send ${path} through a Channel: it is ${describeValue(value)}`);
  }
  if (value === null) return null;
  const object = value as object;
  if (seen.has(object)) throw new TypeError(`Cannot send ${path} through a Channel: it refers back to itself (a cycle)`);
  if (isShared(object)) throw new TypeError(`Cannot send ${path} through a Channel: offloop/shared primitives travel only as task arguments`);
  seen.add(object);
  try {
    if (Array.isArray(object)) return Array.from(object, (item, index) => toPlain(item, `${path}[${index}]`, seen));
    if (object instanceof Date) return { [TAG]: "d", v: object.getTime() };
    if (object instanceof RegExp) return { [TAG]: "r", v: [object.source, object.flags] };
    if (object instanceof Map) return { [TAG]: "m", v: Array.from(object, ([key, entry]) => [toPlain(key, `${path}.keys()`, seen), toPlain(entry, `${path}.get(${describeValue(key)})`, seen)]) };
    if (object instanceof Set) return { [TAG]: "s", v: Array.from(object, (entry) => toPlain(entry, `${path}.values()`, seen)) };
    if (object instanceof ArrayBuffer) return { [TAG]: "ab", v: bytesOf(object) };
    if (ArrayBuffer.isView(object)) return { [TAG]: "ta", k: object.constructor.name, v: bytesOf(object) };
    if (object instanceof Error) {
      const { name, message, stack } = object;
      const cause = "cause" in object ? toPlain(object.cause, `${path}.cause`, seen) : undefined;
      return { [TAG]: "e", v: { name, message, stack, ...("cause" in object && { cause }) } };
    }
    const plain: Record<string, unknown> = {};
    for (const key of Object.keys(object)) plain[key] = toPlain((object as Record<string, unknown>)[key], `${path}.${key}`, seen);
    return Object.hasOwn(plain, TAG) ? { [TAG]: "o", v: Object.entries(plain) } : plain;
  } finally {
    seen.delete(object);
  }
}

function fromPlain(value: unknown): unknown {
  if (typeof value !== "object" || value === null) return value;
  if (Array.isArray(value)) return value.map(fromPlain);
  if (!Object.hasOwn(value, TAG)) {
    const object = value as Record<string, unknown>;
    for (const key of Object.keys(object)) object[key] = fromPlain(object[key]);
    return object;
  }
  const { [TAG]: tag, v, k } = value as Tagged;
  switch (tag) {
    case "n": return v === "-0" ? -0 : Number(v);
    case "u": return undefined;
    case "b": return BigInt(v as string);
    case "d": return new Date(v as number);
    case "r": return new RegExp(...(v as [string, string]));
    case "m": return new Map((v as [unknown, unknown][]).map(([key, entry]) => [fromPlain(key), fromPlain(entry)]));
    case "s": return new Set((v as unknown[]).map(fromPlain));
    case "ab": return new Uint8Array(v as number[]).buffer;
    case "ta": {
      const constructor = typedArrays[k as string] ?? Uint8Array;
      return new constructor(new Uint8Array(v as number[]).buffer);
    }
    case "e": {
      const { name, message, stack, cause } = v as { name: string; message: string; stack?: string; cause?: unknown };
      const error = "cause" in (v as object) ? new Error(message, { cause: fromPlain(cause) }) : new Error(message);
      error.name = name;
      if (stack !== undefined) error.stack = stack;
      return error;
    }
    case "o": return Object.fromEntries((v as [string, unknown][]).map(([key, entry]) => [key, fromPlain(entry)]));
    default: throw new TypeError(`A Channel message has an unknown tag ${describeValue(tag)}`);
  }
}
