import type { Transferable } from "../protocol/protocol.js";
const transferKey = Symbol.for("offloop.withTransfer");

/** A task result paired with the buffers to move (not copy) back to the caller. */
export interface WithTransfer<T> {
  readonly value: T;
  readonly transfer: Transferable[];
  readonly [transferKey]: true;
}

/**
 * Returns `value` from a task and moves the listed buffers back to the caller
 * instead of copying them (they become detached in the worker). The caller
 * receives plain `value`.
 *
 * @example
 * ```ts
 * export default defineTasks(import.meta.url, {
 *   invert(bytes: Uint8Array) {
 *     for (let i = 0; i < bytes.length; i++) bytes[i] = 255 - bytes[i];
 *     return withTransfer(bytes, [bytes.buffer]);
 *   },
 * });
 * ```
 */
export function withTransfer<T>(value: T, transfer: Transferable[]): T {
  if (!Array.isArray(transfer)) throw new TypeError(`Expected transfer to be an array of transferables, got ${typeof transfer}`);
  return { value, transfer, [transferKey]: true } as unknown as T;
}

/**
 * Unwraps a `withTransfer` result into its value and transfer list, or
 * returns undefined for an ordinary value.
 *
 * @example
 * ```ts
 * import { unwrapTransfer } from "@offloop/core";
 * const wrapped = unwrapTransfer(result);
 * port.postMessage(wrapped ? wrapped.value : result, wrapped?.transfer ?? []);
 * ```
 */
export function unwrapTransfer(result: unknown): WithTransfer<unknown> | undefined {
  return typeof result === "object" && result !== null && (result as Record<symbol, unknown>)[transferKey] === true
    ? (result as WithTransfer<unknown>)
    : undefined;
}
