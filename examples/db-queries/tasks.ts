// Task module, in TypeScript: Node 24, Bun and Deno load it in their workers
// as it is. Workers import this file by URL; its top-level state (the
// connection) is per worker.
import { defineTasks, taskContext } from "offloop/tasks";
import { all, openDatabase, type Database } from "./db.ts";

/** This worker's connection, opened once by the executor's initializer. */
let db: Database | undefined;
let connectionId = "";

export default defineTasks(import.meta.url, {
  /** The executor's `initializer`: runs once in each worker, before its first task. */
  openConnection(path: string): void {
    db = openDatabase(path, { readOnly: true });
    connectionId = `connection ${crypto.randomUUID().slice(0, 8)}`;
  },

  /**
   * A blocking query on this worker's connection. Returns the rows and when
   * it ran (epoch ms), so that the caller can check how many ran at once.
   */
  query(sql: string, params: Array<string | number>) {
    const { workerId } = taskContext();
    if (!db) throw new Error("no connection: run this task in an executor whose initializer is openConnection");
    const start = performance.timeOrigin + performance.now();
    const { rows, lockWaits } = all(db, sql, params);
    return { rows, lockWaits, connectionId, workerId, start, end: performance.timeOrigin + performance.now() };
  },

  /** Creates the sample database: customers and their orders. */
  createSampleDatabase(path: string, customers: number, orders: number): void {
    const created = openDatabase(path);
    try {
      created.exec(`
        DROP TABLE IF EXISTS orders; DROP TABLE IF EXISTS customers;
        CREATE TABLE customers (id INTEGER PRIMARY KEY, name TEXT NOT NULL);
        CREATE TABLE orders (id INTEGER PRIMARY KEY, customer INTEGER NOT NULL, amount REAL NOT NULL, day INTEGER NOT NULL);
        WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < ${customers})
          INSERT INTO customers SELECT i, 'customer ' || i FROM n;
        WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < ${orders})
          INSERT INTO orders SELECT i, 1 + (i * 7919) % ${customers}, ((i * 104729) % 10000) / 100.0, i % 365 FROM n;
        CREATE INDEX orders_customer ON orders (customer);
      `);
    } finally {
      created.close();
    }
  },
});
