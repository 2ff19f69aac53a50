/**
 * The messages between a pool and its workers: the one file that defines
 * them. Both directions send flat arrays of records, many records a message,
 * so that thousands of tiny tasks cost a handful of `postMessage` calls.
 * Each record is an op string followed by a fixed number of fields; the
 * labelled tuples below are the records, `encode` writes them and
 * `decodeRecords` reads them back, on both sides.
 *
 * pool -> worker
 *   "hello"   version, workerId, concurrency, progress, spinMicroseconds, lane
 *                                                 first record a worker ever gets; progress is an
 *                                                 Int32Array on shared memory (or null): at TAKEN_UP the
 *                                                 worker counts the tasks it has taken up, so that after a
 *                                                 crash the pool knows exactly which tasks had started; at
 *                                                 DOORBELL the pool counts the messages it has sent, at
 *                                                 POSTED the worker counts the messages it has posted;
 *                                                 spinMicroseconds: how long an idle worker watches the
 *                                                 doorbell before it sleeps (0: it sleeps at once);
 *                                                 lane: a SharedArrayBuffer (or null) where a lone task and its
 *                                                 small result pass without a message while both sides spin
 *                                                 (callerSpinMicroseconds; see spin-lane.ts)
 *   "module"  fnId, moduleUrl, taskName           define fnId as a task from a module
 *   "source"  fnId, sourceText                    define fnId as a self-contained function
 *   "init"    fnId, args                          run the initializer before any task
 *   "run"     taskId, fnId, args, flushFirst      run fn(...args); flushFirst 1: send every finished result
 *                                                 before starting it (a task with a timeout or signal may be
 *                                                 stopped by terminating its worker, which would take results
 *                                                 still waiting in the worker with it)
 *   "run1"    taskId, fnId, arg, flushFirst       "run" with one argument, not wrapped in an array (the usual
 *                                                 case: an array per task costs as much to copy as the rest
 *                                                 of the record)
 *   "chunk"   taskId, fnId, items, flushFirst     run fn(item) for each item; result is the array
 *   "cancel"  taskId, reason                      abort the task's signal, or drop it if not started
 *
 * worker -> pool
 *   "ready"    version                            the worker is up (sent once, before anything else)
 *   "ok"       taskId, value                      the task returned
 *   "error"    taskId, SerializedError            the task threw
 *   "dropped"  taskId                             a cancelled task that never started
 *   "progress" taskId, value                      taskContext().progress(value)
 *   "initError" SerializedError                   the initializer threw; the worker serves nothing
 *   "exiting"  takenUp                            last words before an exit the worker can see (process.exit,
 *                                                 an uncaught error): how many tasks it had taken up, so that
 *                                                 the pool fails exactly the ones that started
 */

/**
 * The version of the pool <-> worker messages; a worker announces it in its
 * `ready` message and the pool refuses a worker that speaks another.
 *
 * @example
 * ```ts
 * import { PROTOCOL_VERSION } from "@offloop/core";
 * console.log(`offloop protocol v${PROTOCOL_VERSION}`);
 * ```
 */
export const PROTOCOL_VERSION = 6;

/**
 * Index in the hello's shared `progress` array where the worker counts the tasks it has taken up.
 *
 * @example
 * ```ts
 * const started = Atomics.load(progress, TAKEN_UP); // tasks 1..started had begun
 * ```
 */
export const TAKEN_UP = 0;
/**
 * Index in the hello's shared `progress` array where the pool counts the messages it has sent (the spinning worker's doorbell).
 *
 * @example
 * ```ts
 * worker.postMessage(message);
 * Atomics.add(progress, DOORBELL, 1); // a spinning worker takes it without being woken
 * ```
 */
export const DOORBELL = 1;
/**
 * Index in the hello's shared `progress` array where the worker counts the messages it has posted, so
 * that before a forced stop the pool can wait for those it has not read yet (a web Worker's terminate()
 * drops messages the pool has not dispatched, on Bun and Deno).
 *
 * @example
 * ```ts
 * const unread = Atomics.load(progress, POSTED) - messagesReadSinceReady;
 * ```
 */
export const POSTED = 2;
/**
 * Length of the shared `progress` array.
 *
 * @example
 * ```ts
 * const progress = new Int32Array(new SharedArrayBuffer(PROGRESS_FIELDS * Int32Array.BYTES_PER_ELEMENT));
 * ```
 */
export const PROGRESS_FIELDS = 3;

/** The records the pool sends to a worker. */
export type PoolRecords = {
  hello: [version: number, workerId: number, concurrency: number, progress: Int32Array | null, spinMicroseconds: number, lane: SharedArrayBuffer | null];
  module: [fnId: number, moduleUrl: string, taskName: string];
  source: [fnId: number, sourceText: string];
  init: [fnId: number, args: unknown[]];
  run: [taskId: number, fnId: number, args: unknown[], flushFirst: 0 | 1];
  run1: [taskId: number, fnId: number, arg: unknown, flushFirst: 0 | 1];
  chunk: [taskId: number, fnId: number, items: unknown[], flushFirst: 0 | 1];
  cancel: [taskId: number, reason: SerializedError];
};

/** The records a worker sends to its pool. */
export type WorkerRecords = {
  ready: [version: number];
  ok: [taskId: number, value: unknown];
  error: [taskId: number, error: SerializedError];
  dropped: [taskId: number];
  progress: [taskId: number, value: unknown];
  initError: [error: SerializedError];
  exiting: [takenUp: number];
};

/** The ops of records the pool sends to a worker. */
export type PoolOp = keyof PoolRecords;
/** The ops of records a worker sends to the pool. */
export type WorkerOp = keyof WorkerRecords;

/** Fields after the op, per op: how a reader walks a flat message of several records. */
const FIELDS: { readonly [Op in PoolOp | WorkerOp]: number } = {
  hello: 6,
  module: 3,
  source: 2,
  init: 2,
  run: 4,
  run1: 4,
  chunk: 4,
  cancel: 2,
  ready: 1,
  ok: 2,
  error: 2,
  dropped: 1,
  progress: 2,
  initError: 1,
  exiting: 1,
};

/**
 * Each op's code, what travels in its place: pool -> worker ops are 0-7,
 * worker -> pool ops 8-14. A message from a build older than protocol 6
 * has op strings, and is refused by name.
 *
 * @example
 * ```ts
 * import { OP } from "@offloop/core";
 * OP.ok; // 9: a worker's result record is [9, taskId, value]
 * ```
 */
export const OP = {
  hello: 0,
  module: 1,
  source: 2,
  init: 3,
  run: 4,
  run1: 5,
  chunk: 6,
  cancel: 7,
  ready: 8,
  ok: 9,
  error: 10,
  dropped: 11,
  progress: 12,
  initError: 13,
  exiting: 14,
} as const satisfies { readonly [Op in PoolOp | WorkerOp]: number };

/** Each op's name and number of fields, by code. */
const OP_NAMES: Array<PoolOp | WorkerOp> = [];
const FIELDS_BY_CODE: number[] = [];
for (const [name, code] of Object.entries(OP) as Array<[PoolOp | WorkerOp, number]>) {
  OP_NAMES[code] = name;
  FIELDS_BY_CODE[code] = FIELDS[name];
}

/** A message: records laid end to end, `[op, ...fields, op, ...fields]`, each op as its code (OP). */
export type Message = unknown[];

/**
 * Appends one record for a worker to a message being built (the pool's side).
 *
 * @example
 * ```ts
 * const message: Message = [];
 * encodeForWorker(message, "run", 7, 1, [41], 0);
 * encodeForWorker(message, "run", 8, 1, [42], 0); // [OP.run, 7, 1, [41], 0, OP.run, 8, 1, [42], 0]
 * ```
 */
export function encodeForWorker<Op extends PoolOp>(message: Message, op: Op, ...fields: PoolRecords[Op]): void;
export function encodeForWorker(message: Message, op: PoolOp, a?: unknown, b?: unknown, c?: unknown, d?: unknown, e?: unknown, f?: unknown): void {
  // Fixed arities, no spread: this runs once per task sent, and a spread push is several times slower on Bun.
  const code = OP[op];
  switch (FIELDS_BY_CODE[code]) {
    case 2:
      message.push(code, a, b);
      break;
    case 3:
      message.push(code, a, b, c);
      break;
    case 4:
      message.push(code, a, b, c, d);
      break;
    default:
      message.push(code, a, b, c, d, e, f);
  }
}

/**
 * Appends one record for the pool to a message being built (the worker's side).
 *
 * @example
 * ```ts
 * const message: Message = [];
 * encodeForPool(message, "ok", 7, 42);
 * encodeForPool(message, "ok", 8, 43); // [OP.ok, 7, 42, OP.ok, 8, 43]
 * ```
 */
export function encodeForPool<Op extends WorkerOp>(message: Message, op: Op, ...fields: WorkerRecords[Op]): void;
export function encodeForPool(message: Message, op: WorkerOp, a?: unknown, b?: unknown): void {
  const code = OP[op];
  if (FIELDS_BY_CODE[code] === 1) message.push(code, a);
  else message.push(code, a, b);
}

/** What a reader does with each record: one method per op, called with the record's fields. */
export type RecordVisitor<R extends PoolRecords | WorkerRecords> = { [Op in keyof R]: (...fields: R[Op] extends unknown[] ? R[Op] : never) => void };

type VisitorMethod = (...fields: unknown[]) => void;
/** Each visitor's methods by op code, looked up once per visitor (a pool has one per worker, a worker one). */
const methodTables = new WeakMap<object, Array<VisitorMethod | undefined>>();
function methodsByCode(visitor: object): Array<VisitorMethod | undefined> {
  let table = methodTables.get(visitor);
  if (table === undefined) {
    const methods = visitor as Record<string, unknown>;
    table = OP_NAMES.map((name) => (typeof methods[name] === "function" ? (methods[name] as VisitorMethod) : undefined));
    methodTables.set(visitor, table);
  }
  return table;
}

/** The TypeError for a record that cannot be read, naming what was found. */
function unknownOp(op: unknown): TypeError {
  const found = typeof op === "number" && OP_NAMES[op] !== undefined ? `${op} ("${OP_NAMES[op]}")` : JSON.stringify(op) ?? String(op);
  const hint = typeof op === "string" ? " (ops travel as numbers since protocol 6: the other side runs an older offloop; use one version of @offloop/core and its adapter)" : "";
  return new TypeError(`offloop: unknown message op ${found}${hint}`);
}

/**
 * Reads a message record by record and calls the visitor's method for each
 * op with its fields. An op the visitor does not know ends the walk with a
 * TypeError naming it (a message from another version of offloop).
 *
 * @example
 * ```ts
 * decodeRecords<WorkerRecords>([OP.ok, 7, 42], { ok: (id, value) => console.log(id, value), ...rest });
 * ```
 */
export function decodeRecords<R extends PoolRecords | WorkerRecords>(message: Message, visitor: RecordVisitor<R>): void {
  const methods = methodsByCode(visitor);
  for (let index = 0; index < message.length; ) {
    const op = message[index] as number;
    const size = FIELDS_BY_CODE[op];
    const method = methods[op];
    if (size === undefined || method === undefined) throw unknownOp(op);
    switch (size) {
      case 1:
        method.call(visitor, message[index + 1]);
        break;
      case 2:
        method.call(visitor, message[index + 1], message[index + 2]);
        break;
      case 3:
        method.call(visitor, message[index + 1], message[index + 2], message[index + 3]);
        break;
      case 4:
        method.call(visitor, message[index + 1], message[index + 2], message[index + 3], message[index + 4]);
        break;
      default:
        method.call(visitor, ...message.slice(index + 1, index + 1 + size));
    }
    index += 1 + size;
  }
}

/**
 * The name of a record's op (its first element), or undefined for what is
 * not an op: to read a message in logs and tests.
 *
 * @example
 * ```ts
 * opName(OP.run1); // "run1"
 * opName(splitRecords(message)[0][0]); // e.g. "hello"
 * ```
 */
export function opName(op: unknown): PoolOp | WorkerOp | undefined {
  return typeof op === "number" ? OP_NAMES[op] : undefined;
}

/**
 * Splits a message into its records, each a message of its own: used after a
 * whole message could not be sent, to send what can be sent record by record.
 *
 * @example
 * ```ts
 * splitRecords([OP.ok, 7, 42, OP.dropped, 8]); // [[OP.ok, 7, 42], [OP.dropped, 8]]
 * ```
 */
export function splitRecords(message: Message): Message[] {
  const records: Message[] = [];
  for (let index = 0; index < message.length; ) {
    const size = FIELDS_BY_CODE[message[index] as number];
    if (size === undefined) throw unknownOp(message[index]);
    records.push(message.slice(index, index + 1 + size));
    index += 1 + size;
  }
  return records;
}

/** An error as it crosses a thread or process boundary. */
export interface SerializedError {
  name: string;
  message: string;
  stack?: string;
  cause?: unknown;
  /** For AggregateError. */
  errors?: unknown[];
  /** Own enumerable properties, e.g. `code`. */
  props?: Record<string, unknown>;
  /** Marks a serialized error, so that a cause that is a plain object stays one. */
  $offloopError: 1;
}

/** Something a transfer list may hold: an ArrayBuffer, a MessagePort, a stream... (the host decides). */
export type Transferable = object;
