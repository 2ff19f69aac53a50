// How an offloop/shared primitive describes itself to cross a thread: a plain,
// structured-cloneable marker that names its kind and carries its shared memory.

/** A primitive as it travels in a task's arguments. */
export interface SharedMarker {
  readonly $offloopShared: "Mutex" | "Barrier" | "Channel" | "SharedSemaphore" | "Condition";
  readonly buffer: SharedArrayBuffer;
  /** A Condition's mutex. */
  readonly mutex?: SharedMarker;
}

/**
 * A primitive's method that returns its marker. A registered symbol, so that a
 * primitive from another copy of @offloop/core is recognised too.
 */
export const toMarker: unique symbol = Symbol.for("offloop.shared.toMarker") as never;

/** The static method of each primitive class that makes a working instance from a marker's memory. */
export const fromMarker: unique symbol = Symbol("offloop.shared.fromMarker") as never;

/** True for a primitive of offloop/shared (from any copy of the package). */
export function isShared(value: unknown): value is { [toMarker](): SharedMarker } {
  return typeof value === "object" && value !== null && typeof (value as { [toMarker]?: unknown })[toMarker] === "function";
}

/** Throws a clear error unless `buffer` is shared memory of at least `bytes` bytes. */
export function checkSharedMemory(kind: string): void {
  if (typeof SharedArrayBuffer !== "function") {
    throw new TypeError(`${kind} needs SharedArrayBuffer, which this host does not offer (a browser page must be cross-origin isolated)`);
  }
}
