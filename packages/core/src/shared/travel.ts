// How offloop/shared primitives travel as task arguments: the pool replaces
// each by a marker (packShared), the worker turns markers back into working
// instances on the same shared memory (unpackShared). Both cost nothing until
// a primitive exists in the thread.
import { SharedMemoryUnavailableError } from "../errors.js";
import { Barrier } from "./barrier.js";
import { Channel } from "./channel.js";
import { Condition } from "./condition.js";
import { fromMarker, isShared, toMarker, type SharedMarker } from "./marker.js";
import { Mutex } from "./mutex.js";
import { poolNumber, shared, trackMutex, workerToken } from "./owners.js";
import { SharedSemaphore } from "./semaphore.js";

/** A task's arguments with primitives replaced by markers, as `packShared` returns them. */
export interface PackedArguments {
  /** The arguments, primitives replaced by markers. */
  readonly $offloopSharedArgs: unknown[];
  /** The number of the pool that packed them (0: none), so that a worker's hold on a mutex names its pool. */
  readonly pool: number;
}

/**
 * Replaces each offloop/shared primitive in a task's arguments (at any depth
 * in arrays, plain objects, Maps and Sets) by a structured-cloneable marker,
 * and wraps the result so that the worker knows to look. Returns `args`
 * itself when there is none, at no cost when no primitive was ever made in
 * this thread. `pool` names the pool, so that it can later poison the
 * mutexes its dead workers held (`releaseHeldBy`).
 *
 * @example
 * ```ts
 * // in a pool's submit path (where workers share memory)
 * const sent = packShared(args, this); // args, or { $offloopSharedArgs, pool }
 * ```
 */
export function packShared(args: unknown[], pool?: object): unknown[] | PackedArguments {
  if (!shared.inUse) return args;
  const packed = replaceDeep(args, new Set(), (value) => (isShared(value) ? value[toMarker]() : undefined)) as unknown[];
  if (packed === args) return args;
  return { $offloopSharedArgs: packed, pool: pool === undefined ? 0 : poolNumber(pool) };
}

/**
 * The worker's side of `packShared`: turns the markers back into working
 * primitives on the same shared memory (one instance per primitive, however
 * often it appears). Arrays come back as they are, so a worker tests nothing
 * but `Array.isArray` for tasks without primitives. `workerId` is the
 * worker's id in its pool, which a mutex records while this thread holds it.
 *
 * @example
 * ```ts
 * // in the worker, for each task
 * const args = unpackShared(record.args, workerId);
 * ```
 */
export function unpackShared(args: unknown[] | PackedArguments, workerId?: number): unknown[] {
  if (Array.isArray(args)) return args;
  const { $offloopSharedArgs, pool } = args;
  shared.inUse = true;
  if (pool > 0 && workerId !== undefined) shared.owner = workerToken(pool, workerId);
  const made = new Map<SharedArrayBuffer, unknown>();
  return replaceDeep($offloopSharedArgs, new Set(), (value) => (isMarker(value) ? attach(value, made) : undefined)) as unknown[];
}

/**
 * True when offloop/shared primitives are among a task's arguments (at any
 * depth). Always false, at no cost, while none was ever made in this thread.
 *
 * @example
 * ```ts
 * if (!capabilities.sharedMemory && containsShared(args)) refuse();
 * ```
 */
export function containsShared(args: unknown[]): boolean {
  return findShared(args) !== undefined;
}

/**
 * The error for an executor whose workers share no memory with the caller
 * (processes, BullMQ) when a task's arguments hold offloop/shared primitives,
 * or undefined when they hold none. It names the path and says to use a
 * `ThreadPoolExecutor`.
 *
 * @example
 * ```ts
 * const refused = refuseShared(args, `ProcessPoolExecutor "${name}"`);
 * if (refused) return rejectedFuture(refused);
 * ```
 */
export function refuseShared(args: unknown[], executor: string): SharedMemoryUnavailableError | undefined {
  const found = findShared(args);
  if (found === undefined) return undefined;
  return new SharedMemoryUnavailableError(
    `Cannot send ${found} to ${executor}: its workers share no memory with this thread, so offloop/shared primitives (Mutex, Barrier, Channel, SharedSemaphore, Condition) cannot reach them. Run this task on a ThreadPoolExecutor, whose worker threads share memory.`,
  );
}

/** The path and kind of the first primitive in `args`, e.g. `args[0].lock (a Mutex)`. */
function findShared(args: unknown[]): string | undefined {
  if (!shared.inUse) return undefined;
  let found: string | undefined;
  const visit = (value: unknown, path: string, seen: Set<object>): void => {
    if (found !== undefined || typeof value !== "object" || value === null || seen.has(value)) return;
    if (isShared(value)) {
      found = `${path} (a ${value[toMarker]().$offloopShared})`;
      return;
    }
    seen.add(value);
    if (Array.isArray(value)) value.forEach((item, index) => visit(item, `${path}[${index}]`, seen));
    else if (value instanceof Map) for (const [key, entry] of value) visit(entry, `${path}.get(${String(key)})`, seen);
    else if (value instanceof Set) for (const entry of value) visit(entry, `${path}.values()`, seen);
    else if (isPlainObject(value)) for (const key of Object.keys(value)) visit((value as Record<string, unknown>)[key], `${path}.${key}`, seen);
  };
  visit(args, "args", new Set());
  return found;
}

function isMarker(value: unknown): value is SharedMarker {
  return typeof value === "object" && value !== null && isPlainObject(value) && typeof (value as Partial<SharedMarker>).$offloopShared === "string" && (value as Partial<SharedMarker>).buffer instanceof SharedArrayBuffer;
}

function attach(marker: SharedMarker, made: Map<SharedArrayBuffer, unknown>): unknown {
  const existing = made.get(marker.buffer);
  if (existing) return existing;
  let instance: unknown;
  switch (marker.$offloopShared) {
    case "Mutex":
      instance = Mutex[fromMarker](marker);
      trackMutex(marker.buffer);
      break;
    case "Barrier":
      instance = Barrier[fromMarker](marker);
      break;
    case "Channel":
      instance = Channel[fromMarker](marker);
      break;
    case "SharedSemaphore":
      instance = SharedSemaphore[fromMarker](marker);
      break;
    case "Condition":
      instance = Condition[fromMarker](marker, attach(marker.mutex!, made) as Mutex);
      break;
    default:
      throw new TypeError(`Unknown offloop/shared primitive ${String(marker.$offloopShared)}: the pool and the worker run different versions of @offloop/core`);
  }
  made.set(marker.buffer, instance);
  return instance;
}

function isPlainObject(value: object): boolean {
  const prototype = Object.getPrototypeOf(value);
  return prototype === Object.prototype || prototype === null;
}

/**
 * `value` with every part for which `replace` returns something replaced,
 * copied only along the paths that changed (the caller's objects are never
 * modified). Walks arrays, plain objects, Maps and Sets; a cycle is left as it is.
 */
function replaceDeep(value: unknown, visiting: Set<object>, replace: (value: object) => unknown): unknown {
  if (typeof value !== "object" || value === null) return value;
  const replacement = replace(value);
  if (replacement !== undefined) return replacement;
  if (visiting.has(value) || ArrayBuffer.isView(value)) return value;
  visiting.add(value);
  try {
    if (Array.isArray(value)) {
      let copy: unknown[] | undefined;
      for (let index = 0; index < value.length; index++) {
        const item = value[index];
        const next = replaceDeep(item, visiting, replace);
        if (next !== item) (copy ??= value.slice())[index] = next;
      }
      return copy ?? value;
    }
    if (value instanceof Map) {
      let changed = false;
      const entries = Array.from(value, ([key, entry]): [unknown, unknown] => {
        const next = replaceDeep(entry, visiting, replace);
        if (next !== entry) changed = true;
        return [key, next];
      });
      return changed ? new Map(entries) : value;
    }
    if (value instanceof Set) {
      let changed = false;
      const entries = Array.from(value, (entry) => {
        const next = replaceDeep(entry, visiting, replace);
        if (next !== entry) changed = true;
        return next;
      });
      return changed ? new Set(entries) : value;
    }
    if (!isPlainObject(value)) return value;
    let copy: Record<string, unknown> | undefined;
    for (const key of Object.keys(value)) {
      const entry = (value as Record<string, unknown>)[key];
      const next = replaceDeep(entry, visiting, replace);
      if (next !== entry) (copy ??= { ...value })[key] = next;
    }
    return copy ?? value;
  } finally {
    visiting.delete(value);
  }
}
