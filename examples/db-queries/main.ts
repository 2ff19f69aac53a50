// Blocking SQLite queries, at most 5 at once: Semaphore(5) around
// runInExecutor, and a pool whose `initializer` opens one connection per worker.
import { Semaphore, ThreadPoolExecutor, gather, runInExecutor, runtime } from "offloop";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import tasks from "./tasks.ts";

const CUSTOMERS = 1_000;
const ORDERS = 50_000;
const QUERIES = 40;
const LIMIT = 5;

const dir = mkdtempSync(join(tmpdir(), "offloop-db-"));
const path = join(dir, "shop.db");
try {
  console.log(`db-queries on ${runtime}: ${CUSTOMERS.toLocaleString("en-US")} customers, ${ORDERS.toLocaleString("en-US")} orders in ${path}`);
  let started = performance.now();
  // Setting up is blocking too; the default executor (runInExecutor(null, ...)) runs it off the loop.
  await runInExecutor(null, tasks.createSampleDatabase, path, CUSTOMERS, ORDERS);
  console.log(`created the database in ${(performance.now() - started).toFixed(0)} ms`);

  await using executor = new ThreadPoolExecutor({ maxWorkers: LIMIT, initializer: tasks.openConnection, initArgs: [path] });
  const semaphore = new Semaphore(LIMIT);
  // One customer's orders and their total.
  const sql = `SELECT c.name AS name, COUNT(*) AS orders, ROUND(SUM(o.amount), 2) AS total
               FROM orders o JOIN customers c ON c.id = o.customer WHERE o.customer = ? GROUP BY c.name`;
  started = performance.now();
  const results = await gather(
    Array.from({ length: QUERIES }, (_, i) => semaphore.use(() => runInExecutor(executor, tasks.query, sql, [1 + ((i * 37) % CUSTOMERS)]))),
  );
  const ms = performance.now() - started;

  for (const { rows } of results.slice(0, 5)) {
    const row = rows[0] as { name: string; orders: number; total: number };
    console.log(`  ${row.name.padEnd(13)} ${String(row.orders).padStart(4)} orders  total ${row.total.toFixed(2).padStart(9)}`);
  }
  console.log(`  ... ${QUERIES - 5} more`);

  const edges = results.flatMap((r) => [[r.start, 1], [r.end, -1]] as const).sort((a, b) => a[0] - b[0] || a[1] - b[1]);
  let running = 0;
  let peak = 0;
  for (const [, delta] of edges) peak = Math.max(peak, (running += delta));
  const lockWaits = results.reduce((sum, r) => sum + r.lockWaits, 0);
  console.log(`${QUERIES} queries in ${ms.toFixed(0)} ms, peak in flight ${peak} (limit ${LIMIT}), ${lockWaits} lock waits of 1 ms`);
  // Each worker used one connection, and no connection was used by two workers.
  const byWorker = new Map<number, Set<string>>();
  for (const r of results) byWorker.set(r.workerId, (byWorker.get(r.workerId) ?? new Set<string>()).add(r.connectionId));
  const connections = new Set(results.map((r) => r.connectionId));
  const onePerWorker = [...byWorker.values()].every((set) => set.size === 1) && connections.size === byWorker.size;
  console.log(`workers used: ${byWorker.size}, connections: ${connections.size}${onePerWorker ? ", one per worker, each opened once by the initializer" : " (NOT one per worker)"}`);
  console.log(`headline: ${QUERIES} queries, ${peak} at most at once (limit ${LIMIT}), ${onePerWorker ? `one connection per worker (${connections.size})` : "NOT one connection per worker"}`);
  process.exitCode = onePerWorker && peak <= LIMIT ? 0 : 1;
} finally {
  rmSync(dir, { recursive: true, force: true });
}
