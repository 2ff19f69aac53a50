// The one module that knows the SQLite driver. node-sqlite3-wasm is real
// SQLite compiled to WebAssembly: a file database, a synchronous (blocking)
// API, no native build, and the same behaviour on Node, Bun and Deno.
// Its file system layer locks the database with a lock file that even
// readers take exclusively, so concurrent readers get "database is locked":
// `all` waits and retries, like SQLite's busy_timeout.
import sqlite from "node-sqlite3-wasm";

const sleeper = new Int32Array(new SharedArrayBuffer(4));

export type Database = InstanceType<typeof sqlite.Database>;

/** Opens a database file. */
export function openDatabase(path: string, options: { readOnly?: boolean } = {}): Database {
  return new sqlite.Database(path, options);
}

/**
 * Runs a query and returns its rows, waiting (blocking) while another
 * connection holds the lock, for at most `busyTimeout` ms.
 */
export function all(db: Database, sql: string, params: Array<string | number>, busyTimeout = 10_000): { rows: Record<string, unknown>[]; lockWaits: number } {
  const deadline = performance.now() + busyTimeout;
  for (let lockWaits = 0; ; lockWaits++) {
    try {
      return { rows: db.all(sql, params) as Record<string, unknown>[], lockWaits };
    } catch (error) {
      if (!/database is locked/.test(String((error as Error)?.message)) || performance.now() > deadline) throw error;
      Atomics.wait(sleeper, 0, 0, 1);
    }
  }
}
