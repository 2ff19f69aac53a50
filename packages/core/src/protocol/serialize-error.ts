import * as offloopErrors from "../errors.js";
import type { SerializedError } from "./protocol.js";
import { describeValue } from "../check-arguments.js";

const registeredClasses = new Map<string, new (...args: never[]) => Error>(
  Object.values(offloopErrors).map((errorClass) => [errorClass.name, errorClass]),
);
const builtinClasses: Record<string, new (message?: string) => Error> = {
  Error, TypeError, RangeError, SyntaxError, ReferenceError, EvalError, URIError,
};

/**
 * Registers an error class so that errors of that class thrown by a task come
 * back as real instances of it (`instanceof` works). Call it in the task
 * module and in the code that awaits, or in a module both import.
 *
 * @example
 * ```ts
 * export class PaymentError extends Error { override name = "PaymentError" }
 * registerErrorClass(PaymentError);
 * ```
 */
export function registerErrorClass(errorClass: new (...args: never[]) => Error, name = errorClass.name): void {
  if (typeof errorClass !== "function") {
    throw new TypeError(`Expected errorClass to be an Error class, got ${describeValue(errorClass)}`);
  }
  registeredClasses.set(name, errorClass);
}

/**
 * Turns any thrown value into a plain object that survives structured clone.
 * It never throws: an error whose fields cannot be read (a getter that
 * throws, a revoked Proxy) becomes an Error that says so.
 *
 * @example
 * ```ts
 * import { serializeError } from "@offloop/core";
 * port.postMessage(serializeError(new TypeError("bad input", { cause: 42 })));
 * ```
 */
export function serializeError(error: unknown, depth = 0): SerializedError {
  try {
    return serializeUnsafely(error, depth);
  } catch (readError) {
    const reason = readError instanceof Error ? readError.message : describeValue(readError);
    return { $offloopError: 1, name: "Error", message: `A task threw an error that could not be read: ${reason}` };
  }
}

function serializeUnsafely(error: unknown, depth: number): SerializedError {
  if (!(error instanceof Error) && !(typeof error === "object" && error !== null && "message" in error)) {
    return { $offloopError: 1, name: "Error", message: `Non-error value thrown: ${describeValue(error)}`, props: { thrown: cloneOrDescribe(error) } };
  }
  const source = error as Error & { errors?: unknown };
  const serialized: SerializedError = { $offloopError: 1, name: String(source.name), message: String(source.message) };
  if (typeof source.stack === "string") serialized.stack = source.stack;
  if (source.cause !== undefined && depth < 8) {
    serialized.cause = isErrorLike(source.cause) ? serializeError(source.cause, depth + 1) : cloneOrDescribe(source.cause);
  }
  if (Array.isArray(source.errors) && depth < 8) {
    serialized.errors = source.errors.map((inner) => (isErrorLike(inner) ? serializeError(inner, depth + 1) : cloneOrDescribe(inner)));
  }
  for (const key of Object.keys(source)) {
    if (key === "name" || key === "message" || key === "stack" || key === "cause" || key === "errors") continue;
    (serialized.props ??= {})[key] = cloneOrDescribe((source as unknown as Record<string, unknown>)[key]);
  }
  return serialized;
}

/**
 * Re-creates an error from `serializeError`'s output, as an instance of its
 * registered or built-in class.
 *
 * @example
 * ```ts
 * import { deserializeError, serializeError } from "@offloop/core";
 * const copy = deserializeError(structuredClone(serializeError(new RangeError("too big"))));
 * copy instanceof RangeError; // true
 * ```
 */
export function deserializeError(serialized: SerializedError): Error {
  const errorClass = registeredClasses.get(serialized.name) ?? builtinClasses[serialized.name] ?? (serialized.errors ? AggregateError : Error);
  const error = Object.create(errorClass.prototype) as Error & Record<string, unknown>;
  define(error, "message", serialized.message);
  if (error.name !== serialized.name) define(error, "name", serialized.name);
  define(error, "stack", serialized.stack ?? `${serialized.name}: ${serialized.message}`);
  if ("cause" in serialized) define(error, "cause", revive(serialized.cause));
  if (serialized.errors) define(error, "errors", serialized.errors.map(revive));
  if (serialized.props) Object.assign(error, serialized.props);
  return error;
}

function revive(value: unknown): unknown {
  return isSerializedError(value) ? deserializeError(value) : value;
}

/**
 * True for the plain-object form of an error made by `serializeError`.
 *
 * @example
 * ```ts
 * import { isSerializedError, serializeError } from "@offloop/core";
 * isSerializedError(serializeError(new Error("x"))); // true
 * isSerializedError(new Error("x"));                 // false
 * ```
 */
export function isSerializedError(value: unknown): value is SerializedError {
  return typeof value === "object" && value !== null && (value as SerializedError).$offloopError === 1;
}

function isErrorLike(value: unknown): boolean {
  return value instanceof Error || (typeof value === "object" && value !== null && "message" in value && "stack" in value);
}

function define(target: object, key: string, value: unknown): void {
  Object.defineProperty(target, key, { value, writable: true, configurable: true, enumerable: false });
}

function cloneOrDescribe(value: unknown): unknown {
  try {
    return structuredClone(value);
  } catch {
    return describeValue(value);
  }
}


/** This module's own location: offloop's frames are dropped from task error stacks. */
const ownLocations = [import.meta.url, decodeURIComponent(new URL(import.meta.url).pathname)];

/**
 * Removes the stack lines that point into offloop itself, so a task error
 * shows the user's frames.
 *
 * @example
 * ```ts
 * import { withoutOwnFrames } from "@offloop/core";
 * console.error(withoutOwnFrames(error.stack ?? ""));
 * ```
 */
export function withoutOwnFrames(stack: string): string {
  return stack
    .split("\n")
    .filter((line) => !ownLocations.some((location) => line.includes(location)))
    .join("\n");
}

/**
 * Ends a task error's stack with where the task was submitted (the frames of
 * `callSite`, minus offloop's own), after a `--- submitted ---` line.
 *
 * @example
 * ```ts
 * const callSite = new Error("submitted here");
 * appendCallSite(error, callSite); // error.stack: "...worker frames...\n    --- submitted ---\n    at main (app.js:3:9)"
 * ```
 */
export function appendCallSite(error: Error, callSite: Error): void {
  if (!callSite.stack) return;
  const frames = withoutOwnFrames(callSite.stack.split("\n").slice(1).join("\n"));
  Object.defineProperty(error, "stack", { value: `${error.stack}\n    --- submitted ---\n${frames}`, writable: true, configurable: true });
}
