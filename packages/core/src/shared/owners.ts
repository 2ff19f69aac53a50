// Who holds a Mutex, and what the pool does when a worker dies holding one.
// Every copy of @offloop/core in a thread shares one state (a globalThis slot),
// as taskContext does.

/**
 * The word a Mutex stores while held: which thread holds it. Workers of a pool
 * get `(pool number << 20) | worker id` (pool numbers from 1, so never 0);
 * every other thread (the caller's main thread, a thread offloop did not start)
 * gets OTHER_THREAD, which no pool ever poisons.
 */
export const OTHER_THREAD = 0x7fffffff;

interface SharedSlot {
  /** True once any primitive was constructed or received in this thread: until then packShared costs nothing. */
  inUse: boolean;
  /** This thread's holder token. */
  owner: number;
  /** The mutexes this thread knows of, weakly: their shared memory, for releaseHeldBy. */
  readonly mutexes: Set<WeakRef<SharedArrayBuffer>>;
  readonly forget: FinalizationRegistry<WeakRef<SharedArrayBuffer>> | undefined;
  /** A number for each pool that packed arguments, so that worker tokens differ between pools. */
  readonly pools: WeakMap<object, number>;
  nextPool: number;
}

const slotKey = Symbol.for("offloop.shared");
/** Shared by every copy of @offloop/core in this thread. */
export const shared: SharedSlot = ((globalThis as Record<symbol, unknown>)[slotKey] ??= newSlot()) as SharedSlot;

function newSlot(): SharedSlot {
  const mutexes = new Set<WeakRef<SharedArrayBuffer>>();
  return {
    inUse: false,
    owner: OTHER_THREAD,
    mutexes,
    forget: typeof FinalizationRegistry === "function" ? new FinalizationRegistry((ref) => mutexes.delete(ref)) : undefined,
    pools: new WeakMap(),
    nextPool: 1,
  };
}

/** Remembers a mutex's memory (weakly) so that releaseHeldBy can find it. */
export function trackMutex(buffer: SharedArrayBuffer): void {
  shared.inUse = true;
  const ref = new WeakRef(buffer);
  shared.mutexes.add(ref);
  shared.forget?.register(buffer, ref);
}

/** The number of `pool` in this thread (1 to 1023, wrapping). */
export function poolNumber(pool: object): number {
  let number = shared.pools.get(pool);
  if (number === undefined) {
    number = shared.nextPool;
    shared.nextPool = (shared.nextPool % 1023) + 1;
    shared.pools.set(pool, number);
  }
  return number;
}

/** The holder token of worker `workerId` of the pool numbered `pool`. */
export function workerToken(pool: number, workerId: number): number {
  return ((pool & 0x3ff) << 20) | (workerId & 0xfffff);
}

/** Mutex words: who holds it (0: nobody), and whether it is poisoned. */
export const HOLDER = 0;
export const POISONED = 1;

/**
 * Poisons every mutex that worker `workerId` of `pool` held when it died: it is
 * unlocked, marked poisoned, and every thread waiting for it wakes up and
 * throws `MutexPoisonedError`. The pool calls it when one of its workers
 * exits; it does nothing (and costs nothing) when no primitive was ever made
 * in this thread.
 *
 * @example
 * ```ts
 * // in the pool, when a worker has exited
 * handle.onExit(() => releaseHeldBy(pool, worker.id));
 * ```
 */
export function releaseHeldBy(pool: object, workerId: number): void {
  if (!shared.inUse || !shared.pools.has(pool)) return;
  const token = workerToken(poolNumber(pool), workerId);
  for (const ref of shared.mutexes) {
    const buffer = ref.deref();
    if (!buffer) {
      shared.mutexes.delete(ref);
      continue;
    }
    const state = new Int32Array(buffer);
    // Only the holder changes the word while it holds the mutex, and the holder is dead.
    if (Atomics.load(state, HOLDER) !== token) continue;
    Atomics.store(state, POISONED, 1);
    Atomics.store(state, HOLDER, 0);
    Atomics.notify(state, HOLDER);
  }
}
